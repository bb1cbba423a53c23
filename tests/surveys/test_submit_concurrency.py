"""Two to twenty simultaneous submits of one participation give exactly one response after the
release (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from surveys import selectors
from surveys.models import Draft, Participation, ParticipationStatus, Response, SealedSubmission
from surveys.services import filling
from tests.factories import EmployeeFactory
from tests.surveys.factories import close_and_release, draft_of, full_answers, open_round

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks (select_for_update) need PostgreSQL; SQLite serialises every write anyway",
)


@pytest.mark.parametrize("clients", [2, 8, 20])
def test_concurrent_submits_make_one_response(transactional_db, province, clients):
    others = [EmployeeFactory(agency=province.agency_a) for _ in range(4)]
    round = open_round(province)
    survey = selectors.survey_for_round(round)
    participation = Participation.objects.select_related("round").get(
        round=round, employee=province.asn_a
    )
    filling.answers_save(
        participation=participation, answers=full_answers(survey, scale_value=2), survey=survey
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
    assert SealedSubmission.objects.filter(round=round).count() == 1
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.SUBMITTED
    assert participation.draft_token is None
    assert not Draft.objects.exists()
    # Four colleagues answer too (a release needs the minimum group), then the round closes.
    for person in others:
        other = Participation.objects.select_related("round").get(round=round, employee=person)
        filling.answers_save(participation=other, answers=full_answers(survey), survey=survey)
        filling.survey_submit(participation=other)
    close_and_release(round)
    released = Response.objects.filter(round=round)
    assert released.count() == 5
    assert released.filter(answers__BP1=2).count() == 1  # the raced submission, once


def test_concurrent_autosaves_of_one_draft_lose_no_answer(transactional_db, province):
    """Eight tabs save different answers at once: the compare-and-swap keeps every one."""
    round = open_round(province)
    survey = selectors.survey_for_round(round)
    participation = Participation.objects.select_related("round").get(
        round=round, employee=province.asn_a
    )
    filling.answers_save(participation=participation, answers={"BP1": 1}, survey=survey)
    keys = ["BP2", "BP3", "AK1", "AK2", "AK3", "KO1", "KO2", "KO3"]
    barrier = threading.Barrier(len(keys))
    errors: list[str] = []

    def save(key):
        try:
            mine = Participation.objects.select_related("round").get(pk=participation.pk)
            barrier.wait(timeout=10)
            for value in (2, 3, 4):
                filling.answers_save(participation=mine, answers={key: value}, survey=survey)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    participation.refresh_from_db()
    assert draft_of(participation.draft_token) == {"BP1": 1, **dict.fromkeys(keys, 4)}
