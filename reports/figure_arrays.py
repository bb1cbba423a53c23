"""The seven value figures of every group at once, over numpy arrays (docs/ARCHITECTURE.md §7.2):
the exact means in units of 1e-9 (formulas.nines) and the intervals in tenths and thousandths
(stats.interval_units), bit for bit what the scalar functions give each figure.

Why it is the same to the bit: every float operation is the scalar code's, in the same order,
and IEEE arithmetic (division, sqrt, a product, a sum) is correctly rounded in numpy as in
Python; ints below 2**53 convert to floats exactly. Where the scalar code rounds an integer out
of a float only when the float is clear of a rounding edge (stats: CLEAR), so does this, and
the rest (a few figures a run) goes through the scalar function itself. The one step the scalar
code does in integers, `nines` (the float's binary value p/q rounded half up to 1e-9), is done
here in floats where the float's error (below 2e-5 of a unit for a mean up to 1,000) cannot
reach the half: within 1e-4 of it, the scalar `nines` decides. `tests/reports/test_figures.py`
compares both on random groups and at rounding edges; the national round's rows were compared
whole, old writer against new.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain
from typing import NamedTuple

import numpy as np

from reports import stats
from reports.aggregation import Sums
from reports.formulas import nines, tenths_of_nines
from reports.models import VALUE_CODES

VALUES = len(VALUE_CODES)
# Within this much of a half, the float product cannot be trusted to round like p/q (see above).
_NINES_MARGIN = 1e-4


class ValueParts(NamedTuple):
    """Per group (a row of each list) and value (a column): the exact mean in units of 1e-9 (0
    where the value has no scores), the interval's low and high in tenths and its standard
    error in thousandths, and whether there is an interval (two scores or more, the spread
    known)."""

    units: list[list[int]]
    low: list[list[int]]
    high: list[list[int]]
    se: list[list[int]]
    spread: list[list[bool]]


def value_parts(groups: Sequence[tuple[Sums, int | None]]) -> ValueParts:
    """The value figures of each (sums, roster) of `groups`, as FigureWriter computes them one
    by one."""
    if not groups:
        return ValueParts([], [], [], [], [])
    arrays = _value_arrays(groups)
    return ValueParts(
        units=arrays.units.tolist(),
        low=arrays.low.tolist(),
        high=arrays.high.tolist(),
        se=arrays.se.tolist(),
        spread=arrays.spread.tolist(),
    )


def _matrix(rows: list[list], dtype) -> np.ndarray:
    """The rows (of VALUES numbers each) as one array: np.fromiter over them flattened, several
    times faster than np.array's look into nested lists (~14 ms for a national run's)."""
    flat = np.fromiter(chain.from_iterable(rows), dtype=dtype, count=len(rows) * VALUES)
    return flat.reshape(len(rows), VALUES)


class _Arrays(NamedTuple):
    count: np.ndarray
    units: np.ndarray
    low: np.ndarray
    high: np.ndarray
    se: np.ndarray
    spread: np.ndarray


def _value_arrays(groups: Sequence[tuple[Sums, int | None]]) -> _Arrays:
    count = _matrix([s.value_n for s, _ in groups], np.int64)
    total = _matrix([s.value_sum for s, _ in groups], np.float64)
    squares = _matrix([s.value_sq for s, _ in groups], np.float64)
    known = np.array([s.spread_known for s, _ in groups], dtype=bool)
    roster = np.array([r or 0 for _, r in groups], dtype=np.int64)[:, None]

    has = count > 0
    countf = count.astype(np.float64)
    safe_count = np.where(has, countf, 1.0)
    mean = np.where(has, total / safe_count, 0.0)
    units = _nines(mean, total, count, has)

    # stats.sample_variance, then interval_units: the same operations in the same order.
    wide = count >= 2
    minus_one = np.where(wide, countf - 1.0, 1.0)
    variance = np.maximum(0.0, (squares - total * total / safe_count) / minus_one)
    variance = np.maximum(variance, stats.SD_FLOOR * stats.SD_FLOOR)
    low, high, se = _interval(
        units.astype(np.float64) / 1e9, variance, safe_count, count, roster, wide
    )
    return _Arrays(
        count=count, units=units, low=low, high=high, se=se, spread=wide & known[:, None]
    )


class ValueBlocks:
    """The seven value figures and the individual index (VALUE_CODES and INDIVIDUAL, the first
    eight blocks of FIGURE_ORDER) of every group of `groups` as shown figures, held as columns
    over all of them: group g's blocks are the entries 8g to 8g + 7. The numbers are
    value_parts' and _individual's; the rounding to tenths, the bounds that contain the value,
    the band and the empty note are the figure writer's rules (reports.figures), applied over
    the arrays; Decimals and bands are looked up once per distinct number. `units(g)` gives
    the exact means the individual index averages.

    The figure writer's row of a value figure was built here for ~70,000 figures of a national
    run one by one; as columns, the rows (for the ORM) or their COPY text
    (reports.figure_copy) come out of C loops (docs/ARCHITECTURE.md §7.2)."""

    WIDTH = 8  # the seven values and the individual index

    def __init__(
        self,
        groups: Sequence[tuple[Sums, int | None]],
        *,
        band: Callable[[int], str],
        empty: str,
    ) -> None:
        self.size = len(groups)
        self.band, self.empty = band, empty
        self._made: dict[str | None, tuple[list, ...]] = {}
        if not groups:
            self._units: list[list[int]] = []
            self._keys: tuple = (np.zeros(0, dtype=np.int64),) * 5
            return
        arrays = _value_arrays(groups)
        self._units = arrays.units.tolist()
        has = arrays.count > 0
        shown = tenths_of_nines(arrays.units)  # integer arithmetic: works on arrays too
        interval = has & arrays.spread
        individual = _individual(groups, arrays)
        whole = has.all(axis=1)
        none = -1  # a lookup's key for "no number"

        def beside(values: np.ndarray, last: np.ndarray) -> np.ndarray:
            """The seven values' keys and the individual index's, group by group."""
            return np.concatenate([values, last[:, None]], axis=1).ravel()

        self._keys = (
            # the figure, in tenths
            beside(np.where(has, shown, none), np.where(whole, individual.tenths, none)),
            beside(arrays.count, np.array([s.n for s, _ in groups], dtype=np.int64)),
            # the bounds (containing the figure) in tenths, the standard error in thousandths
            beside(
                np.where(interval, np.minimum(arrays.low, shown), none),
                np.where(individual.spread, np.minimum(individual.low, individual.tenths), none),
            ),
            beside(
                np.where(interval, np.maximum(arrays.high, shown), none),
                np.where(individual.spread, np.maximum(individual.high, individual.tenths), none),
            ),
            beside(
                np.where(interval, arrays.se, none),
                np.where(individual.spread, individual.se, none),
            ),
        )

    def units(self, at: int) -> list[int]:
        """The exact means (in 1e-9; 0 for a value without scores) of the group at `at`."""
        return self._units[at]

    def columns(self, null: str | None = None) -> tuple[list, ...]:
        """(value, n, reason, band, low, high, se) of every value figure, in group order; the
        denominator is always null and the figures shown. With `null` (a text standing for a
        missing number) every number is given as its text, str() of the Decimal or int the
        figure holds, for a writer of text (COPY): made once per distinct number too."""
        made = self._made.get(null)
        if made is None:
            made = self._made[null] = self._columns(null)
        return made

    def _columns(self, null: str | None) -> tuple[list, ...]:
        """See columns()."""
        value, count, low, high, se = self._keys
        tenths, thousandths = stats.tenths, stats.thousandths
        if null is not None:
            tenths = lambda k: str(stats.tenths(k))  # noqa: E731
            thousandths = lambda k: str(stats.thousandths(k))  # noqa: E731
        return (
            _looked_up(value, tenths, null),
            count.tolist() if null is None else list(map(str, count.tolist())),
            np.where(value >= 0, "", self.empty).tolist(),
            _looked_up(value, self.band, ""),
            _looked_up(low, tenths, null),
            _looked_up(high, tenths, null),
            _looked_up(se, thousandths, null),
        )

    def parts(self, at: int) -> list[tuple]:
        """The seven blocks of the group at `at`, each the figure's nine parts (FIGURE_PARTS,
        INTERVAL_PARTS) as the figure writer's rows hold them."""
        start, end = at * self.WIDTH, (at + 1) * self.WIDTH
        value, n, reason, band, low, high, se = (c[start:end] for c in self.columns())
        return [
            (v, c, None, False, r, b, lo, hi, s)
            for v, c, r, b, lo, hi, s in zip(value, n, reason, band, low, high, se, strict=True)
        ]


class _Individual(NamedTuple):
    tenths: np.ndarray  # the index rounded, in tenths (where every value has scores)
    spread: np.ndarray  # whether it has an interval
    low: np.ndarray
    high: np.ndarray
    se: np.ndarray


def _individual(groups: Sequence[tuple[Sums, int | None]], arrays: _Arrays) -> _Individual:
    """The individual index of each group and its interval, as the figure writer computes them
    one by one: the plain mean of the seven exact means (units of 1e-9, summed: S) in 34
    digits, rounded half up to tenths, is (2S + 7e8) // 1.4e9 (the 34-digit quotient cannot
    cross a half tenth: S/7e9 is one, exactly, or at least 1/7e9 from one); its float is
    float(S) / 7e9 (S/7e9 is never a midpoint of two floats, and the 34 digits are far closer
    to it than the nearest one); the interval is stats.interval_units of that float with the
    variance of the seven added up / 49, the same operations in the same order."""
    total = arrays.units.sum(axis=1)
    tenths = (2 * total + 700_000_000) // 1_400_000_000
    count = np.array([s.whole_n for s, _ in groups], dtype=np.int64)
    sums = np.array([s.whole_sum for s, _ in groups], dtype=np.float64)
    squares = np.array([s.whole_sq for s, _ in groups], dtype=np.float64)
    known = np.array([s.spread_known for s, _ in groups], dtype=bool)
    roster = np.array([r or 0 for _, r in groups], dtype=np.int64)
    wide = (arrays.count > 0).all(axis=1) & known & (count >= 2)
    countf = np.where(wide, count, 2).astype(np.float64)
    variance = np.maximum(0.0, (squares - sums * sums / countf) / (countf - 1.0)) / 49
    variance = np.where(wide, np.maximum(variance, stats.SD_FLOOR * stats.SD_FLOOR), 0.0)
    centre = np.where(wide, total.astype(np.float64) / 7e9, 0.0)
    low, high, se = _interval(centre, variance, countf, count, roster, wide)
    return _Individual(tenths=tenths, spread=wide, low=low, high=high, se=se)


def _looked_up(keys: np.ndarray, make: Callable[[int], object], absent=None) -> list:
    """make(key) of every key (-1: `absent`), made once per distinct key."""
    distinct, where = np.unique(keys, return_inverse=True)
    table = np.array([absent if k < 0 else make(int(k)) for k in distinct.tolist()], dtype=object)
    return table[where.ravel()].tolist()


def _nines(mean: np.ndarray, total: np.ndarray, count: np.ndarray, has: np.ndarray) -> np.ndarray:
    """formulas.nines of every mean: in floats where clear of the half, else the scalar one."""
    shifted = mean * 1e9 + 0.5
    floor = np.floor(shifted)
    off = shifted - floor
    clear = (off > _NINES_MARGIN) & (off < 1 - _NINES_MARGIN) & (mean >= 0) & (mean < 1000)
    units = np.where(has & clear, floor, 0).astype(np.int64)
    for g, i in zip(*np.nonzero(has & ~clear), strict=True):
        units[g, i] = nines(float(total[g, i]) / int(count[g, i]))
    return units


def _interval(centre, variance, countf, count, roster, wide) -> tuple[np.ndarray, ...]:
    """stats.interval_units after its variance floor: (low, high) in tenths and the standard
    error in thousandths of each centre, `countf` the counts as floats (1 or 2 where unused)."""
    se = np.sqrt(variance / countf * _finite_correction(count, roster))
    half = _t975(count, wide) * se
    return (
        _tenths_of(np.maximum(0.0, centre - half)),
        _tenths_of(np.minimum(100.0, centre + half)),
        _thousandths_of(se),
    )


def _finite_correction(count: np.ndarray, roster: np.ndarray) -> np.ndarray:
    """stats.finite_correction of every count (1 without a roster, 0 when all answered)."""
    return np.where(
        roster == 0,
        1.0,
        np.where(count >= roster, 0.0, (roster - count) / np.where(roster > 1, roster - 1, 1)),
    )


def _t975(count: np.ndarray, wide: np.ndarray) -> np.ndarray:
    """stats.t975(n - 1) of every count of two or more (a few hundred distinct ones)."""
    sizes, where = np.unique(np.where(wide, count, 2), return_inverse=True)
    values = np.array([stats.t975(int(n) - 1) for n in sizes], dtype=np.float64)
    return values[where.reshape(count.shape)]


def _tenths_of(number: np.ndarray) -> np.ndarray:
    """stats._one_decimal_tenths of every number."""
    return _clear_floor(number, 10, stats._NUDGE, stats._one_decimal_tenths)


def _thousandths_of(number: np.ndarray) -> np.ndarray:
    """stats._thousandths_of of every number."""
    return _clear_floor(number, 1000, 0.5, stats._thousandths_of)


def _clear_floor(number: np.ndarray, scale: float, nudge: float, scalar) -> np.ndarray:
    """floor(number x scale + nudge) where it is clear of an integer by stats.CLEAR, as the
    scalar function does it; the scalar function for the rest."""
    shifted = number * scale + nudge
    floor = np.floor(shifted)
    off = shifted - floor
    clear = (off > stats.CLEAR) & (off < 1 - stats.CLEAR) & (number >= 0.0) & (number < 1000.0)
    result = np.where(clear, floor, 0).astype(np.int64)
    for index in zip(*np.nonzero(~clear), strict=True):
        result[index] = scalar(float(number[index]))
    return result
