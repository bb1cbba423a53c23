"""LKE e-mails the broker never took (Redis down), or whose worker died holding them, are sent by
the sweeper, once (berakhlak.mailing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from berakhlak.jobs import jobs_sweep
from berakhlak.mailing import CLAIM_LEASE, mail_claim
from evaluations.lke.notifications import lke_events_notify
from evaluations.models import AssessmentEvent, AssessmentStatus, EvaluatorAssignment
from tests.celery_worker import _celery_app_using
from tests.evaluations.lke_factories import first, lke_round, submitted_with_evidence

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_email_the_broker_did_not_take_is_sent_by_the_sweeper_once(province):
    setup = lke_round(province)
    with _celery_app_using("redis://127.0.0.1:1/0", eager=False):
        assessment = submitted_with_evidence(first(setup.ra_a), province.agent_a.user)
    event = AssessmentEvent.objects.get(assessment=assessment, to_status=AssessmentStatus.SUBMITTED)
    assert event.notified_at is None and not mail.outbox

    later = timezone.now() + dt.timedelta(minutes=1)
    assert jobs_sweep(now=later)["evaluations.lke_emails"] == 1  # eager again: sent now
    event.refresh_from_db()
    assert event.notified_at is not None and len(mail.outbox) == 1
    assert jobs_sweep(now=later)["evaluations.lke_emails"] == 0
    assert len(mail.outbox) == 1


def _unsent_submission(setup, round_agency, user) -> AssessmentEvent:
    with _celery_app_using("redis://127.0.0.1:1/0", eager=False):
        assessment = submitted_with_evidence(first(round_agency), user)
    return AssessmentEvent.objects.get(assessment=assessment, to_status=AssessmentStatus.SUBMITTED)


def test_an_email_claimed_by_a_worker_that_died_is_sent_once_its_claim_lapses(province):
    setup = lke_round(province)
    event = _unsent_submission(setup, setup.ra_a, province.agent_a.user)
    # A worker claimed it and died before sending.
    assert mail_claim(AssessmentEvent, [event.pk]) == [event.pk]
    assert mail_claim(AssessmentEvent, [event.pk]) == []  # a second worker cannot take it

    soon = timezone.now() + dt.timedelta(minutes=1)
    assert jobs_sweep(now=soon)["evaluations.lke_emails"] == 0  # held: maybe still sending
    assert not mail.outbox

    AssessmentEvent.objects.filter(pk=event.pk).update(
        mail_claimed_at=timezone.now() - CLAIM_LEASE - dt.timedelta(seconds=1)
    )
    assert jobs_sweep(now=soon)["evaluations.lke_emails"] == 1
    event.refresh_from_db()
    assert event.notified_at is not None and len(mail.outbox) == 1
    assert jobs_sweep(now=soon)["evaluations.lke_emails"] == 0 and len(mail.outbox) == 1


def test_a_failed_send_gives_back_only_the_groups_not_sent(province, monkeypatch):
    setup = lke_round(province)
    EvaluatorAssignment.objects.create(round_agency=setup.ra_b, evaluator=province.evaluator.user)
    sent_first = _unsent_submission(setup, setup.ra_a, province.agent_a.user)
    failed = _unsent_submission(setup, setup.ra_b, province.agent_b.user)
    calls = []

    def second_fails(self, fail_silently=False):
        calls.append(self.subject)
        if len(calls) == 2:
            raise ConnectionRefusedError("smtp down")
        return 1

    monkeypatch.setattr("django.core.mail.EmailMessage.send", second_fails)
    with pytest.raises(OSError):
        lke_events_notify(event_ids=[sent_first.pk, failed.pk])
    sent_first.refresh_from_db()
    failed.refresh_from_db()
    assert sent_first.notified_at is not None
    assert failed.notified_at is None and failed.mail_claimed_at is None  # free for the retry
    assert lke_events_notify(event_ids=[sent_first.pk, failed.pk]) == 1
    assert len(calls) == 3


def test_every_mail_task_ends_before_its_claim_lapses():
    from evaluations.tasks import lke_notify
    from forums.tasks import forum_post_notify

    for task in (lke_notify, forum_post_notify):
        assert task.time_limit < CLAIM_LEASE.total_seconds(), task.name
