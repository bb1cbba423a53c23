"""The invitation e-mail sent when a round opens (an option of the opening's confirm step).

An outbox on the participations (docs/ARCHITECTURE.md §3.1): opening marks every new
participation `DUE` in the same transaction and sends the task after commit; the task claims each
row with a conditional UPDATE (`DUE` -> `SENT`) before sending, so a second or concurrent run sends
nothing again. When Redis is down, or the worker dies, the sweep of background work
(`invitations_send_unsent`, every minute) sends the task again for the rows still `DUE`. A worker
killed between the claim and the send loses that e-mail rather than sending it twice (as the LKE
e-mails). A round opened before its survey's first day sends them on that day (the sweep); once
the survey window has closed nothing is sent late.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from evaluations.models import Round, RoundStatus
from evaluations.services import round_survey_window_open
from surveys.models import InvitationEmail, Participation
from surveys.services.reminders import round_email

logger = logging.getLogger(__name__)
BATCH = 500
# Claimed rows are sent in chunks this small: a worker killed between a claim and its send loses
# at most these e-mails (never sends one twice).
SEND_CHUNK = 20
# A running send touches this key after every chunk; the sweep leaves a round alone while it is
# fresh (a national round's invitations take longer than a minute). Without the cache the
# sweep may start a second run, which only shares the work: every row is claimed once.
ALIVE_SECONDS = 90


def _alive_key(round_id: int) -> str:
    return f"undangan-berjalan:{round_id}"


def invitations_send(*, round: Round, today: dt.date | None = None) -> int:
    """E-mail the invitation to every participation of the round still `DUE`; how many went out."""
    due = Participation.objects.filter(round=round, invitation_email=InvitationEmail.DUE)
    today = today or timezone.localdate()
    if not round_survey_window_open(round, today):  # before the first day: the sweep waits
        return 0
    # Nobody to write to: the row leaves the outbox (the board's reminders skip them too).
    due.filter(employee__email="").update(invitation_email=InvitationEmail.NONE)
    subject, body = round_email(round, "invitation")
    connection = get_connection()
    sent = 0
    while True:
        candidates = list(due.values_list("pk", "employee__email")[:BATCH])
        if not candidates:
            break
        for start in range(0, len(candidates), SEND_CHUNK):
            messages = []
            for pk, email in candidates[start : start + SEND_CHUNK]:
                if due.filter(pk=pk).update(invitation_email=InvitationEmail.SENT):  # the claim
                    messages.append(EmailMessage(subject, body, to=[email]))
            if messages:
                sent += connection.send_messages(messages) or 0
            cache.set(_alive_key(round.pk), 1, ALIVE_SECONDS)
    cache.delete(_alive_key(round.pk))
    logger.info("round %s: %s invitations sent", round.pk, sent)
    return sent


def invitations_send_unsent(now: dt.datetime) -> int:
    """The sweep (berakhlak.jobs, every minute): send the task again for each open round whose
    invitations still wait a little after the opening (the broker never took the message, or
    the worker died); a duplicate finds the rows claimed and sends nothing."""
    from berakhlak.jobs import SEND_GRACE, job_send
    from surveys.tasks import invitations_send_for_round

    today = timezone.localdate(now)
    rounds = list(
        Round.objects.filter(
            status=RoundStatus.OPEN,
            opened_at__lt=now - SEND_GRACE,
            survey_opens_on__lte=today,
            survey_closes_on__gte=today,
            pk__in=Participation.objects.filter(invitation_email=InvitationEmail.DUE).values(
                "round_id"
            ),
        ).values_list("pk", flat=True)
    )
    rounds = [pk for pk in rounds if cache.get(_alive_key(pk)) is None]  # running: leave it be
    for pk in rounds:
        job_send(invitations_send_for_round, pk)
    return len(rounds)
