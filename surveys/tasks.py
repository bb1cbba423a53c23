"""Thin Celery tasks of the survey; the work is in surveys.services."""

from __future__ import annotations

from celery import shared_task

from evaluations.models import Round, RoundStatus
from surveys.services.reminders import reminders_send


@shared_task(name="surveys.reminders_send_due", time_limit=30 * 60, soft_time_limit=29 * 60)
def reminders_send_due(round_id: int | None = None) -> dict:
    """Send due reminders for one round, or for every open round (the daily beat entry)."""
    rounds = Round.objects.filter(status=RoundStatus.OPEN)
    if round_id is not None:
        rounds = rounds.filter(pk=round_id)
    return {str(r.pk): reminders_send(round=r) for r in rounds}


@shared_task(name="surveys.responses_release_due", time_limit=30 * 60, soft_time_limit=29 * 60)
def responses_release_due() -> list[int]:
    """Release the waiting submissions of closed rounds (the safety net; closing a round releases
    them at once through its index computation)."""
    from surveys.services.release import responses_release_due as release_due

    return release_due()
