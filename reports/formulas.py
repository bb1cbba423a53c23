"""The formulas and the one rounding of the figures (docs/ARCHITECTURE.md §7.1; explained in plain
Indonesian on the public Metode page):
- per value = mean of the respondents' value scores (0-100);
- individual index = plain mean of the seven unrounded per-value means;
- composite = (w_survey x individual + w_lke x institutional) / 100, from unrounded inputs;
- engagement = mean of the respondents' engagement scores;
- implementation of a value = % of respondents who chose at least one of its behaviours as
  current culture; culture entropy = mean over respondents of limiting choices / K x 100;
  alignment = mean over respondents of the % of their desired-culture values already chosen
  as current culture; personal alignment = same with personal values against current culture;
- response rate = (web submissions + paper responses) / roster x 100, capped at 100;
- institutional index of a scope = mean of its agencies' final LKE scores, once all are final.
Every figure is rounded once, at the end, to one decimal, half up. The figure writer that applies
them to a round's tallies is reports.figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from evaluations.models import Round
from reports import notes, stats
from reports.aggregation import RoundTallies, Sums
from reports.models import VALUE_CODES

ONE_DECIMAL = Decimal("0.1")
# Float sums carry noise in the 15th digit; it is cut before the one rounding that counts, so
# that a mean of exactly 74.95 is published as 75.0 whatever the order of the additions.
NOISE = Decimal("1e-9")
# The values-selection figures (selection_means), in the order they are written.
SELECTION_CODES = (
    *(f"IMPLEMENTATION_{c}" for c in VALUE_CODES),
    "ENTROPY",
    "ALIGNMENT",
    "ALIGNMENT_PERSONAL",
)


def exact(number) -> Decimal | None:
    """An unrounded figure as a Decimal with float noise removed."""
    if number is None:
        return None
    return Decimal(number).quantize(NOISE, rounding=ROUND_HALF_UP)


def round_half_up(number) -> Decimal | None:
    """One decimal, half up, from an unrounded input."""
    cleaned = exact(number)
    return None if cleaned is None else cleaned.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


# The same two roundings in integers, for the figure writer's ~100,000 rows (docs/ARCHITECTURE.md
# §7.2): exact() of a float is its binary value p/q rounded half up to 1e-9, an integer number of
# "nines"; one decimal from there is a second half-up rounding, in integers too. No float
# arithmetic is involved, so the Decimal made at the end is the one exact() and quantize give.
def nines(number: float) -> int:
    """exact(number) in units of 1e-9, for a float >= 0 (a mean of scores or of counts)."""
    numerator, denominator = number.as_integer_ratio()
    return (numerator * 2_000_000_000 + denominator) // (2 * denominator)


def tenths_of_nines(units: int) -> int:
    """A figure exact to 1e-9 (in units of it, >= 0) rounded half up to tenths."""
    return (units + 50_000_000) // 100_000_000


def round_half_up_fast(value) -> Decimal | None:
    """round_half_up(value), in integers for a float >= 0 (the same Decimal): the figure
    writer's rounding of every figure but the value rows it writes out itself."""
    if value is None:
        return None
    if type(value) is float and value >= 0.0:
        return stats.tenths(tenths_of_nines(nines(value)))
    return round_half_up(value)


def mean(values) -> Decimal | None:
    values = [exact(v) for v in values]
    if not values or any(v is None for v in values):
        return None
    with localcontext() as context:
        context.prec = 34
        return sum(values, Decimal(0)) / len(values)


def value_means(sums: Sums) -> dict[str, Decimal | None]:
    return {
        code: exact(sums.value_sum[i] / sums.value_n[i]) if sums.value_n[i] else None
        for i, code in enumerate(VALUE_CODES)
    }


def individual_index(means: Mapping[str, Decimal | None]) -> Decimal | None:
    """Plain mean of the seven unrounded per-value means; None while a value has no score."""
    return mean([means.get(code) for code in VALUE_CODES])


def composite_index(
    round: Round, individual: Decimal | None, institutional: Decimal | None
) -> Decimal | None:
    if individual is None or institutional is None:
        return None
    return (round.weight_survey * individual + round.weight_lke * exact(institutional)) / 100


def selection_means(sums: Sums, pick_count: int) -> dict[str, float | None]:
    """The values-selection figures of a group, unrounded (floats: round_half_up_fast cuts their
    noise)."""
    figures: dict[str, float | None] = {}
    n = sums.selection_n
    for i, code in enumerate(VALUE_CODES):
        figures[f"IMPLEMENTATION_{code}"] = sums.current_hits[i] * 100 / n if n else None
    figures["ENTROPY"] = sums.limiting_sum * 100 / (n * pick_count) if n else None
    figures["ALIGNMENT"] = sums.alignment_sum / sums.alignment_n if sums.alignment_n else None
    figures["ALIGNMENT_PERSONAL"] = sums.personal_sum / sums.personal_n if sums.personal_n else None
    return figures


def respondents_needed(round: Round, roster: int) -> int:
    """RoundAgency.min_respondents_needed applied to a roster (of a subtree or the province)."""
    by_pct = -(-roster * round.min_respondents_pct // 100)
    return min(max(round.min_respondents, by_pct), roster)


# --- the institutional index of a scope ----------------------------------------------------

# {RoundAgency id: final institutional index, or None while not final} of every agency that has
# an LKE in the round (evaluations.scoring.institutional_indices).
InstitutionalIndices = Mapping[int, Decimal | None]


@dataclass(slots=True)
class LkeCoverage:
    """The LKE of one scope: how many of its agencies with an LKE have their final score."""

    expected: int = 0
    finals: list[Decimal] = field(default_factory=list)

    @property
    def assessed(self) -> int:
        return len(self.finals)

    def figure(self) -> tuple[Decimal | None, str]:
        """(institutional index, note): the mean of the finals once every one is final."""
        if not self.expected:
            return None, notes.NO_LKE
        if self.assessed < self.expected:
            return None, notes.lke_pending(self.assessed, self.expected)
        return mean(self.finals), ""


def lke_coverage(
    tallies: RoundTallies, institutional: InstitutionalIndices
) -> dict[int, LkeCoverage]:
    """{agency id: LkeCoverage of its subtree}; the root's is the province's. A scope's composite
    is published only when its coverage is complete (docs/ARCHITECTURE.md §7.4)."""
    nodes = tallies.nodes
    coverage: dict[int, LkeCoverage] = {}
    for pk, score in institutional.items():
        node = nodes.get(pk)
        while node is not None:
            scope = coverage.setdefault(node.agency.pk, LkeCoverage())
            scope.expected += 1
            if score is not None:
                scope.finals.append(score)
            node = nodes.get(node.agency.parent_id)
    return coverage
