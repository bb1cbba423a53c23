"""Intervals and the test of a change (docs/ARCHITECTURE.md §7.5): by hand on a small fixture,
against scipy, from the one scan, and never for a hidden cell."""

from __future__ import annotations

import math
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from scipy import stats as scipy_stats

from evaluations.models import RoundAgency
from reports import stats
from reports.aggregation import cell_sums
from reports.inputs import sums_of_totals
from reports.models import VALUE_CODES, IndexFigure, Scope
from reports.services import compute
from surveys.models import Response
from tests.reports.factories import respond, survey_round
from tests.reports.test_compute_fast import _random_responses

D = Decimal


@pytest.mark.parametrize("df", [*range(1, 40), 50, 99, 250, 1000, 100000])
def test_t_quantile_matches_scipy(df):
    assert stats.t975(df) == pytest.approx(scipy_stats.t.ppf(0.975, df), abs=1e-6)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_interval_matches_scipy_with_the_finite_population_correction(seed):
    rng = random.Random(seed)
    n = rng.randint(3, 60)
    roster = n + rng.randint(0, 200)
    sample = [rng.choice((0.0, 25.0, 50.0, 75.0, 100.0)) for _ in range(n)]
    mean = sum(sample) / n
    variance = stats.sample_variance(n, sum(sample), sum(x * x for x in sample))
    assert variance == pytest.approx(scipy_stats.tvar(sample) if len(set(sample)) > 1 else 0.0)
    got = stats.interval(mean, variance, n, roster)
    fpc = (roster - n) / (roster - 1)
    scale = scipy_stats.sem(sample) * math.sqrt(fpc) if len(set(sample)) > 1 else 0.0
    if scale:
        low, high = scipy_stats.t.interval(0.95, n - 1, loc=mean, scale=scale)
    else:
        low = high = mean
    assert float(got.low) == pytest.approx(max(0.0, low), abs=0.051)
    assert float(got.high) == pytest.approx(min(100.0, high), abs=0.051)
    assert float(got.se) == pytest.approx(scale, abs=0.0006)


def test_interval_without_roster_or_spread():
    assert stats.interval(50, None, 1, 10) is None  # one answer: no spread
    census = stats.interval(50, 400.0, 10, 10)  # all of the roster answered
    assert (census.low, census.high, census.se) == (D("50.0"), D("50.0"), D("0.000"))
    wide = stats.interval(50, 400.0, 10, None)  # no roster: no correction
    assert wide.se == D(repr(round(math.sqrt(40), 3)))


def test_significance_of_a_change_by_hand():
    # se 2 and 1.5: the noise of the difference is 2.5, so 4.8 is within 1.96 x 2.5 = 4.9, 5.0 not.
    assert stats.significant(D("4.8"), D("2"), D("1.5")) is False
    assert stats.significant(D("-5.0"), D("2"), D("1.5")) is True
    assert stats.significant(D("0.1"), D("0"), D("0")) is True  # two censuses
    assert stats.significant(D("9"), None, D("1")) is None  # a run before the intervals


@pytest.fixture
def spread_round(province):
    """DISDIK: six PNS answers 40..90 on every value (roster 12); BIRO-ORG two (hidden), and
    DINKES five (the cheaper complement, hidden with it)."""
    round = survey_round(province)
    for score in (40, 50, 60, 70, 80, 90):
        respond(round, "DISDIK", score)
    respond(round, "BIRO-ORG", 100, count=2)
    respond(round, "DINKES", 70, count=5)
    rosters = {"PROV": 0, "DINKES": 10, "UPTD-LAB": 8, "DISDIK": 12, "BIRO-ORG": 4}
    for code, roster in rosters.items():
        RoundAgency.objects.filter(round=round, code=code).update(roster_count=roster)
    return round


def _figure(run, code, agency=None, **kwargs):
    scope = Scope.PROVINCE if agency is None else Scope.SUBTREE
    return IndexFigure.objects.get(
        run=run, scope=scope, round_agency__code=agency, code=code, dimension="", **kwargs
    )


def test_intervals_by_hand(spread_round):
    disdik = RoundAgency.objects.get(round=spread_round, code="DISDIK").pk
    run, _computed = compute.index_compute_now(
        round=spread_round, provider=lambda r: {disdik: D("80.0")}
    )
    # Mean 65, sample variance 1750 / 5 = 350, n 6 of 12: se = sqrt(350 / 6 x 6 / 11) = 5.641;
    # t(0.975, 5) = 2.5706: 65 -+ 14.500 = [50.5, 79.5].
    for code in (*VALUE_CODES, "INDIVIDUAL"):
        figure = _figure(run, code, "DISDIK")
        assert (figure.value, figure.low, figure.high, figure.se) == (
            D("65.0"),
            D("50.5"),
            D("79.5"),
            D("5.641"),
        )
    # Composite 0.6 x 65 + 0.4 x 80 = 71; the LKE fixed: se 0.6 x 5.6408 = 3.384, half 8.700.
    composite = _figure(run, "COMPOSITE", "DISDIK")
    assert (composite.value, composite.low, composite.high, composite.se) == (
        D("71.0"),
        D("62.3"),
        D("79.7"),
        D("3.384"),
    )
    # BIRO-ORG (2 answers) is hidden and so is its complement: no interval on either.
    for figure in IndexFigure.objects.filter(run=run, suppressed=True):
        assert (figure.low, figure.high, figure.se) == (None, None, None)
    assert IndexFigure.objects.filter(run=run, suppressed=True).exists()
    # Figures that are not means of answers have no interval.
    for code in ("RESPONSE_RATE", "MIN_RESPONDENTS", "INSTITUTIONAL"):
        assert not IndexFigure.objects.filter(run=run, code=code, low__isnull=False).exists()


def test_every_shown_mean_has_an_interval_and_no_hidden_one_has(province):
    round = survey_round(province, selection=True)
    _random_responses(round, random.Random(11), 60)
    for code, roster in {"PROV": 20, "DINKES": 90, "UPTD-LAB": 80, "DISDIK": 70}.items():
        RoundAgency.objects.filter(round=round, code=code).update(roster_count=roster)
    run, _computed = compute.index_compute_now(round=round)
    figures = IndexFigure.objects.filter(run=run, code__in=(*VALUE_CODES, "INDIVIDUAL"))
    assert figures.filter(suppressed=True).exists()
    for figure in figures:
        shown = not figure.suppressed and figure.value is not None
        if figure.code != "INDIVIDUAL":  # whose spread counts complete answers only
            assert (figure.low is not None) == (shown and figure.n >= 2), figure
        assert shown or figure.low is None
        if figure.low is not None:
            assert figure.low <= figure.value <= figure.high
    assert not IndexFigure.objects.filter(run=run, suppressed=True, low__isnull=False).exists()


@pytest.mark.parametrize("selection", [True, False])
def test_the_scan_sums_the_squares_of_the_responses(province, selection):
    round = survey_round(province, selection=True)
    _random_responses(round, random.Random(5), 300)
    scanned = cell_sums(round, selection=selection)
    expected: dict = {}
    for response in Response.objects.filter(round=round):
        cell = expected.setdefault(
            (response.round_agency_id, response.asn_type), [[0.0] * 7, 0.0, 0.0, 0]
        )
        scores = [getattr(response, f"score_{c.lower()}") for c in VALUE_CODES]
        for i, score in enumerate(scores):
            cell[0][i] += (score or 0.0) ** 2
        if None not in scores:
            cell[1] += sum(scores)
            cell[2] += sum(scores) ** 2
            cell[3] += 1
    assert scanned.keys() == expected.keys()
    for key, (squares, whole, whole_sq, whole_n) in expected.items():
        sums = scanned[key]
        assert sums.value_sq == pytest.approx(squares)
        assert (sums.whole_sum, sums.whole_sq, sums.whole_n) == (
            pytest.approx(whole),
            pytest.approx(whole_sq),
            whole_n,
        )


def test_a_release_note_without_squares_gives_no_interval():
    old = {"n": 2, "paper": 0, "sum": [100.0] * 12, "count": [2] * 12, "bits": [0] * 7}
    assert sums_of_totals(old).spread_known is False
    new = {**old, "sq": [5000.0] * 7, "whole": [700.0, 245000.0, 2]}
    assert sums_of_totals(new).spread_known and sums_of_totals(new).whole_n == 2


def test_an_interval_never_shows_that_a_group_answered_alike():
    alike = stats.interval(60, 0.0, 8, None)
    assert alike.low < D("60") < alike.high  # computed with a 5-point spread, not zero
    assert alike == stats.interval(60, 4.0, 8, None)


def _edges(rng: random.Random, count: int) -> list[float]:
    """Floats at and around the edges of the roundings (x.x5 after the 1e-9 cut, x.xxx5), and
    plain ones: where a float path could go wrong if it could at all."""
    numbers = [0.0, 100.0, 5e-324, 0.05, 45.05, 99.95, 0.04999999995, 45.04999999995]
    for _ in range(count):
        edge = rng.randint(0, 1000) / 10 - 0.05
        third = rng.randint(0, 100_000) / 1000 + 0.0005
        for x in (edge, edge - 5e-10, edge - 4.9999e-10, edge - 5.0001e-10, third):
            numbers += [x, math.nextafter(x, 0.0), math.nextafter(x, 1000.0)]
        numbers += [rng.uniform(0, 100), rng.uniform(0, 1000), rng.randint(0, 10**6) / 10**5]
    return [x for x in numbers if 0.0 <= x < 1000.0]


def test_bounds_rounded_in_floats_are_the_decimal_roundings_bit_for_bit():
    """interval_units rounds by float arithmetic away from a rounding edge and by Decimal near
    one: the same Decimal(repr(x)) roundings as before, in value and in form (§7.5)."""

    def cut_then_tenth(x):
        cut = D(repr(x)).quantize(D("1e-9"), rounding=ROUND_HALF_UP)
        return cut.quantize(D("0.1"), rounding=ROUND_HALF_UP)

    for x in _edges(random.Random(7), 20_000):
        tenth = stats.tenths(stats._one_decimal_tenths(x))
        assert (tenth, str(tenth)) == (cut_then_tenth(x), str(cut_then_tenth(x))), x
        se = stats.thousandths(stats._thousandths_of(x))
        expected = D(repr(x)).quantize(D("0.001"), rounding=ROUND_HALF_UP)
        assert (se, str(se)) == (expected, str(expected)), x
