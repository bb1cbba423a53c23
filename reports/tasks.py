"""Thin Celery tasks of the indices; the work and the state are in reports.services.compute.

Register in settings: CELERY_IMPORTS += ["reports.tasks"] and the beat entry
"reports-compute-due" (reports.index_compute_due, every 5 minutes). Runs and report files left by
a dead worker are restarted by the one sweeper, berakhlak.jobs (registered in reports/apps.py).
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from reports.services import compute

TIME_LIMIT_SECONDS = int(compute.TASK_TIME_LIMIT.total_seconds())


@shared_task(
    name="reports.index_compute_for_round",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=TIME_LIMIT_SECONDS,
    soft_time_limit=TIME_LIMIT_SECONDS - 30,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=5 * 60,
    retry_jitter=True,
    max_retries=compute.MAX_ATTEMPTS,
)
def index_compute_for_round(round_id: int) -> dict | None:
    """Compute the round's waiting run; a second delivery finds nothing to claim and returns."""
    run = compute.index_run_execute(round_id=round_id)
    if run is None:
        return None
    return {"run": run.pk, "status": run.status, "figures": run.figures.count()}


@shared_task(name="reports.index_compute_due", time_limit=5 * 60, soft_time_limit=4 * 60 + 30)
def index_compute_due() -> list[int]:
    return compute.index_compute_due()


@shared_task(
    name="reports.report_build",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=10 * 60,
    soft_time_limit=9 * 60,
)
def report_build(report_id: str) -> bool:
    """Build one requested PDF or Excel report (reports.printing.services)."""
    from reports.printing.services import report_file_build

    return report_file_build(report_id) is not None


@shared_task(
    name="reports.instrument_quality_build",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=30 * 60,
    soft_time_limit=29 * 60,
)
def instrument_quality_build(quality_id: int) -> bool:
    """Compute one requested instrument quality (reports.services.quality)."""
    from reports.services.quality import instrument_quality_build as build

    return build(quality_id) is not None


@shared_task(name="reports.report_files_expire", time_limit=10 * 60, soft_time_limit=9 * 60)
def report_files_expire() -> int:
    """Hourly: delete generated reports past their expiry."""
    from reports.printing.services import report_files_expire as expire

    return expire()
