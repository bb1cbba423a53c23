"""Project-level Celery tasks; the domain tasks live next to their services (berakhlak.roster.tasks)."""

from __future__ import annotations

import os

from celery import shared_task


@shared_task(name="berakhlak.ping", time_limit=30, soft_time_limit=25)
def ping() -> dict:
    """Answer with the pid of the process that ran it: proves a round trip through a real worker."""
    return {"pong": True, "pid": os.getpid()}


@shared_task(name="berakhlak.jobs_sweep", time_limit=60, soft_time_limit=50)
def jobs_sweep() -> dict[str, int]:
    """Every minute: restart the work of dead workers and send what the broker did not take."""
    from berakhlak.jobs import jobs_sweep as sweep

    return sweep()
