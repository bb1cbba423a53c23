"""Two to eight simultaneous submits of one participation give exactly one response (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from surveys import selectors
from surveys.models import Draft, Participation, ParticipationStatus, Response
from surveys.services import filling
from tests.surveys.factories import full_answers, open_round

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks (select_for_update) need PostgreSQL; SQLite serialises every write anyway",
)


@pytest.mark.parametrize("clients", [2, 8])
def test_concurrent_submits_make_one_response(transactional_db, province, clients):
    round = open_round(province)
    participation = Participation.objects.select_related("round").get(
        round=round, employee=province.asn_a
    )
    filling.answers_save(
        participation=participation, answers=full_answers(selectors.survey_for_round(round))
    )
    barrier = threading.Barrier(clients)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit():
        try:
            mine = Participation.objects.select_related("round").get(pk=participation.pk)
            barrier.wait(timeout=10)
            result = filling.survey_submit(participation=mine)
            with lock:
                outcomes.append(result.status)
        except Exception as error:
            with lock:
                outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == [ParticipationStatus.SUBMITTED] * clients
    assert Response.objects.filter(round=round).count() == 1
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.SUBMITTED
    assert participation.draft_token is None
    assert not Draft.objects.exists()
