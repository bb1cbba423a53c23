"""A worker SIGKILLed in the middle of an index computation or of a report build: a new worker
and one sweep later the work is done once, with the figures and the file of an undisturbed run,
and nothing is left running (PostgreSQL, real worker processes; README "Keandalan")."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from berakhlak.jobs import STALE_AFTER, jobs_sweep
from evaluations.models import RoundStatus
from reports.models import IndexFigure, IndexRun, ReportFile, RunStatus
from reports.printing.services import report_request
from reports.services.compute import index_compute_now, index_compute_request
from tests.celery_worker import worker_kill
from tests.faults import postgresql_only, raw_connection, wait_for, waiting_for_lock
from tests.reports.factories import respond, round_status_set, survey_round

pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True)]
FIGURE_FIELDS = (
    "scope",
    "round_agency_id",
    "dimension",
    "dimension_key",
    "code",
    "value",
    "n",
    "denominator",
    "suppressed",
    "reason",
    "band",
)


def _figures(run: IndexRun) -> list[tuple]:
    return sorted(IndexFigure.objects.filter(run=run).values_list(*FIGURE_FIELDS), key=repr)


def _sweep_after_the_heartbeat_went_stale() -> dict[str, int]:
    """The beat task's sweep as it runs once the dead worker's heartbeat is STALE_AFTER old."""
    return jobs_sweep(now=timezone.now() + STALE_AFTER + dt.timedelta(seconds=1))


def test_a_compute_killed_at_80_percent_is_restarted_and_gives_the_same_figures(
    spare_celery_worker, province
):
    round = survey_round(province)
    respond(round, "DINKES", 70, count=6)
    respond(round, "DISDIK", 55, count=6)
    respond(round, "UPTD-LAB", 61, count=5)
    round_status_set(round, RoundStatus.CLOSED)
    run = index_compute_request(round=round)  # sent; no worker takes it yet
    blocker = raw_connection()
    with blocker.transaction():
        # The run's last step moves the round to "computed" under the round's row lock.
        blocker.execute("SELECT id FROM evaluations_round WHERE id = %s FOR UPDATE", [round.pk])
        worker = spare_celery_worker(wait=False)
        wait_for(lambda: waiting_for_lock('SELECT "evaluations_round".'), what="for the compute")
        run.refresh_from_db()
        assert run.status == RunStatus.RUNNING and run.progress == 80
        worker_kill(worker)
    blocker.close()
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and not IndexFigure.objects.filter(run=run).exists()

    started = time.monotonic()
    spare_celery_worker(wait=False)
    assert _sweep_after_the_heartbeat_went_stale()["reports.index_runs"] == 1
    run.refresh_from_db()
    assert run.job_note == "Pekerja berhenti; dijalankan ulang."
    wait_for(lambda: IndexRun.objects.get(pk=run.pk).status == RunStatus.DONE, what="the restart")
    restarted_in = time.monotonic() - started
    assert restarted_in < 60

    run.refresh_from_db()
    assert run.attempts == 2 and run.restarted_at is not None
    assert not IndexRun.objects.active().exists()
    round.refresh_from_db()
    assert round.status == RoundStatus.COMPUTED
    # An undisturbed computation of the same round gives exactly the same figures.
    clean, computed_here = index_compute_now(round=round)
    assert computed_here and clean.pk != run.pk
    assert _figures(run) == _figures(clean) and len(_figures(run)) > 20


def test_a_report_build_killed_midway_is_built_again_into_one_file(spare_celery_worker, province):
    round = survey_round(province)
    respond(round, "DINKES", 70, count=6)
    respond(round, "DISDIK", 55, count=6)
    round_status_set(round, RoundStatus.CLOSED)
    index_compute_now(round=round)
    round_status_set(round, RoundStatus.PUBLISHED)
    worker = spare_celery_worker(wait=False)
    report = report_request(user=province.admin.user, round=round, agency=None, format="pdf")
    # Caught while it renders: its next write to the row waits for this lock.
    wait_for(lambda: ReportFile.objects.filter(pk=report.pk, progress=30).exists(), what="build")
    blocker = raw_connection()
    with blocker.transaction():
        blocker.execute("SELECT id FROM reports_reportfile WHERE id = %s FOR UPDATE", [report.pk])
        wait_for(lambda: waiting_for_lock('UPDATE "reports_reportfile"'), what="for the build")
        worker_kill(worker)
    blocker.close()
    report.refresh_from_db()
    assert report.status == RunStatus.RUNNING and not report.file

    started = time.monotonic()
    spare_celery_worker(wait=False)
    assert _sweep_after_the_heartbeat_went_stale()["reports.report_files"] == 1
    wait_for(lambda: ReportFile.objects.get(pk=report.pk).status == RunStatus.DONE, what="rebuild")
    assert time.monotonic() - started < 60

    report.refresh_from_db()
    assert report.restarted_at is not None and report.progress == 100
    assert not ReportFile.objects.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).exists()
    # One file, the one the row names, a whole PDF.
    stored = Path(report.file.storage.path(report.file.name))
    assert [p.name for p in stored.parent.iterdir() if report.pk.hex in p.name] == [stored.name]
    with report.file.open("rb") as handle:
        assert len(PdfReader(handle).pages) >= 1
    assert report.size == stored.stat().st_size


def test_an_instrument_quality_killed_midway_is_computed_again_once(spare_celery_worker, province):
    from reports.models import InstrumentQuality
    from reports.services.quality import instrument_quality_compute, instrument_quality_request
    from tests.reports.test_quality import _round_with_answers

    round, _codes, _rows = _round_with_answers(province, 20)
    round_status_set(round, RoundStatus.CLOSED)
    run, _computed = index_compute_now(round=round)
    quality = instrument_quality_request(run=run, by=province.admin.user)  # sent, not taken
    assert quality.status == RunStatus.QUEUED
    # A second request while it waits asks nothing more.
    assert instrument_quality_request(run=run, by=province.admin.user).pk == quality.pk
    blocker = raw_connection()
    with blocker.transaction():
        # Its one query over the answers waits for this lock; the worker dies meanwhile.
        blocker.execute("LOCK TABLE surveys_response IN ACCESS EXCLUSIVE MODE")
        worker = spare_celery_worker(wait=False)
        wait_for(lambda: waiting_for_lock("SELECT s.round_agency_id"), what="for the quality")
        assert InstrumentQuality.objects.get(pk=quality.pk).status == RunStatus.RUNNING
        worker_kill(worker)
    blocker.close()
    quality.refresh_from_db()
    assert quality.status == RunStatus.RUNNING and quality.computed_at is None

    spare_celery_worker(wait=False)
    assert _sweep_after_the_heartbeat_went_stale()["reports.instrument_quality"] == 1
    wait_for(
        lambda: InstrumentQuality.objects.get(pk=quality.pk).status == RunStatus.DONE,
        what="the restart",
    )
    quality.refresh_from_db()
    assert quality.restarted_at is not None and quality.shown
    stored = (quality.responses, quality.alpha, quality.straight_share, quality.values)
    # The same as computed undisturbed, in this process.
    clean = instrument_quality_compute(run)
    assert (clean.responses, clean.alpha, clean.straight_share, clean.values) == stored
    assert InstrumentQuality.objects.count() == 1
