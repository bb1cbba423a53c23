"""Thin Celery tasks of the survey; the work is in surveys.services."""

from __future__ import annotations

import logging

from celery import shared_task

from evaluations.models import Round, RoundStatus
from surveys import sums
from surveys.services.reminders import reminders_send

logger = logging.getLogger(__name__)


@shared_task(name="surveys.reminders_send_due", time_limit=30 * 60, soft_time_limit=29 * 60)
def reminders_send_due(round_id: int | None = None) -> dict:
    """Send due reminders for one round, or for every open round (the daily beat entry)."""
    rounds = Round.objects.filter(status=RoundStatus.OPEN)
    if round_id is not None:
        rounds = rounds.filter(pk=round_id)
    return {str(r.pk): reminders_send(round=r) for r in rounds}


@shared_task(name="surveys.invitations_send_for_round", time_limit=60 * 60, soft_time_limit=59 * 60)
def invitations_send_for_round(round_id: int) -> int:
    """The invitation e-mails of one opened round (safe to run twice: rows are claimed)."""
    from surveys.services.invitations import invitations_send

    round = Round.objects.filter(pk=round_id).first()
    return invitations_send(round=round) if round is not None else 0


# A national round's release opens and writes millions of sheets: far longer than other tasks.
RELEASE_TIME_LIMIT = 2 * 60 * 60


@shared_task(
    name="surveys.responses_release_for_round",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=RELEASE_TIME_LIMIT,
    soft_time_limit=RELEASE_TIME_LIMIT - 60,
)
def responses_release_for_round(round_id: int) -> str | None:
    """Release one closed round's waiting submissions (safe to run twice: the second finds
    nothing waiting; a killed run rolls back and the periodic task sends it again)."""
    from surveys.services.release import ReleaseRefused, responses_release

    round = Round.objects.filter(pk=round_id).first()
    if round is None:
        return None
    try:
        result = responses_release(round=round)
    except ReleaseRefused:
        return "FAILED"  # recorded on the round, with the reason
    return result.status if result else None


@shared_task(name="surveys.responses_release_due", time_limit=5 * 60, soft_time_limit=4 * 60 + 30)
def responses_release_due() -> list[int]:
    """Send the release of each closed round that still has waiting submissions and no release
    running (the safety net; closing a round sends it at once, and the sweep of background work
    calls the same service every minute)."""
    from surveys.services.release import releases_send_waiting

    return releases_send_waiting()


@shared_task(name="surveys.response_sums_check", time_limit=60 * 60, soft_time_limit=59 * 60)
def response_sums_check() -> dict:
    """The nightly check of the cell sums the database keeps (surveys.sums): every round against
    a fresh scan of its responses. A difference is logged as an error with its cells and left
    for an operator (`manage.py response_sums --repair`): the triggers should make it impossible,
    so one means something wrote around them, and repairing it silently would hide that."""
    rounds = Round.objects.order_by("pk").values_list("pk", flat=True)
    differing = {}
    for round_id in rounds:
        problems = sums.drift(round_id)
        if problems:
            differing[str(round_id)] = len(problems)
            logger.error(
                "cell sums of round %s differ from a scan: %s", round_id, "; ".join(problems[:20])
            )
    return differing
