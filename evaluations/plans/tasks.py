"""Beat task: reminder e-mails for actions due within a week and for late actions."""

from __future__ import annotations

from celery import shared_task

from evaluations.plans.services import action_reminders_send


@shared_task(name="evaluations.action_reminders", time_limit=10 * 60, soft_time_limit=9 * 60)
def action_reminders() -> int:
    return action_reminders_send()
