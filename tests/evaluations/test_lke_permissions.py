"""Permission matrix of the LKE: every role x every action x own / other / unassigned agency.

own = agency A (DINKES: agent_a's agency, assigned to the evaluator), other = agency B (DISDIK:
agent_b's agency), unassigned = Biro Organisasi (no change agent, no evaluator). A denial is a 404
for every action, so outsiders cannot even learn that an object exists.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from berakhlak.models import Role
from evaluations.lke import permissions
from evaluations.models import AssessmentStatus
from tests.evaluations.lke_factories import (
    PDF,
    evidence_direct,
    first,
    force_status,
    lke_round,
)
from tests.factories import grant

pytestmark = pytest.mark.django_db
S = AssessmentStatus

PEOPLE = ("admin", "evaluator", "agent_a", "agent_b", "leader_a", "leader_b", "asn_a", "asn_b")
AGENCIES = ("own", "other", "unassigned")
ACTIONS = (
    "view_workspace",
    "view_criterion",
    "download",
    "self_save",
    "upload",
    "submit_all",
    "review",
    "finalise",
    "audit",
)

# Who may, per action, on which agency (others: 404).
ALLOWED = {
    "view_workspace": {"admin": AGENCIES, "evaluator": ("own",), "agent_a": ("own",), "agent_b": ("other",)},
    "view_criterion": {"admin": AGENCIES, "evaluator": ("own",), "agent_a": ("own",), "agent_b": ("other",)},
    "download": {"admin": AGENCIES, "evaluator": ("own",), "agent_a": ("own",), "agent_b": ("other",)},
    "self_save": {"agent_a": ("own",), "agent_b": ("other",)},
    "upload": {"agent_a": ("own",), "agent_b": ("other",)},
    "submit_all": {"agent_a": ("own",), "agent_b": ("other",)},
    "review": {"evaluator": ("own",)},
    "finalise": {"admin": AGENCIES, "evaluator": ("own",)},
    "audit": {"admin": AGENCIES, "evaluator": ("own",), "agent_a": ("own",), "agent_b": ("other",)},
}  # fmt: skip


@pytest.fixture
def world(province):
    setup = lke_round(province)
    world = {"setup": setup, "targets": {}}
    for label, ra in (("own", setup.ra_a), ("other", setup.ra_b), ("unassigned", setup.ra_biro)):
        a = force_status(first(ra), S.SUBMITTED)
        evidence = evidence_direct(a, province.admin.user)
        world["targets"][label] = (ra, a, evidence)
    return world


def _request(client, action, ra, a, evidence):
    url = {
        "view_workspace": reverse("evaluations:lke_workspace", args=[ra.pk]),
        "view_criterion": reverse("evaluations:lke_assessment", args=[a.pk]),
        "download": reverse("evaluations:lke_evidence_download", args=[evidence.pk]),
        "self_save": reverse("evaluations:lke_self_save", args=[a.pk]),
        "upload": reverse("evaluations:lke_evidence_upload", args=[a.pk]),
        "submit_all": reverse("evaluations:lke_submit_all", args=[ra.pk]),
        "review": reverse("evaluations:lke_review_action", args=[a.pk]),
        "finalise": reverse("evaluations:lke_finalise", args=[a.pk]),
        "audit": reverse("evaluations:lke_audit", args=[ra.pk]),
    }[action]
    if action in ("view_workspace", "view_criterion", "download", "audit"):
        return client.get(url)
    data = {
        "version": a.version,
        "self_answer": "YA",
        "self_narrative": "x",
        "action": "save",
        "evaluator_answer": "YA",
        "evaluator_notes": "",
        "recommendation": "",
        "final_answer": "YA",
        "final_reason": "",
    }
    if action == "upload":
        data = {"file_1": SimpleUploadedFile("bukti.pdf", PDF), "description_1": "Bukti"}
    return client.post(url, data)


@pytest.mark.parametrize("person", PEOPLE)
def test_permission_matrix(client, province, world, person):
    client.force_login(getattr(province, person).user)
    mismatches = []
    for action in ACTIONS:
        for label in AGENCIES:
            ra, a, evidence = world["targets"][label]
            expected = label in ALLOWED[action].get(person, ())
            status = _request(client, action, ra, a, evidence).status_code
            if (status != 404) != expected:
                mismatches.append(
                    f"{action} on {label}: got {status}, expected {'access' if expected else '404'}"
                )
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("person", ("leader_a", "asn_a", "leader_b", "asn_b"))
def test_people_without_an_lke_role_get_404_on_every_entry_page(client, province, world, person):
    client.force_login(getattr(province, person).user)
    round = world["setup"].round
    for url in (
        reverse("evaluations:lke_home"),
        reverse("evaluations:lke_review_queue"),
        reverse("evaluations:lke_worksheet", args=[round.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_evaluator_grant_without_assignment_is_not_enough(client, province, world):
    _ra, a, _evidence = world["targets"]["unassigned"]
    grant(province.evaluator.user, Role.EVALUATOR, province.biro)
    client.force_login(province.evaluator.user)
    assert client.get(reverse("evaluations:lke_assessment", args=[a.pk])).status_code == 404


def test_revoking_the_evaluator_role_ends_the_assignment(client, province, world):
    _ra, a, _evidence = world["targets"]["own"]
    province.evaluator.user.role_grants.all().delete()
    client.force_login(province.evaluator.user)
    assert client.get(reverse("evaluations:lke_assessment", args=[a.pk])).status_code == 404


def test_evaluator_never_sees_a_draft(client, province, world):
    setup = world["setup"]
    draft = first(setup.ra_a, "1.2")
    assert draft.status == S.DRAFT
    client.force_login(province.evaluator.user)
    assert client.get(reverse("evaluations:lke_assessment", args=[draft.pk])).status_code == 404
    workspace = client.get(reverse("evaluations:lke_workspace", args=[setup.ra_a.pk]))
    assert 'data-testid="criterion-1.2"' not in workspace.content.decode()
    queue = client.get(reverse("evaluations:lke_review_queue"))
    assert queue.status_code == 200
    assert (
        f'href="{reverse("evaluations:lke_assessment", args=[draft.pk])}"'
        not in queue.content.decode()
    )


def test_admin_pages_and_entry_points_for_the_roles_that_have_them(client, province, world):
    round = world["setup"].round
    for person, url in (
        ("admin", reverse("evaluations:lke_worksheet", args=[round.pk])),
        ("admin", reverse("evaluations:lke_home")),
        ("agent_a", reverse("evaluations:lke_home")),
        ("evaluator", reverse("evaluations:lke_home")),
        ("evaluator", reverse("evaluations:lke_review_queue")),
    ):
        client.force_login(getattr(province, person).user)
        assert client.get(url).status_code == 200, (person, url)
    for person in ("agent_a", "evaluator"):
        client.force_login(getattr(province, person).user)
        assert client.get(reverse("evaluations:lke_worksheet", args=[round.pk])).status_code == 404


def test_decisions_give_a_reason(province, world):
    _ra, a, _evidence = world["targets"]["other"]
    decision = permissions.can_self_assess(province.agent_a.user, a)
    assert not decision and "agen perubahan unit ini" in decision.reason
