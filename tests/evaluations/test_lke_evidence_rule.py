"""One rule for adding evidence to an LKE criterion (evaluations.lke.permissions.can_add_evidence),
whatever makes the file: the LKE's own upload, a forum's attendance list, the culture team of the
action plans. Every refused state is refused the same way on the three paths, and nothing is
written; the allowed states store the file and its history as the LKE upload does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from evaluations.lke import selectors
from evaluations.models import Assessment, AssessmentEvent, EventKind, Evidence, Round, RoundStatus
from evaluations.plans import services as plan_services
from evaluations.plans.models import CultureTeam, CultureTeamMember, TeamRole
from forums import services as forum_services
from forums.models import Event, Forum
from forums.models import EventKind as ForumEventKind
from tests.evaluations.lke_factories import PDF, first, force_status, lke_round
from tests.forums.conftest import member

pytestmark = pytest.mark.django_db

PATHS = ("lke", "forum", "plans")
TODAY = timezone.localdate()


class World:
    pass


@pytest.fixture
def world(province):
    w = World()
    w.province = province
    w.setup = lke_round(province)
    w.target = first(w.setup.ra_a, "1.3")
    w.forum = Forum.objects.create(name="FOSKO Uji", slug="fosko-uji", root=province.root)
    member(w.forum, province.agent_a, province.agency_a)
    member(w.forum, province.leader_a, province.agency_a)  # a member, but no change agent
    now = timezone.now()
    w.event = Event.objects.create(
        forum=w.forum,
        kind=ForumEventKind.TRAINING,
        title="Pelatihan",
        place="Aula",
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=3),
    )
    forum_services.event_check_in(
        event=w.event, by=province.agent_a.user, code=w.event.checkin_code
    )
    team = CultureTeam.objects.create(agency=province.agency_a, sk_number="800/1/2026")
    CultureTeamMember.objects.create(team=team, employee=province.agent_a, role=TeamRole.AGENT)
    return w


def attach(client, w, path: str, user, assessment_id: int) -> str:
    """Add a file on one path; "" when stored, otherwise the reason (or "404" for the LKE's
    outsiders)."""
    try:
        if path == "forum":
            forum_services.attendance_to_evidence(
                event=w.event, by=user, assessment_id=assessment_id
            )
        elif path == "plans":
            plan_services.team_as_evidence(
                user=user, agency=w.province.agency_a, assessment_id=assessment_id
            )
        else:
            client.force_login(user)
            response = client.post(
                reverse("evaluations:lke_evidence_upload", args=[assessment_id]),
                {
                    "file_1": SimpleUploadedFile("bukti.pdf", PDF, "application/pdf"),
                    "description_1": "Bukti uji",
                },
            )
            if response.status_code == 404:
                return "404"
            if response.status_code == 302:
                return ""
            assert response.status_code == 400
            return response.content.decode()
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def finished(w, status: str):
    Assessment.objects.filter(pk=w.target.pk).update(
        status=status, self_answer="YA", evaluator_answer="YA", final_answer="YA"
    )


def round_update(w, **fields):
    Round.objects.filter(pk=w.setup.round.pk).update(**fields)


def revision(w, *, deadline=None):
    force_status(w.target, "REVISION_REQUESTED")
    Assessment.objects.filter(pk=w.target.pk).update(
        revision_deadline=deadline or TODAY + dt.timedelta(days=7)
    )


# state -> (how to set it up, the reason the rule gives)
REFUSED = {
    "outside_the_evidence_window": (
        lambda w: round_update(
            w,
            evidence_opens_on=TODAY - dt.timedelta(days=10),
            evidence_closes_on=TODAY - dt.timedelta(days=1),
        ),
        "Masa unggah bukti adalah",
    ),
    "draft_in_a_closed_round": (
        lambda w: round_update(w, status=RoundStatus.CLOSED),
        "tidak sedang dibuka",
    ),
    "revision_once_the_round_is_computed": (
        lambda w: (revision(w), round_update(w, status=RoundStatus.COMPUTED)),
        "Putaran sudah selesai",
    ),
    "revision_past_its_deadline": (
        lambda w: revision(w, deadline=TODAY - dt.timedelta(days=1)),
        "Batas waktu perbaikan",
    ),
    "submitted": (lambda w: force_status(w.target, "SUBMITTED"), "sudah diajukan"),
    "resubmitted": (lambda w: force_status(w.target, "RESUBMITTED"), "sudah diajukan"),
    "in_review": (lambda w: force_status(w.target, "IN_REVIEW"), "sudah diajukan"),
    "scored": (lambda w: force_status(w.target, "SCORED"), "sudah diajukan"),
    "final": (lambda w: finished(w, "FINAL"), "sudah diajukan"),
    "appealed": (lambda w: finished(w, "APPEALED"), "sudah diajukan"),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("state", sorted(REFUSED))
def test_every_refused_state_is_refused_alike_on_every_path(client, world, path, state):
    arrange, reason = REFUSED[state]
    arrange(world)
    user = world.province.agent_a.user
    assert reason in attach(client, world, path, user, world.target.pk)
    assert not Evidence.objects.exists()
    assert world.target.pk not in {
        a.pk for a in selectors.evidence_targets(user, world.province.agency_a)
    }
    assert not AssessmentEvent.objects.filter(kind=EventKind.EVIDENCE_ADDED).exists()


@pytest.mark.parametrize("path", PATHS)
def test_only_the_change_agent_of_the_agency(client, world, path):
    leader = world.province.leader_a.user
    result = attach(client, world, path, leader, world.target.pk)
    assert result == "404" if path == "lke" else "Hanya agen perubahan unit ini" in result
    assert selectors.evidence_targets(leader, world.province.agency_a) == []
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("path", PATHS)
def test_never_another_agencys_criterion(client, world, path):
    other = first(world.setup.ra_b, "1.3")
    result = attach(client, world, path, world.province.agent_a.user, other.pk)
    assert (
        result == "404"
        if path == "lke"
        else f"bukan milik LKE {world.province.agency_a.name}" in result
    )
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("path", PATHS)
def test_a_missing_criterion_is_refused_and_never_created(client, world, path):
    agent = world.province.agent_a.user
    gone = world.target.pk
    Assessment.objects.filter(round_agency=world.setup.ra_a).delete()
    result = attach(client, world, path, agent, gone)
    assert result == "404" if path == "lke" else "tidak ada di LKE" in result
    assert selectors.evidence_targets(agent, world.province.agency_a) == []
    # The forum's event page and the plans' team page read the targets; they create no rows.
    client.force_login(agent)
    assert (
        client.get(reverse("forums:event", args=[world.forum.slug, world.event.pk])).status_code
        == 200
    )
    assert client.get(reverse("evaluations:plan_team", args=["DINKES"])).status_code == 200
    assert not Assessment.objects.filter(round_agency=world.setup.ra_a).exists()
    assert not Evidence.objects.exists()


def _stored_like_the_lke_upload(w, agent):
    evidence = Evidence.objects.get()
    assert evidence.assessment_id == w.target.pk and evidence.uploaded_by == agent
    assert evidence.sha256 and evidence.size > 0 and evidence.file.name
    event = AssessmentEvent.objects.get(kind=EventKind.EVIDENCE_ADDED)
    assert event.assessment_id == w.target.pk and event.actor == agent
    assert event.after["id"] == evidence.pk and event.after["sha256"] == evidence.sha256
    fresh = Assessment.objects.get(pk=w.target.pk)
    assert fresh.version == w.target.version + 1 and fresh.updated_by == agent


@pytest.mark.parametrize("path", PATHS)
def test_a_draft_inside_the_open_window_takes_the_file(client, world, path):
    agent = world.province.agent_a.user
    assert world.target.pk in {
        a.pk for a in selectors.evidence_targets(agent, world.province.agency_a)
    }
    assert attach(client, world, path, agent, world.target.pk) == ""
    _stored_like_the_lke_upload(world, agent)


@pytest.mark.parametrize("path", PATHS)
def test_a_requested_revision_takes_the_file_after_the_round_closed(client, world, path):
    """The LKE lets an agency fix what the evaluator returned while the round is closed, before
    the deadline; the plans path used to refuse every round but an open one."""
    revision(world)
    round_update(world, status=RoundStatus.CLOSED)
    world.target.refresh_from_db()
    agent = world.province.agent_a.user
    assert [a.pk for a in selectors.evidence_targets(agent, world.province.agency_a)] == [
        world.target.pk
    ]
    assert attach(client, world, path, agent, world.target.pk) == ""
    _stored_like_the_lke_upload(world, agent)


def _pages(client, w, user) -> tuple[str, str]:
    client.force_login(user)
    forum = client.get(reverse("forums:event", args=[w.forum.slug, w.event.pk])).content.decode()
    plans = client.get(reverse("evaluations:plan_team", args=["DINKES"])).content.decode()
    return forum, plans


def test_the_pages_say_why_nothing_can_be_attached(client, world):
    agent, leader = world.province.agent_a.user, world.province.leader_a.user
    agency = world.province.agency_a
    assert selectors.evidence_targets_none_reason(agent, agency) == ""
    forum, plans = _pages(client, world, agent)
    assert 'data-testid="evidence-form"' in forum and 'data-testid="evidence-none"' not in plans
    for page in _pages(client, world, leader):
        assert "Hanya agen perubahan" in page and 'name="assessment"' not in page
    round_update(world, status=RoundStatus.CLOSED)
    reason = selectors.evidence_targets_none_reason(agent, agency)
    assert "Belum ada kriteria LKE" in reason and "tidak sedang dibuka" in reason
    for page in _pages(client, world, agent):
        assert "tidak sedang dibuka" in page and 'name="assessment"' not in page
    round_update(world, status=RoundStatus.OPEN)
    Assessment.objects.filter(round_agency=world.setup.ra_a).delete()
    for page in _pages(client, world, agent):
        assert "belum dibuka" in page
