"""The optional appeal window: a change agent contests a final score once; an evaluator decides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from berakhlak.refusals import Refused
from evaluations import scoring
from evaluations.lke import services
from evaluations.models import AssessmentEvent, AssessmentStatus, Round
from evaluations.services import round_appeal_window_set
from tests.evaluations.lke_factories import first, lke_round, submitted_with_evidence

pytestmark = pytest.mark.django_db
S = AssessmentStatus


def final(province, round_agency, answer="TIDAK"):
    evaluator = province.evaluator.user
    a = submitted_with_evidence(first(round_agency), province.agent_a.user)
    a = services.assessment_score(
        assessment=a, by=evaluator, version=a.version, answer=answer, notes="", recommendation=""
    )
    return services.assessment_finalise(
        assessment=a, by=evaluator, version=a.version, answer=answer, reason="SK belum berlaku."
    )


def with_window(round: Round, start: int = 0, end: int = 5) -> Round:
    today = timezone.localdate()
    return round_appeal_window_set(
        round=round, opens=today + dt.timedelta(days=start), closes=today + dt.timedelta(days=end)
    )


@pytest.fixture
def setup(province):
    return lke_round(province)


def test_without_a_window_there_is_no_appeal(province, setup):
    a = final(province, setup.ra_a)
    with pytest.raises(Refused, match="tidak memiliki masa sanggah"):
        services.assessment_appeal(
            assessment=a, by=province.agent_a.user, version=a.version, reason="Keberatan"
        )


def test_appeal_accepted_changes_the_final_score_with_a_reason_and_audit(
    province, setup, django_capture_on_commit_callbacks
):
    with_window(setup.round)
    a = final(province, setup.ra_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        a = services.assessment_appeal(
            assessment=a,
            by=province.agent_a.user,
            version=a.version,
            reason="SK berlaku sejak Januari; lihat lampiran.",
        )
    assert a.status == S.APPEALED and a.appealed_at is not None
    assert any(province.evaluator.email in m.bcc for m in mail.outbox)
    assert "disanggah" in mail.outbox[-1].subject
    # An appealed criterion is not final: the institutional index waits for the decision.
    assert scoring.institutional_indices(setup.round).get(setup.ra_a.agency_id) is None

    a = services.assessment_appeal_decide(
        assessment=a,
        by=province.evaluator.user,
        version=a.version,
        accept=True,
        answer="YA",
        reason="Bukti tanggal berlaku diterima.",
    )
    assert (a.status, a.final_answer, a.final_reason) == (
        S.FINAL,
        "YA",
        "Bukti tanggal berlaku diterima.",
    )
    events = list(AssessmentEvent.objects.filter(assessment=a).order_by("pk"))
    assert [e.to_status for e in events[-2:]] == [S.APPEALED, S.FINAL]
    assert events[-1].before == {"final_answer": "TIDAK", "final_reason": "SK belum berlaku."}
    assert events[-1].after["final_answer"] == "YA"


def test_appeal_only_once_and_only_inside_the_window(province, setup):
    with_window(setup.round)
    a = final(province, setup.ra_a)
    a = services.assessment_appeal(
        assessment=a, by=province.agent_a.user, version=a.version, reason="Keberatan"
    )
    a = services.assessment_appeal_decide(
        assessment=a,
        by=province.evaluator.user,
        version=a.version,
        accept=False,
        answer="",
        reason="Bukti tidak menunjukkan SK berlaku.",
    )
    assert (a.status, a.final_answer) == (S.FINAL, "TIDAK")
    with pytest.raises(Refused, match="satu kali"):
        services.assessment_appeal(
            assessment=a, by=province.agent_a.user, version=a.version, reason="Lagi"
        )


def test_appeal_outside_the_window_is_refused(province, setup):
    with_window(setup.round, start=3, end=6)
    a = final(province, setup.ra_a)
    with pytest.raises(Refused, match="Masa sanggah adalah"):
        services.assessment_appeal(
            assessment=a, by=province.agent_a.user, version=a.version, reason="Keberatan"
        )


def test_only_the_agencys_agent_appeals_and_only_assigned_evaluators_decide(province, setup):
    with_window(setup.round)
    a = final(province, setup.ra_a)
    for outsider in (province.agent_b, province.leader_a, province.evaluator):
        with pytest.raises(Refused):
            services.assessment_appeal(
                assessment=a, by=outsider.user, version=a.version, reason="X"
            )
    a = services.assessment_appeal(
        assessment=a, by=province.agent_a.user, version=a.version, reason="Keberatan"
    )
    for outsider in (province.agent_a, province.leader_a, province.agent_b):
        with pytest.raises(Refused):
            services.assessment_appeal_decide(
                assessment=a,
                by=outsider.user,
                version=a.version,
                accept=False,
                answer="",
                reason="X",
            )


def test_the_window_is_validated(province, setup):
    today = timezone.localdate()
    with pytest.raises(Refused):
        round_appeal_window_set(round=setup.round, opens=today, closes=None)
    with pytest.raises(Refused):
        round_appeal_window_set(round=setup.round, opens=today, closes=today - dt.timedelta(1))
    round_appeal_window_set(round=setup.round, opens=None, closes=None)


def test_agent_and_evaluator_use_the_appeal_in_the_pages(client, province, setup):
    with_window(setup.round)
    a = final(province, setup.ra_a)
    url = reverse("evaluations:lke_assessment", args=[a.pk])
    client.force_login(province.agent_a.user)
    assert "Ajukan sanggahan" in client.get(url).content.decode()
    response = client.post(
        reverse("evaluations:lke_appeal", args=[a.pk]),
        {"version": a.version, "appeal_reason": ""},
    )
    assert response.status_code == 400 and "alasan sanggahan" in response.content.decode()
    client.post(
        reverse("evaluations:lke_appeal", args=[a.pk]),
        {"version": a.version, "appeal_reason": "SK berlaku."},
    )
    a.refresh_from_db()
    assert a.status == S.APPEALED

    client.force_login(province.evaluator.user)
    assert "Putuskan sanggahan" in client.get(url).content.decode()
    client.post(
        reverse("evaluations:lke_appeal_decide", args=[a.pk]),
        {"version": a.version, "decision": "accept", "final_answer": "YA", "reason": "Diterima."},
    )
    a.refresh_from_db()
    assert (a.status, a.final_answer) == (S.FINAL, "YA")

    client.force_login(province.agent_b.user)
    assert client.post(reverse("evaluations:lke_appeal", args=[a.pk])).status_code == 404


def test_admin_sets_the_window_from_the_lke_page(client, province, setup):
    client.force_login(province.admin.user)
    today = timezone.localdate()
    client.post(
        reverse("evaluations:lke_appeal_window", args=[setup.round.pk]),
        {
            "appeal_opens_on": today.isoformat(),
            "appeal_closes_on": (today + dt.timedelta(3)).isoformat(),
        },
    )
    setup.round.refresh_from_db()
    assert setup.round.appeal_closes_on == today + dt.timedelta(3)
    client.force_login(province.leader_a.user)
    response = client.post(reverse("evaluations:lke_appeal_window", args=[setup.round.pk]), {})
    assert response.status_code == 404


def test_a_malformed_appeal_date_is_refused_and_nothing_changes(client, province, setup):
    client.force_login(province.admin.user)
    response = client.post(
        reverse("evaluations:lke_appeal_window", args=[setup.round.pk]),
        {"appeal_opens_on": "31-02-2026", "appeal_closes_on": ""},
        follow=True,
    )
    assert "tidak valid" in response.content.decode()
    setup.round.refresh_from_db()
    assert setup.round.appeal_opens_on is None and setup.round.appeal_closes_on is None
