"""Leaders' dashboard: scoping, published-only for leaders, drill-down, filter, suppression shown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations.models import RoundAgency, RoundStatus
from reports import selectors
from reports.models import Dimension, IndexFigure, Scope
from reports.services.compute import index_compute_now
from tests.reports.factories import respond, round_status_set, survey_round
from tests.reports.pages import text_of, unit_codes


def shown(value) -> str:
    return f"{value}".replace(".", ",")  # the dashboard speaks Indonesian: 62,5


pytestmark = pytest.mark.django_db


@pytest.fixture
def published(province):
    round = survey_round(province)
    respond(
        round,
        "DINKES",
        {"BP": 80, "AK": 70, "KO": 60, "HA": 55, "LO": 65, "AD": 30, "KL": 50},
        count=6,
    )
    respond(round, "UPTD-LAB", 60, count=5)
    respond(round, "DISDIK", 70, count=6, asn_type="PNS")
    respond(round, "DISDIK", 40, count=2, asn_type="PPPK")
    round_status_set(round, RoundStatus.CLOSED)
    index_compute_now(round=round)
    return round_status_set(round, RoundStatus.PUBLISHED)


def page(client, user, round=None, **params):
    client.force_login(user)
    url = (
        reverse("reports:dashboard_round", args=[round.pk])
        if round
        else reverse("reports:dashboard")
    )
    return client.get(url, params)


def test_province_leader_sees_values_ranking_and_weak_values(client, province, published):
    from tests.factories import EmployeeFactory, Role, grant

    sekda = EmployeeFactory(agency=province.root)
    grant(sekda.user, Role.LEADER, province.root)
    response = page(client, sekda.user)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "Tujuh nilai dasar" in html
    assert 'data-testid="unit-DINKES"' in html and 'data-testid="unit-DISDIK"' in html
    # Adaptif, 30 at DINKES, is the weakest province value: first in "Perlu perhatian".
    assert text_of(html, "weak-values").split()[1] == "Adaptif"


def test_agency_leader_sees_only_own_subtree(client, province, published):
    response = page(client, province.leader_a.user)
    assert response.context["focus"].code == "DINKES"
    html = response.content.decode()
    assert 'data-testid="unit-UPTD-LAB"' in html
    assert "DISDIK" not in html
    assert page(client, province.leader_a.user, published, unit="DISDIK").status_code == 404
    assert page(client, province.leader_b.user, published, unit="DINKES").status_code == 404


def test_drill_down_and_asn_filter(client, province, published):
    response = page(client, province.admin.user, published, unit="DINKES")
    assert response.context["focus"].code == "DINKES"
    run = selectors.run_for_reading(published)
    dinkes = RoundAgency.objects.get(round=published, code="DINKES")
    individual = IndexFigure.objects.get(
        run=run, scope=Scope.SUBTREE, round_agency=dinkes, dimension="", code="INDIVIDUAL"
    )
    assert text_of(response.content.decode(), "individual") == shown(individual.value)
    assert unit_codes(response.content.decode()) == ["UPTD-LAB"]
    filtered = page(client, province.admin.user, published, unit="DISDIK", jenis_asn="PPPK")
    disdik = RoundAgency.objects.get(round=published, code="DISDIK")
    hidden = IndexFigure.objects.get(
        run=run,
        round_agency=disdik,
        scope=Scope.SUBTREE,
        dimension=Dimension.ASN_TYPE,
        dimension_key="PPPK",
        code="INDIVIDUAL",
    )
    assert hidden.suppressed and hidden.value is None  # 2 PPPK: under the minimum
    html = filtered.content.decode()
    assert text_of(html, "individual") == "–" and hidden.reason_text in html


def test_leaders_do_not_see_unpublished_rounds(client, province):
    round = survey_round(province)
    respond(round, "DINKES", 60, count=6)
    index_compute_now(round=round)
    response = page(client, province.leader_a.user)
    assert response.status_code == 200 and response.context["round"] is None
    assert page(client, province.leader_a.user, round).status_code == 404
    admin_view = page(client, province.admin.user, round)
    assert admin_view.status_code == 200 and admin_view.context["run"].provisional


@pytest.mark.parametrize("who", ["asn_a", "agent_a", "evaluator"])
def test_people_without_leader_or_admin_role_get_404(client, province, published, who):
    assert page(client, getattr(province, who).user).status_code == 404


def test_trend_lists_earlier_published_rounds(client, province, published):
    later = survey_round(province)
    respond(later, "DINKES", 75, count=6)
    round_status_set(later, RoundStatus.CLOSED)
    index_compute_now(round=later)
    round_status_set(later, RoundStatus.PUBLISHED)
    response = page(client, province.leader_a.user, later)
    trend = response.context["trend"]
    assert [point.round.pk for point in trend] == [published.pk, later.pk]
    assert 'data-testid="trend"' in response.content.decode()


def test_agency_kind_filter_keeps_units_of_that_kind(client, province, published):
    response = page(client, province.admin.user, published, jenis_unit="BIRO")
    html = response.content.decode()
    assert response.context["agency_kind"] == "BIRO"
    assert 'data-testid="unit-DINKES"' not in html and 'data-testid="unit-DISDIK"' not in html
    response = page(client, province.admin.user, published, jenis_unit="DINAS")
    html = response.content.decode()
    assert 'data-testid="unit-DINKES"' in html and 'data-testid="unit-DISDIK"' in html
    # The headline is the figure of all agencies of that kind, not the province's.
    run = selectors.run_for_reading(published)
    kind = selectors.province_row(run, dimension=Dimension.AGENCY_KIND, key="DINAS")
    whole = selectors.province_row(run)
    assert kind.get("INDIVIDUAL").value != whole.get("INDIVIDUAL").value
    assert text_of(html, "individual") == shown(kind.get("INDIVIDUAL").value)
    assert page(client, province.admin.user, published, jenis_unit="NOPE").status_code == 200


def test_units_show_participation_and_the_minimum(client, province, published):
    html = page(client, province.admin.user, published).content.decode()
    run = selectors.run_for_reading(published)
    dinkes = RoundAgency.objects.get(round=published, code="DINKES")
    rate = IndexFigure.objects.get(
        run=run, scope=Scope.SUBTREE, round_agency=dinkes, dimension="", code="RESPONSE_RATE"
    )
    minimum = IndexFigure.objects.get(
        run=run, scope=Scope.SUBTREE, round_agency=dinkes, dimension="", code="MIN_RESPONDENTS"
    )
    text = text_of(html, "rate-DINKES")
    assert text.startswith(f"{shown(rate.value)}%")
    assert ("min." in text) == (minimum.n < minimum.denominator)


def test_values_selection_figures_are_shown(client, province):
    round = survey_round(province, selection=True)
    respond(
        round,
        "DINKES",
        70,
        count=6,
        current_values="BP,AK",
        current_limiting=1,
        personal_values="BP",
        desired_values="AD,BP",
    )
    index_compute_now(round=round)
    html = page(client, province.admin.user, round).content.decode()
    assert 'data-testid="selection"' in html and "Entropi budaya" in html


def test_weak_values_compare_with_the_composite_band_when_it_is_published():
    """A composite in band A never hides a value in band B: it is "perlu perhatian" even when
    the individual index is B too; without a composite the individual band is the measure."""
    from types import SimpleNamespace as F

    from reports.dashboard.summary import weak_values

    def fig(value, band):
        return F(value=Decimal(value), band=band, suppressed=False)

    values = [
        (code, code, fig(v, b))
        for code, v, b in (
            ("BP", "90", "A"),
            ("AK", "88", "A"),
            ("KO", "86", "A"),
            ("HA", "85", "A"),
            ("LO", "84", "A"),
            ("AD", "80", "A"),
            ("KL", "70", "B"),
        )
    ]
    individual, composite = fig("74", "B"), fig("80", "A")
    lowest_two = {"KL", "AD"}
    assert {c for c, _l, _f in weak_values(values, individual)} == lowest_two
    values[4] = ("LO", "LO", fig("72", "B"))
    assert {c for c, _l, _f in weak_values(values, individual)} == {"KL", "LO"}
    # against the composite's A, both B values are flagged, and the two lowest anyway
    assert {c for c, _l, _f in weak_values(values, individual, composite)} == {"KL", "LO"}
    values[3] = ("HA", "HA", fig("74.9", "B"))
    assert {c for c, _l, _f in weak_values(values, individual, composite)} == {"KL", "LO", "HA"}
    assert {c for c, _l, _f in weak_values(values, individual)} == {"KL", "LO"}
