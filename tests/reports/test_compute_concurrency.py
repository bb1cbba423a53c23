"""Two computes of one round at the same moment give one run and one set of figures."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from reports.models import IndexFigure, IndexRun, RunStatus
from reports.services import compute
from tests.reports.factories import respond, survey_round

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers (PostgreSQL); SQLite serialises every write",
)


@pytest.mark.parametrize("clients", [2, 6])
def test_concurrent_computes_make_one_snapshot(transactional_db, province, clients, monkeypatch):
    round = survey_round(province)
    respond(round, "DINKES", 70, count=6)
    respond(round, "DISDIK", 55, count=6)
    barrier = threading.Barrier(clients)
    # "At the same moment": no compute starts before every client has made its request (on a
    # loaded machine a late thread could otherwise arrive after the first run was done, and ask
    # for a new one, as a request a second later rightly does).
    requested = threading.Barrier(clients)
    request = compute.index_compute_request

    def request_then_wait(**kwargs):
        run = request(**kwargs)
        requested.wait(timeout=30)
        return run

    monkeypatch.setattr(compute, "index_compute_request", request_then_wait)
    outcomes: list = []
    lock = threading.Lock()

    def run_compute():
        try:
            barrier.wait(timeout=10)
            run, computed_here = compute.index_compute_now(round=round)
            with lock:
                outcomes.append((run.pk if run else None, computed_here))
        except Exception as error:
            with lock:
                outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_compute) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(isinstance(o, tuple) for o in outcomes), outcomes
    assert sum(1 for _pk, here in outcomes if here) == 1
    done = IndexRun.objects.get(round=round, status=RunStatus.DONE)
    assert {pk for pk, _here in outcomes} == {done.pk}
    assert IndexRun.objects.filter(round=round).count() == 1
    assert set(IndexFigure.objects.values_list("run_id", flat=True).distinct()) == {done.pk}
