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
