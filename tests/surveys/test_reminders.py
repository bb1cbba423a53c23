"""Reminder e-mails: only to non-responders, with a gap in days and a maximum per round."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from evaluations.models import RoundStatus
from evaluations.services import round_transition
from surveys.models import Participation
from surveys.services.reminders import reminders_send
from surveys.tasks import reminders_send_due
from tests.surveys.factories import behaviour_instrument, open_round
from tests.surveys.test_board import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round(province):
    round = open_round(province, instruments=[behaviour_instrument()])
    round.reminder_gap_days, round.reminder_max = 3, 2
    round.save()
    return round


def test_reminds_everyone_who_has_not_submitted(province, survey_round, mailoutbox):
    submit(survey_round, province.asn_a)
    assert reminders_send(round=survey_round) == 8
    recipients = {m.to[0] for m in mailoutbox}
    assert province.asn_a.email not in recipients
    assert province.asn_b.email in recipients
    message = mailoutbox[0]
    assert survey_round.name in message.subject
    assert "/survei/" in message.body
    assert "dirahasiakan" in message.body


def test_not_twice_the_same_day_and_only_after_the_gap(province, survey_round, mailoutbox):
    today = timezone.localdate()
    assert reminders_send(round=survey_round, today=today) == 9
    assert reminders_send(round=survey_round, today=today) == 0
    assert reminders_send(round=survey_round, today=today + dt.timedelta(days=2)) == 0
    assert reminders_send(round=survey_round, today=today + dt.timedelta(days=3)) == 9
    # The maximum (2) is reached: nobody gets a third one.
    assert reminders_send(round=survey_round, today=today + dt.timedelta(days=7)) == 0
    assert len(mailoutbox) == 18
    assert set(Participation.objects.values_list("reminders_sent", flat=True)) == {2}


def test_no_reminders_outside_the_window_or_when_closed(province, survey_round, mailoutbox):
    late = survey_round.survey_closes_on + dt.timedelta(days=1)
    assert reminders_send(round=survey_round, today=late) == 0
    round_transition(round=survey_round, to=RoundStatus.CLOSED)
    survey_round.refresh_from_db()
    assert reminders_send(round=survey_round) == 0
    assert mailoutbox == []


def test_people_without_email_or_inactive_are_skipped(province, survey_round, mailoutbox):
    province.asn_b.email = ""
    province.asn_b.save()
    province.asn_unit.active = False
    province.asn_unit.save()
    assert reminders_send(round=survey_round) == 7


def test_beat_task_covers_every_open_round(province, survey_round, mailoutbox):
    result = reminders_send_due()
    assert result == {str(survey_round.pk): 9}
    assert reminders_send_due() == {str(survey_round.pk): 0}
