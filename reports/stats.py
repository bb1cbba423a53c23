"""How sure a published figure is: 95% intervals and the test of a change (docs/ARCHITECTURE.md §7.5).

Plain arithmetic on the sums of the one scan (reports.aggregation.Sums): no statistics library
at run time (the tests check these functions against scipy).

- A value's interval: mean +- t(0.975, n-1) x s / sqrt(n) x sqrt((N-n)/(N-1)), with s the sample
  standard deviation of the respondents' value scores (never below SD_FLOOR: a group that
  answered alike is not shown to have done so), n the responses of the group and N the
  group's roster in the round's snapshot (the finite population correction: a unit where all
  answered is known exactly; without a roster, as for an ASN-type breakdown, none is applied).
- The individual index (the mean of the seven value means): the same with s the deviation of the
  respondents' seven scores added up, divided by seven, over those who answered all seven.
- The composite (w_survey x individual + w_lke x LKE) / 100: the LKE score is treated as fixed
  (a complete assessment, not a sample), so its standard error is w_survey / 100 x that of the
  individual index.
- A change against the previous published round is significant when |difference| > 1.96 x
  sqrt(se_now^2 + se_before^2): two independent samples (other respondents, or the same people
  answering anonymously a year apart), large enough for the normal approximation.
Bounds are cut to 0-100 and rounded once, half up, like the figures.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import NamedTuple

Z975 = 1.959963984540054
SE_PLACES = Decimal("0.001")
ONE_DECIMAL = Decimal("0.1")
LOW_PARTICIPATION = 60  # percent: below it a figure's interval says it may be biased
# The smallest spread an interval is computed with (points on the 0-100 scale): an interval never
# shows that every respondent of a group answered alike, which would tell each one's score.
SD_FLOOR = 5.0

# t(0.975, df) for df 1..30 (to double precision), where the expansion below is less accurate.
_T975 = (
    12.706204736174694, 4.302652729749462, 3.1824463052837078, 2.7764451051977934, 2.5705818356363146,
    2.4469118511449786, 2.364624251592784, 2.306004135204166, 2.262157162798205, 2.228138851986274,
    2.200985160091639, 2.1788128296672284, 2.1603686564627913, 2.144786687917804, 2.131449545559776,
    2.1199052992212546, 2.1098155778333156, 2.1009220402410382, 2.0930240544083087, 2.085963447265864,
    2.0796138447276795, 2.0738730679040254, 2.0686576104190486, 2.0638985616280245, 2.0595385527532972,
    2.0555294386428735, 2.0518305164802846, 2.0484071417952454, 2.045229642132703, 2.0422724563012378,
)  # fmt: skip


@cache  # a few hundred distinct group sizes, asked some 70,000 times per national compute
def t975(df: int) -> float:
    """The 97.5% quantile of Student's t with `df` degrees of freedom (df >= 1): exact for
    df <= 30, else the Cornish-Fisher expansion (Abramowitz & Stegun 26.7.5), within 1e-7."""
    if df < 1:
        raise ValueError("df must be at least 1")
    if df <= len(_T975):
        return _T975[df - 1]
    z = Z975
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def sample_variance(n: int, total: float, squares: float) -> float | None:
    """The sample variance (n - 1 in the denominator) from a count, a sum and a sum of squares."""
    if n < 2:
        return None
    return max(0.0, (squares - total * total / n) / (n - 1))


def finite_correction(n: int, roster: int | None) -> float:
    """(N - n) / (N - 1), the share of the variance left when n of N were asked; 1 without N."""
    if not roster:
        return 1.0
    if n >= roster:
        return 0.0
    return (roster - n) / (roster - 1)


class Interval(NamedTuple):
    low: Decimal
    high: Decimal
    se: Decimal  # standard error (finite correction applied), for the test of a change


def interval(
    mean: Decimal | float, variance: float | None, n: int, roster: int | None, scale: float = 1.0
) -> Interval | None:
    """The 95% interval of a mean of n responses of a group of `roster`; `scale` multiplies the
    standard error (the composite's survey weight). None where there is no spread to go by."""
    parts = interval_units(float(mean), variance, n, roster, scale)
    if parts is None:
        return None
    low, high, se = parts
    return Interval(low=tenths(low), high=tenths(high), se=thousandths(se))


def interval_units(
    centre: float, variance: float | None, n: int, roster: int | None, scale: float = 1.0
) -> tuple[int, int, int] | None:
    """`interval` as integers: (low, high) in tenths and the standard error in thousandths, the
    figure writer's form (it compares them with the rounded value before making Decimals)."""
    if variance is None or n < 2:
        return None
    variance = max(variance, SD_FLOOR * SD_FLOOR)
    se = scale * math.sqrt(variance / n * finite_correction(n, roster))
    half = t975(n - 1) * se
    return (
        _one_decimal_tenths(max(0.0, centre - half)),
        _one_decimal_tenths(min(100.0, centre + half)),
        _thousandths_of(se),
    )


# --- rounding of the bounds, exactly as Decimal(repr(x)) would, mostly without Decimal ---------
#
# A bound is Decimal(repr(x)) rounded half up to 1e-9 (the float noise cut, as for the figures),
# then to one decimal; a standard error is Decimal(repr(x)) rounded half up to 0.001. The two
# steps of the bound amount to floor(10 d + 0.5 + 0.5e-8), d the decimal of repr(x). In floats,
# for 0 <= x < 1000, that sum is within 1e-11 of its exact value (repr(x) is within half an ulp
# of x, and a product and a sum add an ulp or two): where it is more than CLEAR from an integer
# its floor is the exact one; the rare rest goes through Decimal. Results are the same bit for
# bit; tests/reports/test_stats.py checks both paths on many values.
CLEAR = 1e-7
_NUDGE = 0.5 + 0.5e-8


def _one_decimal_tenths(number: float) -> int:
    """_one_decimal(number) in tenths."""
    if 0.0 <= number < 1000.0:
        shifted = number * 10 + _NUDGE
        floor = int(shifted)
        if CLEAR < shifted - floor < 1 - CLEAR:
            return floor
    return int(_one_decimal(number).scaleb(1))


def _thousandths_of(number: float) -> int:
    """Decimal(repr(number)) rounded half up to 0.001, in thousandths."""
    if 0.0 <= number < 1000.0:
        shifted = number * 1000 + 0.5
        floor = int(shifted)
        if CLEAR < shifted - floor < 1 - CLEAR:
            return floor
    exact = Decimal(repr(number)).quantize(SE_PLACES, rounding=ROUND_HALF_UP)
    return int(exact.scaleb(3))


def _one_decimal(number: float) -> Decimal:
    return (
        Decimal(repr(number))
        .quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
        .quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    )


# Decimals are immutable: the ones a run needs are made once. Every figure and bound 0.0-100.0 by
# its tenths; standard errors as they come (a few thousand distinct ones in a national run).
_TENTHS = tuple(Decimal(k).scaleb(-1) for k in range(1001))
_THOUSANDTHS: dict[int, Decimal] = {}


def tenths(units: int) -> Decimal:
    """A number of tenths as a Decimal with one decimal (Decimal("45.1") for 451): the same
    Decimal as a quantize to 0.1 gives."""
    if 0 <= units <= 1000:
        return _TENTHS[units]
    return Decimal(units).scaleb(-1)


def thousandths(units: int) -> Decimal:
    """A number of thousandths as a Decimal with three decimals (Decimal("0.008") for 8)."""
    number = _THOUSANDTHS.get(units)
    if number is None:
        number = Decimal(units).scaleb(-3)
        if 0 <= units < 100_000:  # an error below 100 points: bounded
            _THOUSANDTHS[units] = number
    return number


def significant(delta: Decimal, se_now: Decimal | None, se_before: Decimal | None) -> bool | None:
    """Whether a change is larger than the noise of both figures (two-sided, 5%); None where
    either figure has no standard error (a run stored before the intervals)."""
    if se_now is None or se_before is None:
        return None
    spread = math.sqrt(float(se_now) ** 2 + float(se_before) ** 2)
    if spread == 0:
        return delta != 0
    return abs(float(delta)) > Z975 * spread


# --- instrument quality (docs/ARCHITECTURE.md §7.5) -------------------------------------------

ALPHA_LOW = 0.7  # a scale below it is flagged
ITEM_REST_LOW = 0.3  # an item whose corrected item-total correlation is below it is flagged


def covariances(m: int, sums: list[float], products: list[list[float]]) -> list[list[float]]:
    """The sample covariance matrix of k items from m complete answers: their sums and the sums
    of their pairwise products (products[i][j] = sum of x_i x_j)."""
    k = len(sums)
    return [
        [(products[i][j] - sums[i] * sums[j] / m) / (m - 1) for j in range(k)] for i in range(k)
    ]


def cronbach_alpha(cov: list[list[float]], items: list[int]) -> float | None:
    """k / (k - 1) x (1 - sum of the item variances / variance of their sum)."""
    total = sum(cov[i][j] for i in items for j in items)
    return alpha_from_variances([cov[i][i] for i in items], total)


def alpha_from_variances(item_variances: list[float], total_variance: float) -> float | None:
    """Cronbach's alpha from the items' variances and the variance of their sum."""
    k = len(item_variances)
    if k < 2 or total_variance <= 0:
        return None
    return k / (k - 1) * (1 - sum(item_variances) / total_variance)


def item_rest_correlation(cov: list[list[float]], item: int, items: list[int]) -> float | None:
    """The correlation of an item with the sum of the other items of its scale."""
    rest = [j for j in items if j != item]
    covariance = sum(cov[item][j] for j in rest)
    variance = sum(cov[a][b] for a in rest for b in rest)
    if cov[item][item] <= 0 or variance <= 0:
        return None
    return covariance / math.sqrt(cov[item][item] * variance)
