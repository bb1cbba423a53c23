"""Redis unreachable: a request that asks for background work answers at once with the message,
keeps its row, and the sweeper finishes the work once Redis is back (README "Keandalan")."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from berakhlak.jobs import SEND_GRACE, jobs_sweep
from berakhlak.models import ImportStatus, RosterImport
from berakhlak.spreadsheet import XLSX_TYPE
from evaluations.models import RoundStatus
from reports.models import IndexRun, ReportFile, RunStatus
from reports.services.compute import index_compute_now
from tests.berakhlak.roster_files import employee, workbook_bytes
from tests.celery_worker import _celery_app_using
from tests.faults import wait_for
from tests.reports.factories import respond, round_status_set, survey_round

pytestmark = pytest.mark.django_db(transaction=True)
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: connection refused
MESSAGE = "Antrean tugas sedang tidak dapat dihubungi"


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def _sweep_later() -> dict[str, int]:
    return jobs_sweep(now=timezone.now() + SEND_GRACE + dt.timedelta(seconds=1))


def test_requests_answer_fast_keep_their_rows_and_the_sweeper_finishes_them(
    celery_worker_process, client, province
):
    round = survey_round(province)
    respond(round, "DINKES", 70, count=6)
    respond(round, "DISDIK", 55, count=6)
    round_status_set(round, RoundStatus.CLOSED)
    index_compute_now(round=round)  # figures for the report
    client.force_login(province.admin.user)
    upload = SimpleUploadedFile(
        "pegawai.xlsx", workbook_bytes(employees=[employee(1)]).getvalue(), content_type=XLSX_TYPE
    )

    requests = {
        "report": (reverse("reports:report_create", args=[round.pk]), {"format": "xlsx"}),
        "compute": (reverse("reports:index_compute", args=[round.pk]), {}),
        "roster": (reverse("roster_import_start"), {"file": upload}),
    }
    with _celery_app_using(CLOSED_PORT, eager=False):
        for name, (url, data) in requests.items():
            response, seconds = _timed(lambda url=url, data=data: client.post(url, data))
            # The request itself (commit, one refused send, the redirect) answers at once ...
            assert response.status_code == 302 and seconds < 2, (name, seconds)
            # ... and the page it leads to says what happened.
            assert MESSAGE in client.get(response["Location"]).content.decode(), name
        # The sweeper cannot send either while Redis is down: the rows keep waiting.
        _sweep_later()

    report = ReportFile.objects.get()
    run = IndexRun.objects.get(status=RunStatus.QUEUED)
    record = RosterImport.objects.get()
    for row in (report, run, record):
        assert row.enqueued_at is None and row.heartbeat_at is None
        assert row.job_note.startswith(MESSAGE)
    assert record.status == ImportStatus.PENDING_PREVIEW

    # Redis is back: one sweep sends all three, the worker does them.
    sent = _sweep_later()
    assert sent["reports.report_files"] == 1 and sent["berakhlak.roster_imports"] == 1
    assert sent["reports.index_runs"] == 1
    wait_for(lambda: ReportFile.objects.get(pk=report.pk).status == RunStatus.DONE)
    wait_for(lambda: IndexRun.objects.get(pk=run.pk).status == RunStatus.DONE)
    wait_for(lambda: RosterImport.objects.get(pk=record.pk).status == ImportStatus.PREVIEWED)
    assert ReportFile.objects.get().size > 1000


def test_health_names_the_broker_when_redis_is_down(client, settings):
    settings.REDIS_URL = CLOSED_PORT
    response, seconds = _timed(lambda: client.get(reverse("health")))
    assert response.status_code == 503 and seconds < 2
    checks = response.json()["checks"]
    assert checks["broker"] == "error"
    assert {name: checks[name] for name in ("database", "storage", "files")} == dict.fromkeys(
        ("database", "storage", "files"), "ok"
    )
