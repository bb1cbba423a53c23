"""A worker killed in the middle of a release loses nothing and leaves nothing stuck (PostgreSQL,
real worker processes, SIGKILL)."""

from __future__ import annotations

from django.db import connection

from evaluations.models import RoundStatus
from evaluations.services import round_transition
from reports.models import IndexRun, RunStatus
from surveys import sums
from surveys.models import Response, SealedSubmission
from surveys.tasks import responses_release_due
from tests.celery_worker import worker_kill
from tests.factories import EmployeeFactory
from tests.faults import postgresql_only, raw_connection, wait_for, waiting_for_lock
from tests.surveys.factories import open_round, people_submit

pytestmark = postgresql_only


def _release_killed(spare_celery_worker, province, *, lock: str, waits_in: str):
    """A round of five answers, closed; its release's worker SIGKILLed while it waits, in a
    statement starting with `waits_in`, for the row that `lock` (SQL on the round's id) holds."""
    people = [EmployeeFactory(agency=province.agency_a) for _ in range(5)]
    round = open_round(province)
    people_submit(round, people)
    blocker = raw_connection()
    with blocker.transaction():
        round_transition(round=round, to=RoundStatus.CLOSED)  # sends the release (and compute)
        blocker.execute(lock, [round.pk])
        worker = spare_celery_worker(wait=False)
        wait_for(lambda: waiting_for_lock(waits_in))
        worker_kill(worker)
    blocker.close()
    # Nothing was lost and nothing half-done is visible.
    assert SealedSubmission.objects.filter(round=round).count() == 5
    assert not Response.objects.filter(round=round).exists()
    return round


def _released_again(spare_celery_worker, round) -> None:
    """The periodic task sends the release again; a new worker finishes it."""
    spare_celery_worker(wait=False)
    assert responses_release_due() == [round.pk]
    wait_for(lambda: Response.objects.filter(round=round).count() == 5)
    assert not SealedSubmission.objects.filter(round=round).exists()


def test_a_worker_killed_during_the_release_loses_nothing(spare_celery_worker, province):
    # The release waits for this lock on the round: the worker is caught in the middle.
    round = _release_killed(
        spare_celery_worker,
        province,
        lock="SELECT id FROM evaluations_round WHERE id = %s FOR UPDATE",
        waits_in='SELECT "evaluations_round".',
    )
    _released_again(spare_celery_worker, round)
    wait_for(lambda: IndexRun.objects.filter(round=round, status=RunStatus.DONE).exists())
    round.refresh_from_db()
    assert round.status == RoundStatus.COMPUTED


def test_a_worker_killed_after_writing_the_responses_leaves_no_cell_sums(
    spare_celery_worker, province
):
    """Killed after the responses went in (and the cell sums' trigger ran) but before the commit:
    neither the rows nor their sums remain, and the release sent again adds them once."""
    # The release deletes the sealed rows after writing the responses: it waits there.
    round = _release_killed(
        spare_celery_worker,
        province,
        lock="SELECT id FROM surveys_sealedsubmission WHERE round_id = %s LIMIT 1 FOR UPDATE",
        waits_in='DELETE FROM "surveys_sealedsubmission"',
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM surveys_responsesums WHERE round_id = %s", [round.pk])
        assert cursor.fetchone()[0] == 0
    _released_again(spare_celery_worker, round)
    assert sums.drift(round.pk) == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(n) FROM surveys_responsesums WHERE round_id = %s", [round.pk])
        assert cursor.fetchone()[0] == 5
