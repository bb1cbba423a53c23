"""Every beat entry names a registered task that can be sent (limits consistent) and runs."""

from __future__ import annotations

import pytest
from django.conf import settings

from berakhlak.celery import app

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_beat_entry_sends_and_runs(entry):
    app.loader.import_default_modules()  # what a worker imports: CELERY_IMPORTS
    name = settings.CELERY_BEAT_SCHEDULE[entry]["task"]
    assert name in app.tasks, f"{entry}: task {name} is not registered (CELERY_IMPORTS?)"
    result = app.tasks[name].delay()  # eager in tests: checks the limits, then runs it
    assert result.successful(), result.traceback


def test_the_sweeper_runs_every_minute_and_knows_every_kind_of_work():
    assert settings.CELERY_BEAT_SCHEDULE["jobs-sweep"]["schedule"] <= 60
    from berakhlak.jobs import _sweeps

    assert set(_sweeps) >= {
        "berakhlak.roster_imports",
        "reports.index_runs",
        "reports.report_files",
        "surveys.releases",
    }


def test_a_message_outlives_every_task_limit_before_the_broker_redelivers_it():
    """Late acknowledgement: a task running longer than the visibility timeout would be
    delivered a second time while it still runs."""
    app.loader.import_default_modules()
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    limits = {
        name: task.time_limit or app.conf.task_time_limit
        for name, task in app.tasks.items()
        if not name.startswith("celery.")
    }
    assert all(limit and limit < visibility for limit in limits.values()), limits
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
