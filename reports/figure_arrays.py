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

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from reports import stats
from reports.aggregation import Sums
from reports.formulas import nines

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
    """The value figures of each (sums, roster) of `groups`, as FigureWriter._value_rows
    computes them one by one."""
    if not groups:
        return ValueParts([], [], [], [], [])
    count = np.array([s.value_n for s, _ in groups], dtype=np.int64)
    total = np.array([s.value_sum for s, _ in groups], dtype=np.float64)
    squares = np.array([s.value_sq for s, _ in groups], dtype=np.float64)
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
    correction = np.where(
        roster == 0,
        1.0,
        np.where(count >= roster, 0.0, (roster - count) / np.where(roster > 1, roster - 1, 1)),
    )
    se = np.sqrt(variance / safe_count * correction)
    half = _t975(count, wide) * se
    centre = units.astype(np.float64) / 1e9
    return ValueParts(
        units=units.tolist(),
        low=_tenths_of(np.maximum(0.0, centre - half)).tolist(),
        high=_tenths_of(np.minimum(100.0, centre + half)).tolist(),
        se=_thousandths_of(se).tolist(),
        spread=(wide & known[:, None]).tolist(),
    )


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
