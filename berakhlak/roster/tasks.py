"""Thin Celery wrappers around berakhlak.roster.services (imported by berakhlak.tasks)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from berakhlak.roster import services

TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "time_limit": 10 * 60,
    "soft_time_limit": 9 * 60 + 30,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 3,
}


@shared_task(name="roster.import_preview", **TASK_OPTIONS)
def roster_import_preview_task(import_id: str) -> None:
    try:
        services.roster_import_preview(import_id=import_id)
    except OperationalError:
        raise
    except Exception:
        services.roster_import_fail(import_id=import_id)
        raise


@shared_task(name="roster.import_apply", **TASK_OPTIONS)
def roster_import_apply_task(import_id: str) -> None:
    try:
        services.roster_import_apply(import_id=import_id)
    except OperationalError:
        raise
    except Exception:
        services.roster_import_fail(import_id=import_id)
        raise
