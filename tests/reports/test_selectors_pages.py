"""reports.selectors.pages against the obvious way of reading the same figures: one level of the
tree (ranked, paged, searched, filtered), the trend of one scope; constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from berakhlak.models import AgencyKind
from evaluations.models import RoundAgency, RoundStatus
from reports import selectors
from reports.dashboard.scope import UNIT_CODES
from reports.models import Dimension, Scope
from reports.selectors import pages as selectors_pages
from reports.services.compute import index_compute_now
from tests.reports.factories import respond, round_status_set, survey_round
from tests.reports.pages import agencies_add, figures_write

pytestmark = pytest.mark.django_db


def brute_force_level(run, parent, *, dimension="", key="", kind=""):
    """Every child's figures by the generic selector, ranked as the dashboard ranks them."""
    rows = [
        row
        for row in selectors.figure_rows(run, scope=Scope.SUBTREE, dimension=dimension, key=key)
        if row.agency.parent_id == parent.pk and (not kind or row.agency.kind == kind)
    ]

    def rank(row):
        composite, individual = row.get("COMPOSITE"), row.get("INDIVIDUAL")
        value = composite.value if composite is not None and composite.value is not None else None
        if value is None and individual is not None:
            value = individual.value
        return (value is None, -(value or 0), row.agency.path)

    return [row.agency.code for row in sorted(rows, key=rank)]


@pytest.fixture
def wide(province):
    agencies_add(province.root, 70, prefix="OPD")
    agencies_add(province.root, 12, prefix="BDN", kind=AgencyKind.BADAN)
    round = survey_round(province)
    return round, figures_write(round)


def test_a_level_is_the_ranking_of_every_child_page_by_page(wide):
    round, run = wide
    root = RoundAgency.objects.get(round=round, depth=0)
    expected = brute_force_level(run, root)
    seen, offset = [], 0
    while True:
        page = selectors_pages.level_page(
            run, parent_id=root.pk, codes=UNIT_CODES, offset=offset, limit=20
        )
        assert page.total == len(expected)
        seen += [row.row.agency.code for row in page.rows]
        assert [row.position for row in page.rows] == list(
            range(offset + 1, offset + 1 + len(page.rows))
        )
        if page.next_offset is None:
            break
        offset = page.next_offset
    assert seen == expected
    # Worst first: the same ranking from the bottom, places counted from the last ranked unit.
    ranked = selectors_pages.level_page(
        run, parent_id=root.pk, codes=UNIT_CODES, with_ranked=True
    ).ranked
    worst = selectors_pages.level_page(
        run, parent_id=root.pk, codes=UNIT_CODES, ascending=True, limit=5
    )
    assert [r.row.agency.code for r in worst.rows] == expected[:ranked][::-1][:5]
    assert [r.position for r in worst.rows] == [ranked - i for i in range(5)]


def test_filters_and_search_narrow_the_level(wide):
    round, run = wide
    root = RoundAgency.objects.get(round=round, depth=0)
    badan = selectors_pages.level_page(
        run, parent_id=root.pk, codes=UNIT_CODES, kind=AgencyKind.BADAN
    )
    assert [r.row.agency.code for r in badan.rows] == brute_force_level(
        run, root, kind=AgencyKind.BADAN
    )
    typed = selectors_pages.level_page(
        run, parent_id=root.pk, codes=UNIT_CODES, dimension=Dimension.ASN_TYPE, key="PNS"
    )
    assert [r.row.agency.code for r in typed.rows] == brute_force_level(
        run, root, dimension=Dimension.ASN_TYPE, key="PNS"
    )[:50]
    assert all(
        f.dimension == Dimension.ASN_TYPE for r in typed.rows for f in r.row.figures.values()
    )
    assert all(r.rate is not None for r in typed.rows)  # participation: whole groups
    found = selectors_pages.level_page(run, parent_id=root.pk, codes=UNIT_CODES, search="bdn0007")
    assert [r.row.agency.code for r in found.rows] == ["BDN0007"] and found.total == 1
    by_name = selectors_pages.level_page(
        run, parent_id=root.pk, codes=UNIT_CODES, order="name", limit=3
    )
    names = sorted(RoundAgency.objects.filter(parent=root).values_list("name", flat=True))
    assert [r.row.agency.name for r in by_name.rows] == names[:3]
    by_rate = selectors_pages.level_page(run, parent_id=root.pk, codes=UNIT_CODES, order="rate")
    rates = [r.rate.value for r in by_rate.rows]
    assert rates == sorted(rates, reverse=True)


def test_a_level_costs_the_same_queries_however_wide(province):
    agencies_add(province.root, 10, prefix="S")
    small_round = survey_round(province)
    small = figures_write(small_round)
    agencies_add(province.root, 300, prefix="L")
    large_round = survey_round(province)
    large = figures_write(large_round)
    counts = []
    for round, run in ((small_round, small), (large_round, large)):
        root = RoundAgency.objects.get(round=round, depth=0)
        with CaptureQueriesContext(connection) as captured:
            selectors_pages.level_page(run, parent_id=root.pk, codes=UNIT_CODES, offset=5)
            selectors_pages.level_page(
                run, parent_id=root.pk, codes=UNIT_CODES, dimension=Dimension.ASN_TYPE, key="PNS"
            )
            selectors_pages.level_page(
                run, parent_id=root.pk, codes=UNIT_CODES, ascending=True, order="rate"
            )
            selectors_pages.scope_trend(round, agency_code="DINKES")
            selectors_pages.scope_trend(round, agency_code=None)
        counts.append(len(captured))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("published_only", [False, True])
def test_the_trend_of_one_scope_is_that_scope_of_the_full_trend(province, published_only):
    rounds = []
    for status, score in ((RoundStatus.PUBLISHED, 60), (RoundStatus.CLOSED, 70), (None, 80)):
        round = survey_round(province)
        respond(round, "DINKES", score, count=6)
        respond(round, "DISDIK", score - 5, count=6)
        if status is not None:
            round_status_set(round, RoundStatus.CLOSED)
        index_compute_now(round=round)
        if status == RoundStatus.PUBLISHED:
            round_status_set(round, status)
        rounds.append(round)
    current = rounds[-1]
    full = selectors.trend_by_agency_code(current, published_only=published_only)
    for code in ("DINKES", "DISDIK", None):
        mine = selectors_pages.scope_trend(current, agency_code=code, published_only=published_only)
        theirs = full.get(code or "PROVINSI", [])
        assert [(p.round.pk, p.run.pk) for p in mine] == [(p.round.pk, p.run.pk) for p in theirs]
        for a, b in zip(mine, theirs, strict=True):
            assert {c: f.value for c, f in a.figures.items()} == {
                c: f.value for c, f in b.figures.items()
            }
