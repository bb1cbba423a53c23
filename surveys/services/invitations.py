"""The invitation e-mail sent when a round opens (an option of the opening's confirm step).

An outbox on the participations (docs/ARCHITECTURE.md §3.1): opening marks every new
participation `DUE` in the same transaction and sends the task after commit; the task claims each
row (`invitation_claimed_at`, a conditional UPDATE) just before its chunk is sent and marks it
`SENT` just after, so a second or concurrent run sends nothing again. When Redis is down, or the
worker dies, the sweep of background work (`invitations_send_unsent`, every minute) sends the task
again for the rows still `DUE`; a dead worker's claims lapse after `CLAIM_LEASE`, as the LKE
e-mails' do (at least once, berakhlak.mailing). A round opened before its survey's first day sends them on that day (the sweep); once
the survey window has closed nothing is sent late.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone

from berakhlak.mailing import CLAIM_LEASE
from evaluations.models import Round, RoundStatus
from evaluations.services import round_survey_window_open
from surveys.models import InvitationEmail, Participation
from surveys.services.reminders import round_email

logger = logging.getLogger(__name__)
BATCH = 500
# Claimed rows are sent in chunks this small, so that a chunk's send (each message may wait
# EMAIL_TIMEOUT for the mail server) always ends before its claims lapse (a test checks it).
SEND_CHUNK = 10
# A running send touches this key after every chunk; the sweep leaves a round alone while it is
# fresh (a national round's invitations take longer than a minute). Without the cache the
# sweep may start a second run, which only shares the work: every row is claimed once.
ALIVE_SECONDS = 90


def _alive_key(round_id: int) -> str:
    return f"undangan-berjalan:{round_id}"


def invitation_pending(now: dt.datetime) -> Q:
    """Participations owed their invitation that no live worker holds (berakhlak.mailing's
    lease: a claim older than CLAIM_LEASE belongs to a worker that died)."""
    return Q(invitation_email=InvitationEmail.DUE) & (
        Q(invitation_claimed_at__isnull=True) | Q(invitation_claimed_at__lt=now - CLAIM_LEASE)
    )


def _send_chunk(connection, subject: str, body: str, chunk: list[tuple[int, str]]) -> int:
    """Claim, send, mark sent; a failed send gives the claims back for the retry or the sweep."""
    held = [
        (pk, email)
        for pk, email in chunk
        if Participation.objects.filter(invitation_pending(timezone.now()), pk=pk).update(
            invitation_claimed_at=timezone.now()
        )
    ]
    if not held:
        return 0
    pks = [pk for pk, _email in held]
    try:
        sent = connection.send_messages([EmailMessage(subject, body, to=[e]) for _pk, e in held])
    except OSError:
        Participation.objects.filter(pk__in=pks).update(invitation_claimed_at=None)
        raise
    Participation.objects.filter(pk__in=pks).update(invitation_email=InvitationEmail.SENT)
    return sent or 0


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
        candidates = list(
            Participation.objects.filter(invitation_pending(timezone.now()), round=round)
            .order_by("pk")
            .values_list("pk", "employee__email")[:BATCH]
        )
        if not candidates:
            break
        for start in range(0, len(candidates), SEND_CHUNK):
            sent += _send_chunk(connection, subject, body, candidates[start : start + SEND_CHUNK])
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
            pk__in=Participation.objects.filter(invitation_pending(now)).values("round_id"),
        ).values_list("pk", flat=True)
    )
    rounds = [pk for pk in rounds if cache.get(_alive_key(pk)) is None]  # running: leave it be
    for pk in rounds:
        job_send(invitations_send_for_round, pk)
    return len(rounds)
