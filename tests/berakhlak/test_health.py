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


def test_a_row_whose_file_is_missing_makes_the_health_check_degraded(
    client, province, settings, tmp_path
):
    from django.core.cache import cache
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from berakhlak.models import RosterImport

    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    name = default_storage.save("imports/roster.xlsx", ContentFile(b"x"))
    upload = RosterImport.objects.create(file=name, uploaded_by=province.admin.user)
    assert client.get(reverse("health")).status_code == 200

    (tmp_path / name).unlink()  # a restore without the media folder
    assert client.get(reverse("health")).status_code == 200  # the answer is cached 5 minutes
    cache.clear()
    response = client.get(reverse("health"))
    assert response.status_code == 200  # still serving: not taken out of the load balancer
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["files"].startswith("warning: 1 of 1 newest files missing")
    assert upload.file.name not in response.content.decode()  # counts, never names
    cache.clear()  # the cached warning must not reach later tests


def test_a_production_start_without_collectstatic_is_unhealthy(client, settings, tmp_path):
    from django.contrib.staticfiles.storage import ManifestStaticFilesStorage

    storage = ManifestStaticFilesStorage(location=tmp_path)  # an empty STATIC_ROOT
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(health, "storages", {"staticfiles": storage})
        response = client.get(reverse("health"))
    assert response.status_code == 503
    assert (
        response.json()["checks"]["static"]
        == "error: missing manifest: run collectstatic, then restart"
    )
    assert client.get(reverse("health")).json()["checks"]["static"] == "not-hashed"
