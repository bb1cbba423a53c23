"""The dashboard at national width: the same queries at 10 and at 200 units, one page of a wide
level with search and "show more", fragments cached per run and per reader's scope."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from evaluations.models import RoundAgency
from reports.dashboard.scope import Page, dashboard_scope
from reports.dashboard.units import LEVEL_PAGE
from reports.models import IndexFigure, Scope
from tests.factories import EmployeeFactory, Role, grant
from tests.reports.factories import survey_round
from tests.reports.pages import agencies_add, figures_write, text_of, unit_codes, wide_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(captured)


def page_queries(client, round, *, cold: bool) -> dict[str, int]:
    url = reverse("reports:dashboard_round", args=[round.pk])
    pages = {
        "overview": {},
        "drill-down": {"unit": "DINKES"},
        "asn-type": {"jenis_asn": "PNS"},
        "asn-type drill-down": {"unit": "DINKES", "jenis_asn": "PNS"},
        "kind": {"jenis_unit": "DINAS"},
        "kind drill-down": {"unit": "DINKES", "jenis_unit": "UPTD"},
        "search": {"cari": "Unit"},
        "next rows": {"mulai": "5"},
    }
    counts = {}
    for name, params in pages.items():
        if cold:
            cache.clear()
        else:
            client.get(url, params)  # the fragments are cached now
        counts[name] = queries(client, url, **params)
    return counts


def test_the_same_queries_at_10_and_at_200_units(client, province):
    client.force_login(province.admin.user)
    small, _run = wide_round(province, opds=10, units=10)
    cold_small, warm_small = (
        page_queries(client, small, cold=True),
        page_queries(client, small, cold=False),
    )
    large, _run = wide_round(province, opds=200, units=200)
    assert RoundAgency.objects.filter(round=large).count() > 400
    cold_large, warm_large = (
        page_queries(client, large, cold=True),
        page_queries(client, large, cold=False),
    )
    assert cold_small == cold_large
    assert warm_small == warm_large
    # A cached page skips the figure reads altogether.
    assert all(warm_large[name] < cold_large[name] for name in cold_large)
    # Further down a wide level costs the same as its first page.
    url = reverse("reports:dashboard_round", args=[large.pk])
    assert queries(client, url, mulai=str(LEVEL_PAGE)) == queries(client, url, mulai="150")


def test_a_wide_level_shows_one_page_a_search_and_more(client, province):
    # Five pages wide is enough to show the bound; 1,968 OPDs are bench/pages.py's.
    opds = 5 * LEVEL_PAGE
    agencies_add(province.root, opds, prefix="FLAT")
    round = survey_round(province)
    run = figures_write(round)
    client.force_login(province.admin.user)
    url = reverse("reports:dashboard_round", args=[round.pk])
    response = client.get(url)
    html = response.content.decode()
    shown = unit_codes(html)
    assert len(shown) == LEVEL_PAGE
    assert len(response.content) < 120_000  # was 1.65 MB with every OPD on the page
    total = opds + 3  # the test province's own OPDs too
    assert f"dari {total}" in text_of(html, "units-more")
    assert 'role="search"' in html and 'name="cari"' in html
    # Best first: the ranking value never rises down the page.
    ranks = []
    for code in shown:
        agency = RoundAgency.objects.get(round=round, code=code)
        figures = {
            f.code: f.value
            for f in IndexFigure.objects.filter(
                run=run,
                scope=Scope.SUBTREE,
                round_agency=agency,
                dimension="",
                code__in=("COMPOSITE", "INDIVIDUAL"),
            )
        }
        ranks.append(figures.get("COMPOSITE") or figures.get("INDIVIDUAL"))
    known = [r for r in ranks if r is not None]
    assert known == sorted(known, reverse=True)

    # "Tampilkan berikutnya" with htmx: only the next rows, then a new "more" line.
    more = client.get(
        url, {"mulai": LEVEL_PAGE}, headers={"HX-Request": "true", "HX-Target": "units-more"}
    )
    fragment = more.content.decode()
    assert "<html" not in fragment and "<table" not in fragment
    next_rows = unit_codes(fragment)
    assert len(next_rows) == LEVEL_PAGE and not set(next_rows) & set(shown)
    assert 'id="units-more"' in fragment
    # Without JavaScript the same link is a page of its own, with a way back.
    plain = client.get(url, {"mulai": LEVEL_PAGE}).content.decode()
    assert unit_codes(plain) == next_rows and "Unit sebelumnya" in plain

    # The search finds a unit far down the ranking, by name or by code.
    last = RoundAgency.objects.get(round=round, code=f"FLAT{opds:04d}")
    found = client.get(
        url, {"cari": last.code.lower()}, headers={"HX-Request": "true", "HX-Target": "units"}
    )
    assert unit_codes(found.content.decode()) == [last.code]
    assert unit_codes(client.get(url, {"cari": last.name}).content.decode()) == [last.code]
    nothing = client.get(url, {"cari": "tidak-ada"}).content.decode()
    assert unit_codes(nothing) == [] and "Tidak ada unit yang cocok" in nothing


def test_cached_fragments_never_cross_scopes_or_runs(client, province):
    round, run = wide_round(province, opds=3, units=3)
    sekda = EmployeeFactory(agency=province.root)
    grant(sekda.user, Role.LEADER, province.root)
    dinkes = RoundAgency.objects.select_related("agency").get(round=round, code="DINKES")
    page = Page(round=round, run=run, focus=dinkes, parent_id=dinkes.pk)
    keys = {
        page.cache_key("units", dashboard_scope(user, round))
        for user in (province.admin.user, sekda.user, province.leader_a.user)
    }
    assert len(keys) == 3  # admin, province leader (published only), agency leader
    url = reverse("reports:dashboard_round", args=[round.pk])

    # The admin's page is cached; the agency leader of DISDIK still gets 404, not the fragment.
    client.force_login(province.admin.user)
    admin_html = client.get(url, {"unit": "DINKES"}).content.decode()
    client.force_login(province.leader_b.user)
    assert client.get(url, {"unit": "DINKES"}).status_code == 404

    # A new run (a recompute) is a new key: its figures show at once.
    newer = figures_write(round, seed=99)
    assert newer.pk != run.pk
    client.force_login(province.admin.user)
    newer_html = client.get(url, {"unit": "DINKES"}).content.decode()
    individual = IndexFigure.objects.get(
        run=newer, scope=Scope.SUBTREE, round_agency=dinkes, dimension="", code="INDIVIDUAL"
    )
    assert text_of(newer_html, "individual") == f"{individual.value}".replace(".", ",")
    assert text_of(newer_html, "individual") != text_of(admin_html, "individual")


def test_the_language_is_part_of_the_key(client, province):
    round, _run = wide_round(province, opds=3, units=3)
    client.force_login(province.admin.user)
    url = reverse("reports:dashboard_round", args=[round.pk])
    indonesian = client.get(url, headers={"Accept-Language": "id"}).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    try:
        english = client.get(url).content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)  # the request left English active
    assert "Perlu perhatian" in indonesian
    assert "Perlu perhatian" not in english
