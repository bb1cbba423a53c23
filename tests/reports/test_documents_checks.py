"""PDF and Excel reports, the parts test_documents.py leaves open: every sheet read back against
the snapshot, LKE component scores, hidden figures, every formula trigger, access that ends with
publication, the progress fragment that stops polling, expiry through the beat task, no network."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from berakhlak.pdf import static_fetcher
from evaluations import scoring
from evaluations.models import (
    AnswerKind,
    Assessment,
    AssessmentStatus,
    Criterion,
    Round,
    RoundAgency,
    RoundStatus,
)
from reports import selectors
from reports.models import IndexFigure, ReportFile, RunStatus, Scope
from reports.printing.services import report_bytes, report_request
from reports.services.compute import index_compute_now
from tests.evaluations.lke_factories import lke_round
from tests.reports.factories import respond, round_status_set, survey_round

pytestmark = pytest.mark.django_db


def shown(value) -> str:
    return f"{value}".replace(".", ",")


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def workbook_of(round: Round, agency: RoundAgency | None = None):
    return load_workbook(io.BytesIO(report_bytes(round=round, agency=agency, format="xlsx")))


def sheet_rows(sheet) -> list[dict]:
    """A sheet's rows keyed by column code, through the workbook's own column dictionary."""
    codes = {
        (title, label): code
        for title, label, code in sheet.parent["Kolom"].iter_rows(min_row=2, values_only=True)
    }
    header = [codes[(sheet.title, c.value)] for c in sheet[1]]
    return [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]


def publish(round: Round, **kwargs) -> Round:
    round_status_set(round, RoundStatus.CLOSED)
    index_compute_now(round=round, **kwargs)
    return round_status_set(round, RoundStatus.PUBLISHED)


@pytest.fixture
def published(province):
    round = survey_round(province)
    respond(
        round,
        "DINKES",
        {"BP": 82, "AK": 71, "KO": 64, "HA": 57, "LO": 66, "AD": 33, "KL": 49},
        count=7,
    )
    respond(round, "UPTD-LAB", 61, count=5)
    respond(round, "DISDIK", 68, count=6)
    return publish(round)


def test_every_sheet_reads_back_as_the_snapshot(published):
    run = selectors.run_for_reading(published)
    workbook = workbook_of(published)

    summary = {
        row[0]: row[1] for row in workbook["Ringkasan"].iter_rows(min_row=2, values_only=True)
    }
    province = selectors.province_row(run)
    assert summary["indeks individu"] == float(province.get("INDIVIDUAL").value)
    assert summary["kategori indeks individu"] == province.get("INDIVIDUAL").band
    assert summary["responden"] == province.n == 18
    assert summary["putaran"] == published.name

    ranking = sheet_rows(workbook["Per OPD"])
    assert [r["peringkat"] for r in ranking] == list(range(1, len(ranking) + 1))
    by_code = {r["kode_unit"]: r for r in ranking}
    for code in ("DINKES", "DISDIK"):
        agency = RoundAgency.objects.get(round=published, code=code)
        individual = IndexFigure.objects.get(
            run=run, scope=Scope.SUBTREE, round_agency=agency, dimension="", code="INDIVIDUAL"
        )
        assert by_code[code]["indeks_individu"] == float(individual.value)
        assert by_code[code]["n"] == individual.n
    indices = [r["indeks"] for r in ranking if isinstance(r["indeks"], float)]
    assert indices == sorted(indices, reverse=True)  # a ranking, best first

    rates = {r["kode_unit"]: r for r in sheet_rows(workbook["Tingkat Respons"])}
    for figure in IndexFigure.objects.filter(
        run=run, scope=Scope.SUBTREE, dimension="", code="RESPONSE_RATE", round_agency__depth=1
    ):
        row = rates[figure.round_agency.code]
        assert row["jawaban"] == figure.n and row["pegawai"] == figure.denominator
        expected = float(figure.value) if figure.value is not None else None
        assert row["partisipasi_persen"] == expected
    for figure in IndexFigure.objects.filter(
        run=run, scope=Scope.SUBTREE, dimension="", code="MIN_RESPONDENTS", round_agency__depth=1
    ):
        row = rates[figure.round_agency.code]
        assert row["responden_minimum"] == figure.denominator
        assert row["minimum_terpenuhi"] == ("ya" if figure.n >= figure.denominator else "tidak")

    for sheet in workbook:
        assert sheet.freeze_panes == "A2", sheet.title
        if sheet.max_row > 1:
            assert (
                sheet.auto_filter.ref
                == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
            ), sheet.title
    # Numbers are numbers, with a format.
    cell = workbook["Per OPD"]["G2"]
    assert isinstance(cell.value, int | float) and cell.number_format == "0.0"


def test_an_agency_workbook_holds_only_its_subtree(published):
    dinkes = RoundAgency.objects.get(round=published, code="DINKES")
    workbook = workbook_of(published, dinkes)
    codes = {r["kode_unit"] for r in sheet_rows(workbook["Per Nilai"])}
    assert codes == {"DINKES", "UPTD-LAB"}
    names = " ".join(
        str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row
    )
    assert "Dinas Pendidikan" not in names and "DISDIK" not in names


def test_hidden_figures_never_reach_either_document(province):
    round = survey_round(province)
    respond(round, "DINKES", 70, count=6)
    respond(round, "UPTD-LAB", 37.7, count=2)  # below the minimum group
    respond(round, "DISDIK", 58, count=6)
    publish(round)
    run = selectors.run_for_reading(round)
    lab = RoundAgency.objects.get(round=round, code="UPTD-LAB")
    hidden = IndexFigure.objects.filter(
        run=run, round_agency=lab, dimension="", code__in=("BP", "INDIVIDUAL")
    )
    assert hidden.count() >= 2 and all(f.suppressed for f in hidden)
    workbook = workbook_of(round)
    lab_row = next(r for r in sheet_rows(workbook["Per Nilai"]) if r["kode_unit"] == "UPTD-LAB")
    assert lab_row["BP"] == "disembunyikan" and lab_row["indeks_individu"] == "disembunyikan"
    for sheet in workbook:
        for row in sheet.iter_rows(values_only=True):
            assert 37.7 not in row, sheet.title
    dinkes = RoundAgency.objects.get(round=round, code="DINKES")
    assert "37,7" not in pdf_text(report_bytes(round=round, agency=dinkes, format="pdf"))
    assert "37,7" not in pdf_text(report_bytes(round=round, agency=None, format="pdf"))


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@"])
def test_every_formula_trigger_stays_text(published, trigger):
    risky = f'{trigger}HYPERLINK("http://example.test","klik")'
    RoundAgency.objects.filter(round=published, code="DISDIK").update(name=risky)
    Round.objects.filter(pk=published.pk).update(name=f"{trigger}1+2")
    published.refresh_from_db()
    workbook = workbook_of(published)
    seen = 0
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value in (risky, f"{trigger}1+2"):
                    assert cell.data_type == "s"
                    seen += 1
    assert seen >= 4  # Ringkasan (the round), Per Nilai, Per OPD, Tingkat Respons (the agency)


def _lke_final(setup, agency: RoundAgency) -> None:
    """Every criterion of the agency final: component 1 fully met, the rest not at all."""
    rows = list(
        Assessment.objects.filter(round_agency=agency).select_related("criterion__component")
    )
    for row in rows:
        kind = row.criterion.answer_kind
        best = scoring.answer_options(kind)[0][0] if kind != AnswerKind.PERCENT else "100"
        worst = scoring.answer_options(kind)[-1][0] if kind != AnswerKind.PERCENT else "0"
        row.status = AssessmentStatus.FINAL
        row.self_answer = row.final_answer = best if row.criterion.component.order == 1 else worst
    Assessment.objects.bulk_update(rows, ["status", "self_answer", "final_answer"])


def test_lke_component_scores_in_both_documents(province):
    setup = lke_round(province)
    round = setup.round
    respond(round, "DINKES", 70, count=6)
    respond(round, "DISDIK", 60, count=6)
    _lke_final(setup, setup.ra_a)
    publish(round)
    criteria = list(Criterion.objects.filter(component__worksheet=round.worksheet))
    score = scoring.worksheet_score(Assessment.objects.filter(round_agency=setup.ra_a), criteria)
    expected = {c.name: float(round_one(c.index("final"))) for c in score.components}
    assert expected["Agenda perubahan"] == 100.0

    lke = {r["komponen"]: r for r in sheet_rows(workbook_of(round, setup.ra_a)["LKE"])}
    assert {name: row["nilai_akhir"] for name, row in lke.items()} == expected
    assert all(row["unit_dinilai"] == 1 for row in lke.values())
    province_lke = {r["komponen"]: r for r in sheet_rows(workbook_of(round)["LKE"])}
    assert province_lke["Agenda perubahan"]["nilai_akhir"] == 100.0
    assert province_lke["Agenda perubahan"]["unit_dinilai"] == 1  # DISDIK is not final yet

    text = pdf_text(report_bytes(round=round, agency=setup.ra_a, format="pdf"))
    assert "Agenda perubahan" in text and "100,0" in text
    run = selectors.run_for_reading(round)
    composite = IndexFigure.objects.get(
        run=run, scope=Scope.SUBTREE, round_agency=setup.ra_a, dimension="", code="COMPOSITE"
    )
    assert composite.value is not None and shown(composite.value) in text


def round_one(value):
    from decimal import ROUND_HALF_UP, Decimal

    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def test_province_pdf_contents_lead_to_numbered_pages(published):
    text = pdf_text(report_bytes(round=published, agency=None, format="pdf"))
    reader_pages = text.count("Halaman ")
    assert reader_pages >= 4
    contents = text.split("Daftar isi", 1)[1].split("Ringkasan eksekutif", 2)
    assert len(contents) == 3  # listed in the contents, then the section itself
    for heading in (
        "Tujuh nilai dasar",
        "Tren antarputaran",
        "Penilaian instansi (LKE)",
        "Tingkat respons",
        "Metode",
    ):
        assert heading in text
    assert "Biro Organisasi Sekretariat Daerah" in text or settings.REPORT_UNIT in text


def test_letterhead_and_signatory_come_from_settings(published, settings):
    settings.REPORT_GOVERNMENT = "Pemerintah Provinsi Contoh"
    settings.REPORT_SIGNATORY_TITLE = "Sekretaris Daerah Provinsi Contoh"
    settings.REPORT_SIGNATORY_NAME = "Ir. Fulan bin Fulan, M.T."
    settings.REPORT_SIGNATORY_NIP = "196501011990031001"
    text = pdf_text(report_bytes(round=published, agency=None, format="pdf"))
    assert "PEMERINTAH PROVINSI CONTOH" in text.upper()
    assert "Sekretaris Daerah Provinsi Contoh" in text and "Ir. Fulan bin Fulan, M.T." in text
    assert "196501011990031001" in text


def test_access_ends_when_the_round_is_no_longer_published(
    client, province, published, django_capture_on_commit_callbacks
):
    dinkes = RoundAgency.objects.get(round=published, code="DINKES")
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            user=province.leader_a.user, round=published, agency=dinkes, format="pdf"
        )
    client.force_login(province.leader_a.user)
    url = reverse("reports:report_download", args=[report.pk])
    assert client.get(url).status_code == 200
    round_status_set(published, RoundStatus.CLOSED)  # e.g. withdrawn for a correction
    assert client.get(url).status_code == 404
    assert client.get(reverse("reports:report_detail", args=[report.pk])).status_code == 404


def test_a_leader_cannot_open_a_report_of_another_scope(
    client, province, published, django_capture_on_commit_callbacks
):
    disdik = RoundAgency.objects.get(round=published, code="DISDIK")
    with django_capture_on_commit_callbacks(execute=True):
        theirs = report_request(
            user=province.leader_b.user, round=published, agency=disdik, format="xlsx"
        )
        province_report = report_request(
            user=province.admin.user, round=published, agency=None, format="pdf"
        )
    client.force_login(province.leader_a.user)
    for report in (theirs, province_report):
        for name in ("reports:report_detail", "reports:report_download"):
            assert client.get(reverse(name, args=[report.pk])).status_code == 404
    # Nor by asking for it themselves: a sub-unit of their own agency is fine, DISDIK is not.
    create = reverse("reports:report_create", args=[published.pk])
    assert client.post(create, {"unit": "UPTD-LAB", "format": "pdf"}).status_code == 302
    assert client.post(create, {"unit": "DISDIK", "format": "pdf"}).status_code == 404
    assert client.post(create, {"unit": "DINKES", "format": "docx"}).status_code == 404


def test_the_progress_fragment_polls_until_done(client, province, published):
    report = ReportFile.objects.create(
        owner=province.admin.user,
        round=published,
        format="pdf",
        progress=30,
        status=RunStatus.RUNNING,
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    client.force_login(province.admin.user)
    url = reverse("reports:report_detail", args=[report.pk])
    running = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in running and 'value="30"' in running
    assert "<html" not in running  # the fragment only
    assert client.get(reverse("reports:report_download", args=[report.pk])).status_code == 404

    ReportFile.objects.filter(pk=report.pk).update(status=RunStatus.FAILED, error="boom")
    failed = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in failed and "gagal" in failed
    assert client.get(reverse("reports:report_download", args=[report.pk])).status_code == 404


def test_expired_files_go_through_the_beat_task(
    province, published, django_capture_on_commit_callbacks
):
    from reports.tasks import report_files_expire

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reports.report_files_expire" in schedule
    with django_capture_on_commit_callbacks(execute=True):
        old = report_request(user=province.admin.user, round=published, agency=None, format="xlsx")
    old.refresh_from_db()
    name = old.file.name
    with time_machine.travel(
        timezone.now() + dt.timedelta(hours=settings.REPORT_FILE_HOURS - 1), tick=False
    ):
        assert report_files_expire.delay().get() == 0
    with time_machine.travel(
        timezone.now() + dt.timedelta(hours=settings.REPORT_FILE_HOURS + 1), tick=False
    ):
        with django_capture_on_commit_callbacks(execute=True):
            fresh = report_request(
                user=province.admin.user, round=published, agency=None, format="pdf"
            )
        assert report_files_expire.delay().get() == 1
    assert not ReportFile.objects.filter(pk=old.pk).exists() and not old.file.storage.exists(name)
    assert ReportFile.objects.filter(pk=fresh.pk).exists()


def test_documents_never_fetch_anything_outside_static():
    fetcher = static_fetcher()
    for url in ("https://fonts.googleapis.com/css?family=Roboto", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_the_download_buttons_fragment(rf: RequestFactory, province, published):
    request = rf.get("/")
    request.user = province.leader_a.user
    dinkes = RoundAgency.objects.get(round=published, code="DINKES")
    html = render_to_string(
        "reports/documents/_download_buttons.html",
        {"round": published, "agency": dinkes},
        request=request,
    )
    action = reverse("reports:report_create", args=[published.pk])
    assert html.count(f'action="{action}"') == 2 and "csrfmiddlewaretoken" in html
    assert 'name="unit" value="DINKES"' in html
    assert 'value="pdf"' in html and 'value="xlsx"' in html
    assert "Unduh PDF" in html and "Unduh Excel" in html
    province_html = render_to_string(
        "reports/documents/_download_buttons.html",
        {"round": published, "agency": None},
        request=request,
    )
    assert 'name="unit"' not in province_html
