"""A worker killed in the middle of a release loses nothing and leaves nothing stuck (PostgreSQL,
real worker processes, SIGKILL)."""

from __future__ import annotations

import datetime as dt
import signal
import time

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from evaluations.models import RoundStatus
from evaluations.services import round_transition
from reports.models import IndexRun, RunStatus
from reports.services.compute import index_runs_requeue_stale
from surveys import selectors
from surveys.models import Participation, Response, SealedSubmission
from surveys.services import filling
from tests.factories import EmployeeFactory
from tests.surveys.factories import full_answers, open_round

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


def test_a_worker_killed_during_the_release_loses_nothing(spare_celery_worker, province):
    people = [EmployeeFactory(agency=province.agency_a) for _ in range(5)]
    round = open_round(province)
    survey = selectors.survey_for_round(round)
    for person in people:
        participation = Participation.objects.get(round=round, employee=person)
        filling.answers_save(
            participation=participation, answers=full_answers(survey), survey=survey
        )
        filling.survey_submit(participation=participation)
    round_transition(round=round, to=RoundStatus.CLOSED)  # queues the final computation
    blocker = _raw_connection()
    with blocker.transaction():
        # The release waits for this lock on the round: the worker is caught in the middle.
        blocker.execute("SELECT id FROM evaluations_round WHERE id = %s FOR UPDATE", [round.pk])
        worker = spare_celery_worker(wait=False)
        _wait_for(lambda: IndexRun.objects.filter(round=round, status=RunStatus.RUNNING).exists())
        time.sleep(1)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    blocker.close()
    # Nothing was lost and nothing half-done is visible.
    assert SealedSubmission.objects.filter(round=round).count() == 5
    assert not Response.objects.filter(round=round).exists()
    stuck = IndexRun.objects.get(round=round)
    assert stuck.status == RunStatus.RUNNING
    # Time passes (the run's heartbeat ages); the sweeper hands it to a new worker.
    IndexRun.objects.filter(pk=stuck.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(hours=1),
        created_at=timezone.now() - dt.timedelta(hours=1),
    )
    spare_celery_worker(wait=False)
    assert index_runs_requeue_stale() == 1
    _wait_for(lambda: IndexRun.objects.get(pk=stuck.pk).status == RunStatus.DONE)
    assert Response.objects.filter(round=round).count() == 5
    assert not SealedSubmission.objects.filter(round=round).exists()
    round.refresh_from_db()
    assert round.status == RoundStatus.COMPUTED
