"""The intervals and the significance of changes where leaders read them: the dashboard, the
PDF and the Excel workbook (docs/ARCHITECTURE.md §7.5); never for a hidden cell."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from evaluations.models import RoundAgency, RoundStatus
from reports.dashboard.figures import Change, change_of, participation_note
from reports.models import VALUE_CODES
from reports.printing.services import report_bytes
from reports.selectors.pages import Figure
from tests.reports.factories import respond, survey_round
from tests.reports.test_changes import computed
from tests.reports.test_documents_checks import pdf_text, sheet_rows

pytestmark = pytest.mark.django_db
D = Decimal
SPREAD = (40, 50, 60, 70, 80, 90)  # mean 65, sd 18.7: se 7.6 without a roster


def _answers(round, code, shift: dict) -> None:
    for score in SPREAD:
        respond(round, code, {c: score + shift.get(c, 0) for c in VALUE_CODES})


@pytest.fixture
def spread_rounds(province):
    """DINKES answers spread 40..90 both years; this year BP +2 (noise) and AK +30 (real)."""
    before = survey_round(province, year=2025)
    _answers(before, "DINKES", {})
    _answers(before, "DISDIK", {})
    computed(before)
    now = survey_round(province, year=2026)
    _answers(now, "DINKES", {"BP": 2, "AK": 30})
    _answers(now, "DISDIK", {})
    RoundAgency.objects.filter(round=now, code="DINKES").update(roster_count=40)
    return before, computed(now, RoundStatus.COMPUTED)


def text_between(html: str, marker: str) -> str:
    return html[html.index(marker) :].split("</div>")[0]


def _figure(value, se=None, low=None, high=None):
    return Figure(
        code="BP",
        value=D(value),
        n=10,
        denominator=None,
        suppressed=False,
        reason="",
        band="B",
        dimension="",
        low=low,
        high=high,
        se=se,
    )


def test_change_is_marked_in_one_place():
    noise = change_of(_figure("62.0", D("3")), _figure("60.0", D("3")), "2025")
    assert noise.significant is False and noise.arrow == "△" and "delta-ns" in noise.css
    assert noise.words(",") == "naik 2,0 dari 60,0 (2025); belum bermakna secara statistik"
    real = change_of(_figure("70.0", D("3")), _figure("60.0", D("3")), "2025")
    assert real.significant is True and real.arrow == "▲"
    assert real.words(",").endswith("; bermakna secara statistik")
    old = change_of(_figure("70.0", D("3")), _figure("60.0"), "2025")  # a run before intervals
    assert (
        old.significant is None
        and old.arrow == "▲"
        and old.words(",") == ("naik 10,0 dari 60,0 (2025)")
    )
    assert Change(delta=D("0"), previous=D("1"), significant=False).arrow == "="


def test_participation_note_under_the_minimum_or_60_percent():
    minimum = Figure("MIN_RESPONDENTS", None, 6, 10, False, "", "", "")
    rate = Figure("RESPONSE_RATE", D("55.0"), 6, 11, False, "", "", "")
    assert "6 dari minimum 10" in participation_note(rate, minimum)
    met = Figure("MIN_RESPONDENTS", None, 10, 10, False, "", "", "")
    assert "55,0% (di bawah 60%)" in participation_note(rate, met)
    assert (
        participation_note(Figure("RESPONSE_RATE", D("75.0"), 9, 12, False, "", "", ""), met) == ""
    )


def test_dashboard_pdf_and_excel_show_intervals_and_significance(client, province, spread_rounds):
    _before, now = spread_rounds
    client.force_login(province.admin.user)
    url = reverse("reports:dashboard_round", args=[now.pk])
    html = client.get(url).content.decode()
    row = html[html.index('data-testid="unit-DINKES"') :].split("</tr>")[0]
    assert "△ +2,0" in row and "▲ +30,0" in row, row
    assert "belum bermakna secara statistik" in row and "; bermakna secara statistik" in row
    assert 'title="95%: ' in row  # the heat map's hover
    assert "1–2" in text_between(html, 'data-testid="rank-band-DINKES"')  # overlapping ranges
    assert 'class="error-bar"' in html and "Rentang kepercayaan" in html  # chart and its table
    focus = client.get(url, {"unit": "DINKES"}).content.decode()
    assert 'data-testid="individual-interval"' in focus and "95%: " in focus
    assert 'data-testid="participation-note"' in focus and "bisa bias" in focus
    # DINKES against the province and against all Dinas (itself and DISDIK): overlapping ranges.
    benchmarks = text_between(focus, 'data-testid="benchmarks"')
    assert "Provinsi" in benchmarks and "Semua Dinas" in benchmarks, benchmarks
    assert "belum bermakna secara statistik" in benchmarks
    text = pdf_text(report_bytes(round=now, agency=None, format="pdf"))
    assert "Rentang 95%" in text and "95%: " in text
    workbook = load_workbook(io.BytesIO(report_bytes(round=now, agency=None, format="xlsx")))
    summary = {r[0]: r[1] for r in workbook["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    low, high = (
        summary["indeks individu: batas bawah rentang 95%"],
        summary["indeks individu: batas atas rentang 95%"],
    )
    assert low < summary["indeks individu"] < high
    rows = {r["kode_unit"]: r for r in sheet_rows(workbook["Per OPD"])}
    assert rows["DINKES"]["indeks_individu_bawah95"] < rows["DINKES"]["indeks_individu_atas95"]
    assert rows["DINKES"]["peringkat_rentang"] == "1–2"  # DINKES and DISDIK overlap
    per_value = {r["kode_unit"]: r for r in sheet_rows(workbook["Per Nilai"])}
    assert per_value["DINKES"]["BP_bawah95"] < per_value["DINKES"]["BP"]
    # Hidden cells (BIRO-ORG and UPTD-LAB had no answers; DINKES's own staff is never shown)
    # carry no interval anywhere.
    for code, cells in per_value.items():
        if cells["indeks_individu"] in (None, "disembunyikan") or isinstance(
            cells["indeks_individu"], str
        ):
            assert cells["indeks_individu_bawah95"] is None, code


def test_rank_bands_from_overlapping_intervals(province):
    from django.utils import timezone

    from reports.figure_store import store_figures
    from reports.models import IndexFigure, IndexRun, RunStatus, Scope
    from reports.selectors.pages import rank_bands

    round = survey_round(province)
    run = IndexRun.objects.create(round=round, status=RunStatus.DONE, finished_at=timezone.now())
    agencies = {a.code: a for a in RoundAgency.objects.filter(round=round)}
    intervals = {
        "DINKES": ("75", "70", "80"),
        "DISDIK": ("66", "60", "72"),
        "BIRO-ORG": ("45", "40", "50"),
    }
    for code, (value, low, high) in intervals.items():
        store_figures(
            [
                IndexFigure(
                    run=run,
                    round=round,
                    scope=Scope.SUBTREE,
                    round_agency=agencies[code],
                    code="INDIVIDUAL",
                    value=D(value),
                    low=D(low),
                    high=D(high),
                    se=D("2"),
                    n=9,
                    band="B",
                )
            ]
        )
    units = [(agencies[c].pk, D(low), D(high)) for c, (_v, low, high) in intervals.items()]
    bands = rank_bands(run, parent_id=agencies["PROV"].pk, units=units)
    # DINKES and DISDIK overlap: either may be first; BIRO-ORG lies wholly below both.
    assert bands == {
        agencies["DINKES"].pk: (1, 2),
        agencies["DISDIK"].pk: (1, 2),
        agencies["BIRO-ORG"].pk: (3, 3),
    }
