"""Redis away: pages that only cache keep answering (a read is a miss, a write is skipped) and
fast, because after one failure the cache is not asked again for a while."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from berakhlak.cache import ForgivingRedisCache
from evaluations.models import RoundStatus
from reports.services.compute import index_compute_now
from tests.reports.factories import respond, round_status_set, survey_round

CLOSED_PORT = {
    "default": {
        "BACKEND": "berakhlak.cache.ForgivingRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}


@pytest.fixture
def redis_away():
    ForgivingRedisCache._down_until = 0.0
    with override_settings(CACHES=CLOSED_PORT):
        yield
    ForgivingRedisCache._down_until = 0.0


def test_reads_miss_and_writes_are_skipped_fast(redis_away):
    started = time.monotonic()
    assert cache.get("k", "default") == "default"
    cache.set("k", 1, 60)
    assert cache.add("k", 1) is False and cache.get_many(["a", "b"]) == {}
    for _ in range(50):
        cache.get("k")
    assert time.monotonic() - started < 2.5  # one connect timeout, then no more waiting


@pytest.mark.django_db
def test_the_dashboard_and_the_board_answer_without_redis(client, province, redis_away):
    round = survey_round(province)
    respond(round, "DINKES", 70, count=6)
    respond(round, "DISDIK", 60, count=6)
    round_status_set(round, RoundStatus.CLOSED)
    index_compute_now(round=round)
    client.force_login(province.admin.user)
    assert client.get(reverse("reports:dashboard_round", args=[round.pk])).status_code == 200
    assert client.get(reverse("surveys:board", args=[round.pk])).status_code == 200
