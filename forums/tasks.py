"""Thin Celery tasks of the forums; enqueued with transaction.on_commit by forums.services."""

from __future__ import annotations

from celery import shared_task

from forums.notifications import post_notify


@shared_task(
    name="forums.post_notify",
    time_limit=5 * 60,
    soft_time_limit=4 * 60,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def forum_post_notify(post_id: int) -> int:
    """E-mail the thread's author about a reply and every member mentioned (@NIP); a post already
    notified is skipped."""
    return post_notify(post_id=post_id)
