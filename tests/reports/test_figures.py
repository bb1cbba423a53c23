"""Formulas and rounding: the national 2022 figures, half-up rounding, band edges."""

from __future__ import annotations

import math
import random
from decimal import Decimal

import pytest

from evaluations.models import Round
from reports import formulas
from reports.aggregation import Sums
from reports.formulas import individual_index, round_half_up, value_means
from tests.reports.factories import NATIONAL_2022

D = Decimal


def test_national_2022_values_give_individual_index_60_9():
    means = {code: D(str(v)) for code, v in NATIONAL_2022.items()}
    assert round_half_up(individual_index(means)) == D("60.9")


def test_national_2022_bands_adaptif_c_others_b():
    round = Round()  # default thresholds A >= 75, B >= 50, C >= 25
    bands = {code: round.band_for(round_half_up(v)) for code, v in NATIONAL_2022.items()}
    assert bands == {"BP": "B", "AK": "B", "KO": "B", "HA": "B", "LO": "B", "AD": "C", "KL": "B"}
    assert round.band_for(D("60.9")) == "B"


@pytest.mark.parametrize(
    ("unrounded", "published", "band"),
    [
        ("74.95", "75.0", "A"),
        ("75.0", "75.0", "A"),
        ("74.94", "74.9", "B"),
        ("49.95", "50.0", "B"),
        ("49.949", "49.9", "C"),
        ("24.95", "25.0", "C"),
        ("24.94", "24.9", "D"),
        ("0.05", "0.1", "D"),
        ("100", "100.0", "A"),
    ],
)
def test_rounding_half_up_then_band_of_the_published_figure(unrounded, published, band):
    value = round_half_up(D(unrounded))
    assert value == D(published)
    assert Round().band_for(value) == band


def test_float_noise_does_not_move_a_half_to_the_wrong_side():
    # 0.1 + 0.2 style noise: these floats average to 74.9499999... or 74.9500000...1
    assert round_half_up((74.9 + 75.0) / 2) == D("75.0")
    assert round_half_up(sum([24.95] * 3) / 3) == D("25.0")
    assert round_half_up(149.9 / 2) == D("75.0")


def test_individual_index_uses_unrounded_value_means():
    # Means 10.04 (x4) and 10.05 (x3): rounded first they would give 10.0/10.1 -> 10.04;
    # from unrounded inputs: (4 x 10.04 + 3 x 10.05) / 7 = 10.0443 -> 10.0
    sums = Sums(n=1, value_sum=[10.04] * 4 + [10.05] * 3, value_n=[1] * 7)
    assert round_half_up(individual_index(value_means(sums))) == D("10.0")
    # A mean of unrounded values that rounds differently from the mean of rounded ones:
    means = {c: D("60.04") for c in NATIONAL_2022}
    means["KL"] = D("60.06")  # rounded values 60.0 x6 and 60.1 -> 60.01..; unrounded 60.0428
    assert round_half_up(individual_index(means)) == D("60.0")


def test_individual_index_is_none_while_a_value_has_no_score():
    means = {code: D("50") for code in NATIONAL_2022}
    means["AD"] = None
    assert individual_index(means) is None


def test_rounding_in_integers_is_exact_then_quantize_bit_for_bit():
    """The figure writer's integer rounding (nines, tenths_of_nines, round_half_up_fast) gives the
    Decimal of exact() and round_half_up, at the edges too (docs/ARCHITECTURE.md §7.2)."""
    rng = random.Random(11)
    numbers = [0.0, 100.0, 74.95, 24.95, 149.9 / 2, sum([24.95] * 3) / 3, 5e-324]
    for _ in range(20_000):
        edge = rng.randint(0, 1000) / 10 - 0.05
        numbers += [edge, edge - 5e-10, math.nextafter(edge - 5e-10, 0.0), rng.uniform(0, 100)]
        numbers.append(rng.randint(0, 10**5) * 100 / rng.randint(1, 10**5))
    for x in numbers:  # -0.05 among them: round_half_up_fast leaves a negative to Decimal
        rounded, expected = formulas.round_half_up_fast(x), round_half_up(x)
        assert (rounded, str(rounded)) == (expected, str(expected)), x
        if x >= 0:
            assert D(formulas.nines(x)).scaleb(-9) == formulas.exact(x), x
            assert formulas.tenths_of_nines(formulas.nines(x)) == int(expected * 10), x


def _scalar_value_parts(sums: Sums, roster: int | None) -> list[tuple]:
    """What the writer computed figure by figure before the arrays: formulas.nines of the mean,
    stats.interval_units of the value (the reference for figure_arrays)."""
    from reports import stats

    parts = []
    for total, count, squares in zip(sums.value_sum, sums.value_n, sums.value_sq, strict=True):
        if not count:
            parts.append((0, None))
            continue
        units = formulas.nines(total / count)
        spread = None
        if sums.spread_known:
            variance = stats.sample_variance(count, total, squares)
            spread = stats.interval_units(units / 1e9, variance, count, roster)
        parts.append((units, spread))
    return parts


def _random_group(rng: random.Random) -> tuple[Sums, int | None]:
    sums = Sums(spread_known=rng.random() < 0.9)
    for i in range(7):
        count = rng.choice((0, 1, 2, 3, 5, rng.randint(1, 50), rng.randint(1, 100_000)))
        kind = rng.random()
        if kind < 0.3:  # a mean on a rounding edge of the published tenth, or just off it
            edge = rng.randint(0, 1000) / 10 - 0.05
            mean = rng.choice((edge, edge - 5e-10, math.nextafter(edge, 0.0)))
            total = max(0.0, mean) * count
        elif kind < 0.5:  # sums of whole scores
            total = float(sum(rng.choice((0, 25, 50, 75, 100)) for _ in range(min(count, 200))))
            count = min(count, 200)
        else:
            total = rng.uniform(0, 100) * count
        mean = total / count if count else 0.0
        squares = total * mean + rng.uniform(0, 400) * max(count - 1, 0) if count else 0.0
        if rng.random() < 0.1:  # everyone alike: the spread's floor
            squares = total * mean
        sums.value_n[i], sums.value_sum[i], sums.value_sq[i] = count, total, squares
    roster = rng.choice((None, 0, 1, max(sums.value_n), max(sums.value_n) + rng.randint(1, 500)))
    return sums, roster


def test_the_value_figures_over_arrays_are_the_scalar_ones_bit_for_bit(monkeypatch):
    """figure_arrays.value_parts gives every mean (in 1e-9) and interval (tenths, thousandths)
    that nines and stats.interval_units give, on random groups with means on rounding edges,
    tiny and huge groups, alike answers, no roster, a complete roster and unknown spreads; the
    figures near an edge (left to the scalar functions) among them."""
    from reports import figure_arrays, stats

    rng = random.Random(5)
    groups = [_random_group(rng) for _ in range(4_000)]
    edges = []
    for module, name in ((figure_arrays, "nines"), (stats, "_one_decimal_tenths")):
        scalar = getattr(module, name)
        monkeypatch.setattr(module, name, lambda x, f=scalar, n=name: edges.append(n) or f(x))
    parts = figure_arrays.value_parts(groups)
    monkeypatch.undo()
    assert {"nines", "_one_decimal_tenths"} <= set(edges)
    for g, (sums, roster) in enumerate(groups):
        for i, (units, spread) in enumerate(_scalar_value_parts(sums, roster)):
            assert parts.units[g][i] == units, (sums, roster, i)
            got = (parts.low[g][i], parts.high[g][i], parts.se[g][i])
            assert (got if parts.spread[g][i] else None) == spread, (sums, roster, i)


def test_the_value_blocks_are_the_rows_written_figure_by_figure():
    """figure_arrays.ValueBlocks gives each value figure and the individual index the nine
    parts the writer's one-figure rules give them (one rounding of the exact mean, its band,
    bounds that contain the value, the empty note where nobody answered; no denominator,
    shown), and the COPY text (reports.figure_copy) of those parts, block for block."""
    from reports import figure_arrays, figure_copy, notes, stats
    from reports.figures import _mean_of_nines

    rng = random.Random(11)
    groups = [_random_group(rng) for _ in range(1_500)]
    for sums, _roster in groups:  # the seven added up: some spread, some not
        sums.n = max(sums.value_n) + rng.randint(0, 3)
        sums.whole_n = rng.choice((0, 1, 2, min(sums.value_n), rng.randint(2, 10_000)))
        sums.whole_sum = rng.uniform(0, 700) * sums.whole_n
        mean = sums.whole_sum / sums.whole_n if sums.whole_n else 0.0
        sums.whole_sq = sums.whole_sum * mean + rng.uniform(0, 5000) * max(sums.whole_n - 1, 0)

    def band(tenths: int) -> str:
        return "A" if tenths >= 750 else "B" if tenths >= 500 else "D"

    def block(value, n, spread, shown=None) -> tuple:
        if value is None:
            return (None, n, None, False, notes.EMPTY, "", None, None, None)
        bounds = (None, None, None)
        if spread:
            low, high, se = spread
            bounds = (
                stats.tenths(min(low, shown)),
                stats.tenths(max(high, shown)),
                stats.thousandths(se),
            )
        return (stats.tenths(shown), n, None, False, "", band(shown), *bounds)

    blocks = figure_arrays.ValueBlocks(groups, band=band, empty=notes.EMPTY)
    texts = figure_copy._value_text(blocks, {})
    spreads = 0
    for g, (sums, roster) in enumerate(groups):
        expected = []
        for i, (units, spread) in enumerate(_scalar_value_parts(sums, roster)):
            count = sums.value_n[i]
            shown = formulas.tenths_of_nines(units)
            expected.append(block(units if count else None, count, spread, shown))
        units = [u for u, _ in _scalar_value_parts(sums, roster)]
        individual = None if 0 in sums.value_n else _mean_of_nines(units)
        spread = shown = None
        if individual is not None:
            shown = int(formulas.round_half_up(individual) * 10)
            variance = stats.sample_variance(sums.whole_n, sums.whole_sum, sums.whole_sq)
            if sums.spread_known:
                spread = stats.interval_units(
                    float(individual),
                    None if variance is None else variance / 49,
                    sums.whole_n,
                    roster,
                )
                spreads += spread is not None
        expected.append(block(individual, sums.n, spread, shown))
        got = blocks.parts(g)
        assert got == expected and str(got) == str(expected), (sums, roster)
        for i, parts in enumerate(expected):
            text = "\t".join("\\N" if v is None else "f" if v is False else str(v) for v in parts)
            assert texts[8 * g + i] == text
        assert blocks.units(g) == units
    assert spreads > 100
