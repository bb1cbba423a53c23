"""Thin Celery tasks of the LKE; enqueued with transaction.on_commit by evaluations.lke.services."""

from __future__ import annotations

from celery import shared_task

from evaluations.lke.notifications import lke_events_notify
from evaluations.lke.opening import lke_open_due
from evaluations.lke.sweeper import evidence_orphans_quarantine


@shared_task(
    name="evaluations.lke_notify",
    time_limit=5 * 60,
    soft_time_limit=4 * 60,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def lke_notify(event_ids: list[int]) -> int:
    """E-mail the people a transition concerns; events already notified are skipped."""
    return lke_events_notify(event_ids=event_ids)


@shared_task(name="evaluations.evidence_orphans_quarantine", time_limit=30 * 60)
def evidence_orphans_sweep() -> int:
    """Daily: quarantine evidence files no row refers to (never deleted on this judgement)."""
    return len(evidence_orphans_quarantine())


@shared_task(name="evaluations.lke_open_due", time_limit=10 * 60, soft_time_limit=9 * 60)
def lke_open_due_task() -> int:
    """Every five minutes: open the LKE of rounds whose evidence window has begun."""
    return lke_open_due()
