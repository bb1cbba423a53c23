"""A worker killed in the middle of a release loses nothing and leaves nothing stuck (PostgreSQL,
real worker processes, SIGKILL)."""

from __future__ import annotations

import signal
import time

import psycopg
import pytest
from django.db import connection

from evaluations.models import RoundStatus
from evaluations.services import round_transition
from reports.models import IndexRun, RunStatus
from surveys.models import Response, SealedSubmission
from surveys.tasks import responses_release_due
from tests.factories import EmployeeFactory
from tests.surveys.factories import open_round, people_submit

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="holds a row lock from a second connection"
)


def _wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.2)


def _raw_connection() -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )


def _release_waiting_for_the_lock() -> bool:
    """A backend waits for a lock in a query on the round table (the worker's release; the query
    text is cut at 1 kB in pg_stat_activity, so match its start)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database() AND query LIKE %s",
            ['SELECT "evaluations_round".%'],
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_during_the_release_loses_nothing(spare_celery_worker, province):
    people = [EmployeeFactory(agency=province.agency_a) for _ in range(5)]
    round = open_round(province)
    people_submit(round, people)
    blocker = _raw_connection()
    with blocker.transaction():
        # The release waits for this lock on the round: the worker is caught in the middle.
        round_transition(round=round, to=RoundStatus.CLOSED)  # sends the release (and compute)
        blocker.execute("SELECT id FROM evaluations_round WHERE id = %s FOR UPDATE", [round.pk])
        worker = spare_celery_worker(wait=False)
        _wait_for(_release_waiting_for_the_lock)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    blocker.close()
    # Nothing was lost and nothing half-done is visible.
    assert SealedSubmission.objects.filter(round=round).count() == 5
    assert not Response.objects.filter(round=round).exists()
    # The periodic task sends the release again; a new worker finishes it, and the computation.
    spare_celery_worker(wait=False)
    assert responses_release_due() == [round.pk]
    _wait_for(lambda: Response.objects.filter(round=round).count() == 5)
    assert not SealedSubmission.objects.filter(round=round).exists()
    _wait_for(lambda: IndexRun.objects.filter(round=round, status=RunStatus.DONE).exists())
    round.refresh_from_db()
    assert round.status == RoundStatus.COMPUTED
