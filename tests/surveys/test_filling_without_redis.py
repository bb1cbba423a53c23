"""Autosave and submit never depend on Redis: with the broker and the cache unreachable, an
answer is saved and a submission is sealed as usual (README "Keandalan")."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from surveys import selectors
from surveys.models import Participation, ParticipationStatus
from tests.celery_worker import _celery_app_using
from tests.surveys.factories import full_answers, open_round, submissions_of

pytestmark = pytest.mark.django_db
CLOSED_PORT = "redis://127.0.0.1:1/0"
NO_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CLOSED_PORT,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def test_autosave_and_submit_work_with_redis_down(client, province, settings):
    round = open_round(province)
    participation = Participation.objects.get(round=round, employee=province.asn_a)
    survey = selectors.survey_for_round(round)
    client.force_login(province.asn_a.user)
    settings.CACHES = NO_CACHE
    with _celery_app_using(CLOSED_PORT, eager=False):
        started = time.monotonic()
        for key, value in full_answers(survey).items():
            values = value if isinstance(value, list) else [value]
            saved = client.post(
                reverse("surveys:fill_autosave", args=[participation.pk]),
                {"q": key, key: values},
                HTTP_HX_REQUEST="true",
            )
            assert saved.status_code == 200 and "Tersimpan" in saved.content.decode(), key
        submitted = client.post(reverse("surveys:fill_submit", args=[participation.pk]))
        assert submitted.status_code == 302 and submitted["Location"].endswith("/tanda-terima/")
        assert time.monotonic() - started < 30
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.SUBMITTED
    assert len(submissions_of(round)) == 1
