"""Reminder e-mails to invited people who have not submitted yet.

Safe to run twice: each participation is claimed with a conditional UPDATE that re-checks the gap
and the maximum, so a second run on the same day (or a concurrent one) sends nothing again.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from berakhlak.jobs import job_enqueue
from berakhlak.refusals import require
from evaluations.models import Round
from evaluations.services import round_survey_window_open
from surveys.models import Participation, ParticipationStatus

logger = logging.getLogger(__name__)
BATCH = 500


def reminders_due(*, round: Round, today: dt.date) -> Q:
    gap_start = today - dt.timedelta(days=round.reminder_gap_days)
    return (
        Q(round=round, reminders_sent__lt=round.reminder_max, employee__active=True)
        & ~Q(status=ParticipationStatus.SUBMITTED)
        & ~Q(employee__email="")
        & (Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lte=gap_start))
    )


def reminders_due_count(*, round: Round, today: dt.date | None = None) -> int:
    """How many people a reminder sent now would reach (what the board's button says)."""
    today = today or timezone.localdate()
    if not round_survey_window_open(round, today) or round.reminder_max == 0:
        return 0
    return Participation.objects.filter(reminders_due(round=round, today=today)).count()


def reminders_request(*, round: Round) -> int:
    """The board's "ingatkan" button: send the reminders due now in the background; returns how
    many people they reach. Refused outside the survey's dates and when nobody is due."""
    require(
        round_survey_window_open(round),
        _("Pengingat hanya dikirim selama jadwal pengisian survei (%(opens)s sampai %(closes)s).")
        % {
            "opens": formats.date_format(round.survey_opens_on, "j F Y"),
            "closes": formats.date_format(round.survey_closes_on, "j F Y"),
        },
    )
    due = reminders_due_count(round=round)
    require(
        due,
        _(
            "Tidak ada ASN yang perlu diingatkan sekarang: semua sudah mengirim jawaban, "
            "sudah diingatkan dalam %(gap)s hari terakhir, sudah menerima %(max)s pengingat, "
            "atau tidak memiliki alamat e-mail."
        )
        % {"gap": round.reminder_gap_days, "max": round.reminder_max},
    )
    from surveys.tasks import reminders_send_due  # the task module imports this one

    job_enqueue(reminders_send_due, round.pk)
    return due


def round_email(round: Round, kind: str) -> tuple[str, str]:
    """Subject and body of a round's e-mail to every ASN (`kind`: "reminder", "invitation"), in
    the site's language: one text for all, nothing personal in it."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "round": round,
            "closes_on": formats.date_format(round.survey_closes_on, "j F Y"),
            "url": f"{settings.SITE_URL.rstrip('/')}/survei/",
        }
        subject = render_to_string(f"surveys/email/{kind}_subject.txt", context).strip()
        body = render_to_string(f"surveys/email/{kind}_body.txt", context)
    return subject, body


def reminders_send(*, round: Round, today: dt.date | None = None) -> int:
    """E-mail every due non-responder of an open round; returns how many e-mails went out."""
    today = today or timezone.localdate()
    if not round_survey_window_open(round, today) or round.reminder_max == 0:
        return 0
    due = reminders_due(round=round, today=today)
    sent = 0
    subject, body = round_email(round, "reminder")
    connection = get_connection()
    while True:
        candidates = list(
            Participation.objects.filter(due).values_list("pk", "employee__email")[:BATCH]
        )
        if not candidates:
            break
        messages = []
        for pk, email in candidates:
            # The claim: only one run can move this row past the gap check today.
            claimed = Participation.objects.filter(due, pk=pk).update(
                reminders_sent=F("reminders_sent") + 1, last_reminded_on=today
            )
            if claimed:
                messages.append(EmailMessage(subject, body, to=[email]))
        if messages:
            sent += connection.send_messages(messages) or 0
    logger.info("round %s: %s reminders sent", round.pk, sent)
    return sent
