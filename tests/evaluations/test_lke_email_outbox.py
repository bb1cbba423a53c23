"""LKE e-mails the broker never took (Redis down) are sent by the sweeper, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from berakhlak.jobs import jobs_sweep
from evaluations.models import AssessmentEvent, AssessmentStatus
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
