"""The compute task through Redis to a real worker process, as in production."""

from __future__ import annotations

import time

import pytest

from reports.models import IndexFigure, IndexRun, RunStatus
from reports.services import compute
from tests.reports.factories import respond, survey_round

pytestmark = pytest.mark.django_db(transaction=True)
WAIT_SECONDS = 60


def test_index_compute_runs_in_the_worker(celery_worker_process, province):
    round = survey_round(province)
    respond(round, "DINKES", 70, count=6)
    respond(round, "DISDIK", 55, count=6)

    run = compute.index_compute_request(round=round)  # autocommit: enqueued at once

    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        run.refresh_from_db()
        if run.status in (RunStatus.DONE, RunStatus.FAILED):
            break
        if time.monotonic() > deadline:
            pytest.fail(f"run still {run.status} after {WAIT_SECONDS} s")
        time.sleep(0.2)
    assert run.status == RunStatus.DONE, run.error
    assert run.attempts == 1 and run.progress == 100
    individual = IndexFigure.objects.get(run=run, scope="PROVINCE", dimension="", code="INDIVIDUAL")
    assert str(individual.value) == "62.5" and individual.n == 12
    assert IndexRun.objects.filter(round=round).count() == 1
