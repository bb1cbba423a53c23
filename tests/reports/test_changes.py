"""The change of each value and index against the previous published round: on the dashboard
(headline and every heat-map cell), in the PDF and in the Excel workbook; never against a hidden
figure, an unpublished round or a later one."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from evaluations.models import RoundStatus
from reports.printing.services import report_bytes
from reports.selectors import pages as selectors_pages
from reports.services.compute import index_compute_now
from tests.reports.factories import respond, round_status_set, survey_round
from tests.reports.pages import text_of
from tests.reports.test_documents_checks import pdf_text, sheet_rows

pytestmark = pytest.mark.django_db
LAST_YEAR = {"BP": 70, "AK": 70, "KO": 60, "HA": 55, "LO": 65, "AD": 30, "KL": 50}
THIS_YEAR = {"BP": 80, "AK": 68, "KO": 60, "HA": 55, "LO": 65, "AD": 40, "KL": 50}


def computed(round, status=RoundStatus.PUBLISHED):
    round_status_set(round, RoundStatus.CLOSED)
    index_compute_now(round=round)
    return round_status_set(round, status)


@pytest.fixture
def two_rounds(province):
    before = survey_round(province, year=2025)
    respond(before, "DINKES", LAST_YEAR, count=6)
    respond(before, "DISDIK", 60, count=6)
    computed(before)
    now = survey_round(province, year=2026)
    respond(now, "DINKES", THIS_YEAR, count=6)
    respond(now, "DISDIK", 60, count=6)
    return before, computed(now, RoundStatus.COMPUTED)


def test_previous_run_is_the_last_published_earlier_round(province, two_rounds):
    before, now = two_rounds
    assert selectors_pages.previous_run(now).round == before
    assert selectors_pages.previous_run(before) is None
    # an unpublished earlier round is never what leaders compare with
    round_status_set(before, RoundStatus.COMPUTED)
    assert selectors_pages.previous_run(now) is None


def test_dashboard_shows_each_change_with_its_words(client, province, two_rounds):
    before, now = two_rounds
    client.force_login(province.admin.user)
    html = client.get(reverse("reports:dashboard_round", args=[now.pk])).content.decode()
    row = text_of(html, "unit-DINKES")
    # BP 70 -> 80, AD 30 -> 40, AK 70 -> 68, the others the same
    assert "▲ +10,0" in row, row
    assert "▼ −2,0" in row, row
    assert "= ±0,0" in row, row
    assert f"naik 10,0 dari 70,0 ({before.name})" in html
    assert 'data-testid="change-note"' in html and before.name in text_of(html, "change-note")
    headline = text_of(html, "headline")
    assert "naik" in headline and before.name in headline
    # DISDIK answered the same: "=" everywhere, no arrow up or down
    disdik = text_of(html, "unit-DISDIK")
    assert "▲" not in disdik and "▼" not in disdik


def test_no_change_against_a_hidden_figure(client, province):
    before = survey_round(province, year=2025)
    respond(before, "DINKES", LAST_YEAR, count=2)  # under the minimum: hidden
    respond(before, "DISDIK", 60, count=6)
    computed(before)
    now = survey_round(province, year=2026)
    respond(now, "DINKES", THIS_YEAR, count=6)
    respond(now, "DISDIK", 60, count=6)
    computed(now, RoundStatus.COMPUTED)
    client.force_login(province.admin.user)
    html = client.get(reverse("reports:dashboard_round", args=[now.pk])).content.decode()
    row = text_of(html, "unit-DINKES")
    assert "▲" not in row and "▼" not in row and "±" not in row


def test_pdf_and_excel_carry_the_changes(province, two_rounds):
    before, now = two_rounds
    text = pdf_text(report_bytes(round=now, agency=None, format="pdf"))
    assert f"Perubahan dari {before.name}" in text
    workbook = load_workbook(io.BytesIO(report_bytes(round=now, agency=None, format="xlsx")))
    summary = {r[0]: r[1] for r in workbook["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert summary["pembanding (putaran terakhir yang dipublikasikan)"] == before.name
    assert isinstance(summary["perubahan indeks individu"], float)
    rows = {r["kode_unit"]: r for r in sheet_rows(workbook["Per OPD"])}
    assert rows["DINKES"]["perubahan_BP"] == 10.0 and rows["DINKES"]["perubahan_AK"] == -2.0
    assert rows["DISDIK"]["perubahan_BP"] == 0.0
    headers = [c.value for c in workbook["Per OPD"][1]]
    assert f"Perubahan indeks dari {before.name}" in headers
    assert Decimal(str(rows["DINKES"]["perubahan_indeks"])) > 0
