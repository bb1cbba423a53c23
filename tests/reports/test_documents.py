"""PDF and Excel reports: the figures of the snapshot, formula-safe, scoped, expiring."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from evaluations.models import RoundAgency, RoundStatus
from reports import selectors
from reports.models import IndexFigure, ReportFile, RunStatus, Scope
from reports.printing.services import report_bytes, report_files_expire, report_request
from reports.services.compute import index_compute_now
from tests.reports.factories import respond, round_status_set, survey_round
from tests.reports.test_documents_checks import sheet_rows

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
    respond(round, "DISDIK", 70, count=6)
    round_status_set(round, RoundStatus.CLOSED)
    index_compute_now(round=round)
    return round_status_set(round, RoundStatus.PUBLISHED)


def shown(value) -> str:
    return f"{value}".replace(".", ",")  # the report speaks Indonesian: 62,5


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_province_pdf_holds_the_figures_of_the_snapshot(published):
    content = report_bytes(round=published, agency=None, format="pdf")
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    run = selectors.run_for_reading(published)
    province = IndexFigure.objects.filter(run=run, scope=Scope.PROVINCE, dimension="")
    for figure in province.filter(code__in=("INDIVIDUAL", "BP", "AD", "KL")):
        assert shown(figure.value) in text, figure.code
    assert "Daftar isi" in text and "Dinas Kesehatan" in text and "Sekretaris Daerah" in text
    assert "Halaman 1 dari" in text or "Halaman 2 dari" in text


def test_agency_pdf_holds_its_own_figures(published):
    agency = RoundAgency.objects.get(round=published, code="DINKES")
    text = pdf_text(report_bytes(round=published, agency=agency, format="pdf"))
    run = selectors.run_for_reading(published)
    individual = IndexFigure.objects.get(
        run=run, scope=Scope.SUBTREE, round_agency=agency, dimension="", code="INDIVIDUAL"
    )
    assert shown(individual.value) in text
    assert "Dinas Pendidikan" not in text  # another agency's name never appears


def test_excel_read_back_matches_the_snapshot(published):
    workbook = load_workbook(io.BytesIO(report_bytes(round=published, agency=None, format="xlsx")))
    assert workbook.sheetnames == [
        "Ringkasan",
        "Per Nilai",
        "Per OPD",
        "LKE",
        "Tingkat Respons",
        "Kolom",
    ]
    sheet = workbook["Per Nilai"]
    # Headers a person reads; the codes behind them are in the sheet "Kolom"
    assert [c.value for c in sheet[1]][:4] == [
        "Kode unit",
        "Nama unit",
        "Responden",
        "Berorientasi Pelayanan",
    ]
    rows = {r["kode_unit"]: r for r in sheet_rows(sheet)}
    run = selectors.run_for_reading(published)
    for figure in IndexFigure.objects.filter(
        run=run, scope=Scope.SUBTREE, dimension="", code__in=("BP", "INDIVIDUAL")
    ):
        column = "indeks_individu" if figure.code == "INDIVIDUAL" else figure.code
        value = float(figure.value) if figure.value is not None else figure.reason_text
        expected = "disembunyikan" if figure.suppressed else value
        assert rows[figure.round_agency.code][column] == expected
    province = selectors.province_row(run).get("INDIVIDUAL")
    assert rows["PROVINSI"]["indeks_individu"] == float(province.value)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet["D2"].number_format == "0.0"


def test_formula_looking_text_is_neutralised(published):
    RoundAgency.objects.filter(round=published, code="DISDIK").update(
        name='=HYPERLINK("http://x","a")'
    )
    workbook = load_workbook(io.BytesIO(report_bytes(round=published, agency=None, format="xlsx")))
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    names = [r[1] for r in workbook["Per Nilai"].iter_rows(min_row=2, values_only=True)]
    assert any(str(n).startswith("=HYPERLINK") for n in names)


def test_the_request_builds_a_private_file_for_its_owner(
    client, province, published, django_capture_on_commit_callbacks
):
    client.force_login(province.leader_a.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:report_create", args=[published.pk]),
            {"unit": "DINKES", "format": "pdf"},
        )
    report = ReportFile.objects.get()
    assert response.status_code == 302 and report.status == RunStatus.DONE and report.size > 1000
    assert "evidence" not in report.file.name and report.file.name.startswith("reports/")
    download = client.get(reverse("reports:report_download", args=[report.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["X-Content-Type-Options"] == "nosniff"
    # Somebody else cannot fetch it, even with the link.
    client.force_login(province.leader_b.user)
    assert client.get(reverse("reports:report_download", args=[report.pk])).status_code == 404
    assert client.get(reverse("reports:report_detail", args=[report.pk])).status_code == 404


def test_a_leader_cannot_ask_for_another_scope(client, province, published):
    client.force_login(province.leader_b.user)
    for unit in ("DINKES", "UPTD-LAB", ""):  # another agency, its unit, the province
        response = client.post(
            reverse("reports:report_create", args=[published.pk]), {"unit": unit, "format": "pdf"}
        )
        assert response.status_code == 404, unit
    assert not ReportFile.objects.exists()


def test_unpublished_rounds_have_no_reports_for_leaders(client, province):
    round = survey_round(province)
    respond(round, "DINKES", 70, count=6)
    index_compute_now(round=round)
    client.force_login(province.leader_a.user)
    response = client.post(
        reverse("reports:report_create", args=[round.pk]), {"unit": "DINKES", "format": "xlsx"}
    )
    assert response.status_code == 404


def test_expired_reports_are_deleted_with_their_file(
    province, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            user=province.admin.user, round=published, agency=None, format="xlsx"
        )
    report.refresh_from_db()
    storage, name = report.file.storage, report.file.name
    assert storage.exists(name)
    assert report_files_expire() == 0
    assert report_files_expire(now=timezone.now() + dt.timedelta(days=2)) == 1
    assert not ReportFile.objects.exists() and not storage.exists(name)


def test_build_report_command(published, tmp_path):
    output = tmp_path / "dinkes.xlsx"
    call_command(
        "build_report",
        "--round",
        str(published.pk),
        "--agency",
        "DINKES",
        "--format",
        "xlsx",
        "--output",
        str(output),
    )
    assert load_workbook(output)["Per Nilai"]["A2"].value == "DINKES"
    pdf = tmp_path / "provinsi.pdf"
    call_command(
        "build_report", "--round", str(published.pk), "--format", "pdf", "--output", str(pdf)
    )
    assert pdf.read_bytes().startswith(b"%PDF")
