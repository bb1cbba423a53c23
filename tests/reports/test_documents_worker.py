"""Report files built by a REAL Celery worker process (Redis broker, other process, same database),
as in production: the request only queues; the worker writes the private file; the owner reads it."""

from __future__ import annotations

import io
import time

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from evaluations.models import RoundAgency, RoundStatus
from reports import selectors
from reports.models import IndexFigure, ReportFile, RunStatus, Scope
from reports.printing.services import report_request
from reports.services.compute import index_compute_now
from tests.reports.factories import respond, round_status_set, survey_round
from tests.reports.test_documents_checks import sheet_rows

pytestmark = pytest.mark.django_db(transaction=True)
WAIT_SECONDS = 90


def _wait(report: ReportFile) -> ReportFile:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        report.refresh_from_db()
        if report.status in (RunStatus.DONE, RunStatus.FAILED):
            return report
        if time.monotonic() > deadline:
            pytest.fail(f"report still {report.status} ({report.progress}%) after {WAIT_SECONDS} s")
        time.sleep(0.2)


def test_the_worker_builds_both_documents(celery_worker_process, province):
    round = survey_round(province)
    respond(
        round,
        "DINKES",
        {"BP": 81, "AK": 72, "KO": 63, "HA": 54, "LO": 66, "AD": 37, "KL": 48},
        count=6,
    )
    respond(round, "UPTD-LAB", 61, count=5)
    respond(round, "DISDIK", 58, count=6)
    round_status_set(round, RoundStatus.CLOSED)
    index_compute_now(round=round)
    round_status_set(round, RoundStatus.PUBLISHED)
    dinkes = RoundAgency.objects.get(round=round, code="DINKES")

    # Autocommit: the request's on_commit sends the task through Redis at once.
    pdf = report_request(user=province.leader_a.user, round=round, agency=dinkes, format="pdf")
    xlsx = report_request(user=province.admin.user, round=round, agency=None, format="xlsx")

    pdf, xlsx = _wait(pdf), _wait(xlsx)
    assert pdf.status == RunStatus.DONE, pdf.error
    assert xlsx.status == RunStatus.DONE, xlsx.error
    assert pdf.progress == xlsx.progress == 100 and pdf.finished_at and xlsx.size > 1000
    # Stored privately under MEDIA_ROOT/reports/, where the worker put it.
    assert pdf.file.name.startswith("reports/") and pdf.file.storage.exists(pdf.file.name)

    run = selectors.run_for_reading(round)
    figure = IndexFigure.objects.get(
        run=run, scope=Scope.SUBTREE, round_agency=dinkes, dimension="", code="INDIVIDUAL"
    )
    with pdf.file.open("rb") as handle:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert f"{figure.value}".replace(".", ",") in text and "Dinas Kesehatan" in text

    with xlsx.file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    rows = {r["kode_unit"]: r for r in sheet_rows(workbook["Per Nilai"])}
    assert rows["DINKES"]["indeks_individu"] == float(figure.value)
