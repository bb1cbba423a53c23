"""The admin's index panel: "Hitung", progress, publish, and live figures for leaders."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evaluations.models import RoundStatus
from evaluations.services import round_transition
from reports.models import IndexRun, RunStatus
from tests.reports.factories import respond, survey_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round(province):
    round = survey_round(province)
    respond(round, "DINKES", 70, count=6)
    respond(round, "DISDIK", 55, count=6)
    return round


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the on-commit hooks (the enqueued task, eager in tests) of what the block does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_hitung_computes_and_the_panel_shows_the_figures(client, province, round, commit):
    client.force_login(province.admin.user)
    with commit():
        response = client.post(
            reverse("reports:index_compute", args=[round.pk]), HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    run = IndexRun.objects.get(round=round)
    assert run.status == RunStatus.DONE and run.trigger == "MANUAL"  # eager Celery in tests
    body = client.get(reverse("reports:index_panel", args=[round.pk])).content.decode()
    assert "Angka sementara" in body and "12 jawaban" in body
    assert 'hx-trigger="every 2s"' not in body  # polling stops once done


def test_a_waiting_run_makes_the_panel_poll(client, province, round):
    IndexRun.objects.create(round=round, status=RunStatus.RUNNING, progress=60)
    client.force_login(province.admin.user)
    body = client.get(reverse("reports:index_panel", args=[round.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in body and 'value="60"' in body


def test_publish_after_the_final_compute_shows_the_round_to_leaders(
    client, province, round, commit
):
    client.force_login(province.leader_a.user)
    assert client.get(reverse("reports:dashboard_round", args=[round.pk])).status_code == 404
    round_transition(round=round, to=RoundStatus.CLOSED)
    client.force_login(province.admin.user)
    with commit():
        client.post(reverse("reports:index_compute", args=[round.pk]))
    round.refresh_from_db()
    assert round.status == RoundStatus.COMPUTED
    body = client.get(reverse("reports:index_panel", args=[round.pk])).content.decode()
    assert "Publikasikan" in body and "Angka final" in body
    client.post(reverse("reports:index_publish", args=[round.pk]))
    round.refresh_from_db()
    assert round.status == RoundStatus.PUBLISHED
    client.force_login(province.leader_a.user)
    assert client.get(reverse("reports:dashboard_round", args=[round.pk])).status_code == 200


def test_live_figures_reach_leaders_only_when_the_admin_allows(client, province, round, commit):
    client.force_login(province.admin.user)
    with commit():
        client.post(reverse("reports:index_compute", args=[round.pk]))
    url = reverse("reports:dashboard_round", args=[round.pk])
    client.force_login(province.leader_a.user)
    assert client.get(url).status_code == 404
    client.force_login(province.admin.user)
    client.post(reverse("reports:index_live", args=[round.pk]), {"live": "1"})
    client.force_login(province.leader_a.user)
    response = client.get(url)
    assert response.status_code == 200 and "Angka sementara" in response.content.decode()
    client.force_login(province.admin.user)
    client.post(reverse("reports:index_live", args=[round.pk]), {"live": "0"})
    client.force_login(province.leader_a.user)
    assert client.get(url).status_code == 404


def test_only_admins_use_the_panel(client, province, round):
    for person in (province.leader_a, province.agent_a, province.evaluator, province.asn_a):
        client.force_login(person.user)
        assert client.get(reverse("reports:index_panel", args=[round.pk])).status_code == 404
        for name in ("reports:index_compute", "reports:index_publish", "reports:index_live"):
            assert client.post(reverse(name, args=[round.pk]), {"live": "1"}).status_code == 404
    assert not IndexRun.objects.exists()
    round.refresh_from_db()
    assert round.live_to_leaders is False


def test_closing_a_round_computes_its_final_figures_at_once(province, round, commit):
    with commit():
        round_transition(round=round, to=RoundStatus.CLOSED)
    run = IndexRun.objects.get(round=round)
    assert run.status == RunStatus.DONE and not run.provisional
    round.refresh_from_db()
    assert round.status == RoundStatus.COMPUTED
