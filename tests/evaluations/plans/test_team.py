"""The culture team and roadmap services (evaluations/plans/team.py), and what an approved plan
fixes of its actions (services.action_save): every refusal with its reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from berakhlak.models import CoreValue
from berakhlak.refusals import Refused
from evaluations.plans import services, team
from evaluations.plans.models import ActionStatus, CultureTeam, RoadmapYear, TeamRole
from tests.evaluations.plans.test_plans import published, ra  # noqa: F401 - fixture
from tests.surveys.factories import core_values_ensure

pytestmark = pytest.mark.django_db


def test_the_team_is_written_by_its_editors_only(province):
    agency = province.agency_a
    for outsider in (province.agent_b, province.asn_a, province.evaluator):
        with pytest.raises(Refused, match="Hanya agen perubahan"):
            team.team_sk_save(agency=agency, by=outsider.user, sk_number="1", sk_date=None)
    assert not CultureTeam.objects.exists()
    saved = team.team_sk_save(
        agency=agency, by=province.agent_a.user, sk_number="800/12", sk_date=dt.date(2026, 1, 5)
    )
    assert (saved.sk_number, saved.sk_date) == ("800/12", dt.date(2026, 1, 5))


def test_members_come_from_the_agency_and_the_team_has_one_leader(province):
    agency, by = province.agency_a, province.agent_a.user
    with pytest.raises(Refused, match="tidak ada di unit ini"):
        team.team_member_set(agency=agency, by=by, nip=province.asn_b.nip, role=TeamRole.MEMBER)
    with pytest.raises(Refused, match="tidak ada di unit ini"):
        team.team_member_set(agency=agency, by=by, nip=province.asn_a.nip, role="BOSS")
    leader = team.team_member_set(
        agency=agency, by=by, nip=province.asn_a.nip, role=TeamRole.LEADER
    )
    # A unit below the agency counts; a NIP typed with spaces too.
    spaced = " ".join(province.asn_unit.nip[i : i + 6] for i in range(0, 18, 6))
    team.team_member_set(agency=agency, by=by, nip=spaced, role=TeamRole.MEMBER)
    with pytest.raises(Refused, match="sudah memiliki ketua"):
        team.team_member_set(agency=agency, by=by, nip=province.asn_unit.nip, role=TeamRole.LEADER)
    # The leader may be set again (a role change of the same person).
    team.team_member_set(agency=agency, by=by, nip=province.asn_a.nip, role=TeamRole.LEADER)
    team.team_member_remove(agency=province.agency_b, by=province.agent_b.user, member_id=leader.pk)
    assert CultureTeam.objects.get(agency=agency).members.count() == 2  # not another agency's
    team.team_member_remove(agency=agency, by=by, member_id=leader.pk)
    assert CultureTeam.objects.get(agency=agency).members.count() == 1


def test_a_roadmap_has_a_row_per_year_and_only_its_agency_edits_them(province):
    core_values_ensure()  # a transactional test before may have emptied the catalogue
    roadmap = team.roadmap_create(
        agency=province.agency_a,
        by=province.agent_a.user,
        title="Peta jalan",
        start_year=2025,
        end_year=2029,
    )
    assert list(roadmap.years.values_list("year", flat=True)) == [2025, 2026, 2027, 2028, 2029]
    year = RoadmapYear.objects.get(roadmap=roadmap, year=2026)
    with pytest.raises(Refused, match="bukan bagian"):
        team.roadmap_year_save(
            agency=province.agency_b,
            by=province.agent_b.user,
            year=year,
            milestones="x",
            focus=["AD"],
        )
    team.roadmap_year_save(
        agency=province.agency_a,
        by=province.agent_a.user,
        year=year,
        milestones="  Pelatihan  ",
        focus=["AD", "KL"],
    )
    year.refresh_from_db()
    assert year.milestones == "Pelatihan"
    assert set(year.focus_values.values_list("code", flat=True)) == {"AD", "KL"}


def test_the_team_page_does_not_write_on_a_get_and_keeps_refusals_as_messages(client, province):
    client.force_login(province.agent_a.user)
    url = reverse("evaluations:plan_team", args=[province.agency_a.code])
    assert client.get(url).status_code == 200
    assert not CultureTeam.objects.exists()
    response = client.post(url, {"op": "member", "nip": province.asn_b.nip, "role": "MEMBER"})
    body = response.content.decode()
    assert response.status_code == 400 and "tidak ada di unit ini" in body
    assert f'value="{province.asn_b.nip}"' in body  # what was typed stays
    assert '<option value="MEMBER" selected>' in body
    # Bad ids are no ids: nothing happens, nothing breaks.
    assert client.post(url, {"op": "year", "year": "x"}).status_code == 404
    assert client.post(url, {"op": "remove", "member": "1; drop"}).status_code == 302
    # A refused roadmap shows its errors; the SK form still shows what is stored.
    team.team_sk_save(
        agency=province.agency_a, by=province.agent_a.user, sk_number="800/7", sk_date=None
    )
    response = client.post(
        url,
        {
            "op": "roadmap",
            "roadmap-title": "Peta",
            "roadmap-start_year": "2030",
            "roadmap-end_year": "2025",
        },
    )
    body = response.content.decode()
    assert (
        response.status_code == 400 and "paling lama 10 tahun" in body and 'value="800/7"' in body
    )


def test_an_approved_plan_keeps_its_shape_and_the_work_goes_on(province, published):  # noqa: F811
    by = province.agent_a.user
    plan = services.plan_start(round_agency=ra(published), by=by)
    today = timezone.localdate()
    action = services.action_save(
        plan=plan,
        by=by,
        value=CoreValue.objects.get(code="AD"),
        description="Pelatihan",
        start_date=today,
        due_date=today + dt.timedelta(days=30),
        target="100 pegawai",
        status=ActionStatus.PLANNED,
        progress=0,
        checklist=[],
        owner=province.agent_a,
    )
    services.plan_submit(plan=plan, by=by)
    services.plan_approve(plan=plan, by=province.leader_a.user)
    plan.refresh_from_db()
    action = services.action_save(
        plan=plan,
        by=by,
        action=action,
        description="Diubah",
        target="1 pegawai",
        due_date=today,
        status=ActionStatus.IN_PROGRESS,
        progress=50,
        link=("Notulen", "https://example.org/notulen"),
    )
    action.refresh_from_db()
    assert (action.description, action.target, action.due_date) == (
        "Pelatihan",
        "100 pegawai",
        today + dt.timedelta(days=30),
    )
    assert (action.status, action.progress) == (ActionStatus.IN_PROGRESS, 50)
    assert list(action.links.values_list("title", flat=True)) == ["Notulen"]
