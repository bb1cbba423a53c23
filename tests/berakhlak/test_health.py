from __future__ import annotations

import pytest
from django.urls import reverse

from berakhlak.views import health

pytestmark = pytest.mark.django_db


def test_health_reports_every_check(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok" and body["checks"]["storage"] == "ok"
    assert body["checks"]["broker"] in {"ok", "eager"}


@pytest.mark.parametrize("name", ["database", "broker", "storage"])
def test_a_failing_check_gives_503_without_details(client, monkeypatch, name):
    def broken():
        raise OSError("secret detail /etc/passwd")

    monkeypatch.setitem(health.CHECKS, name, broken)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["checks"][name] == "error"
    assert "secret" not in response.content.decode()
