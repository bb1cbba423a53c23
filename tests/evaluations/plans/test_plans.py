"""Agenda perubahan: scoping, suggestions from published figures only, derived lateness,
reminders once per due date, the board and the export, closing the loop."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from berakhlak.models import CoreValue
from berakhlak.refusals import Refused
from evaluations.models import RoundAgency, RoundStatus
from evaluations.plans import services
from evaluations.plans.models import Action, ActionPlan, ActionStatus, PlanStatus
from reports.services.compute import index_compute_now
from tests.reports.factories import respond, round_status_set, survey_round

pytestmark = pytest.mark.django_db
WEAK = {"BP": 80, "AK": 76, "KO": 70, "HA": 68, "LO": 66, "AD": 40, "KL": 62}


def computed_round(province, *, publish: bool = True):
    round = survey_round(province)
    respond(round, "DINKES", WEAK, count=6)
    respond(round, "DISDIK", 70, count=6)
    round_status_set(round, RoundStatus.CLOSED)
    index_compute_now(round=round)
    round.refresh_from_db()
    return round_status_set(round, RoundStatus.PUBLISHED) if publish else round


@pytest.fixture
def published(province):
    return computed_round(province)


def ra(round, code="DINKES") -> RoundAgency:
    return RoundAgency.objects.select_related("round__root", "agency").get(round=round, code=code)


def test_suggestions_are_the_weak_band_and_the_two_lowest_values(published):
    suggested = services.suggestions(ra(published))
    codes = [s.value.code for s in suggested]
    assert codes[:2] == ["AD", "KL"]  # AD 40 (band C) and the second lowest, KL 62
    assert next(s for s in suggested if s.value.code == "AD").band == "C"
    assert set(codes) == {"AD", "KL"}


def test_no_suggestions_before_publication(province):
    round = computed_round(province, publish=False)
    assert round.status == RoundStatus.COMPUTED
    assert services.suggestions(ra(round)) == []
    with pytest.raises(Refused):
        services.plan_start(round_agency=ra(round), by=province.agent_a.user)


def test_an_agency_edits_only_its_own_plan(province, published):
    plan = services.plan_start(round_agency=ra(published), by=province.agent_a.user)
    with pytest.raises(Refused):
        services.plan_start(round_agency=ra(published), by=province.agent_b.user)
    value = CoreValue.objects.get(code="AD")
    with pytest.raises(Refused):
        services.action_from_suggestion(plan=plan, value=value, by=province.agent_b.user)
    with pytest.raises(Refused):
        services.action_from_suggestion(plan=plan, value=value, by=province.evaluator.user)
    services.action_from_suggestion(plan=plan, value=value, by=province.agent_a.user)
    assert plan.actions.count() == 1


def test_leaders_approve_only_in_scope(province, published):
    plan = services.plan_start(round_agency=ra(published), by=province.agent_a.user)
    action = services.action_from_suggestion(
        plan=plan, value=CoreValue.objects.get(code="AD"), by=province.agent_a.user
    )
    today = timezone.localdate()
    services.action_save(
        plan=plan,
        by=province.agent_a.user,
        action=action,
        description="Coaching",
        owner=province.agent_a,
        start_date=today,
        due_date=today,
        target="4 sesi",
    )
    services.plan_submit(plan=plan, by=province.agent_a.user)
    for outsider in (province.leader_b, province.agent_a, province.admin):
        with pytest.raises(Refused):
            services.plan_approve(plan=plan, by=outsider.user)
    plan = services.plan_approve(plan=plan, by=province.leader_a.user)
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == province.leader_a.user
    # Once approved, no new actions; the work on the existing ones goes on.
    with pytest.raises(Refused):
        services.action_from_suggestion(
            plan=plan, value=CoreValue.objects.get(code="KL"), by=province.agent_a.user
        )


def test_lateness_is_derived_from_the_date(province, published):
    plan = services.plan_start(round_agency=ra(published), by=province.agent_a.user)
    today = timezone.localdate()
    action = services.action_save(
        plan=plan,
        by=province.agent_a.user,
        value=CoreValue.objects.get(code="AD"),
        description="Pelatihan adaptasi digital",
        start_date=today,
        due_date=today + dt.timedelta(days=10),
        target="100 pegawai",
        status=ActionStatus.IN_PROGRESS,
        progress=40,
        checklist=[],
    )
    assert not action.is_late()
    with time_machine.travel(timezone.now() + dt.timedelta(days=11), tick=False):
        assert action.is_late() and action.state() == "LATE"
        rows = services.board_rows(published)
        assert next(r for r in rows if r.round_agency.code == "DINKES").late == 1
    action = services.action_save(
        plan=plan, by=province.agent_a.user, action=action, status=ActionStatus.DONE
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=11), tick=False):
        assert not action.is_late() and action.progress == 100


def approved_with_action(province, round, due_in: int) -> Action:
    plan = services.plan_start(round_agency=ra(round), by=province.agent_a.user)
    today = timezone.localdate()
    action = services.action_save(
        plan=plan,
        by=province.agent_a.user,
        value=CoreValue.objects.get(code="AD"),
        description="Coaching clinic",
        start_date=today,
        due_date=today + dt.timedelta(days=due_in),
        target="4 sesi",
        status=ActionStatus.PLANNED,
        progress=0,
        checklist=[],
        owner=province.agent_a,
    )
    services.plan_submit(plan=plan, by=province.agent_a.user)
    services.plan_approve(plan=plan, by=province.leader_a.user)
    return action


def test_reminders_are_sent_once_per_due_date(province, published):
    action = approved_with_action(province, published, due_in=3)
    assert services.action_reminders_send() == 1
    assert province.agent_a.email in mail.outbox[-1].bcc and "Tenggat" in mail.outbox[-1].subject
    assert services.action_reminders_send() == 0  # same day, rerun
    later = timezone.now() + dt.timedelta(days=5)
    with time_machine.travel(later, tick=False):
        assert services.action_reminders_send() == 1  # now late: one "late" reminder
        assert "Terlambat" in mail.outbox[-1].subject
        assert services.action_reminders_send() == 0
    Action.objects.filter(pk=action.pk).update(due_date=action.due_date + dt.timedelta(days=20))
    with time_machine.travel(later + dt.timedelta(days=18), tick=False):
        assert services.action_reminders_send() == 1  # a new due date gets its own reminder


def test_board_shows_states_and_the_export_is_formula_safe(client, province, published):
    action = approved_with_action(province, published, due_in=30)
    Action.objects.filter(pk=action.pk).update(description='=HYPERLINK("http://x")')
    client.force_login(province.admin.user)
    body = client.get(reverse("evaluations:plans_board")).content.decode()
    assert 'data-testid="board-DINKES"' in body and "Sesuai jadwal" in body
    assert "Belum ada rencana" in body  # DISDIK
    response = client.get(reverse("evaluations:plans_export", args=[published.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Rencana Aksi"]
    assert sheet["A2"].value == "DINKES" and sheet["E2"].data_type == "s"
    # a header a person reads, frozen and filtered; dates are dates; the codes in "Kolom"
    assert sheet["A1"].value == "Kode unit" and sheet["H1"].value == "Tenggat"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:L")
    assert isinstance(sheet["H2"].value, dt.datetime) and sheet["H2"].number_format == "dd/mm/yyyy"
    assert ("Rencana Aksi", "Tenggat", "tenggat") in set(
        workbook["Kolom"].iter_rows(min_row=2, values_only=True)
    )
    client.force_login(province.leader_b.user)
    body = client.get(reverse("evaluations:plans_board")).content.decode()
    assert 'data-testid="board-DINKES"' not in body and 'data-testid="board-DISDIK"' in body
    assert client.get(reverse("evaluations:plans_export", args=[published.pk])).status_code == 404


def test_pages_are_scoped(client, province, published):
    url = reverse("evaluations:plan_detail", args=[ra(published).pk])
    for person, status in (
        (province.agent_a, 200),
        (province.leader_a, 200),
        (province.admin, 200),
        (province.agent_b, 404),
        (province.leader_b, 404),
        (province.asn_a, 404),
    ):
        client.force_login(person.user)
        assert client.get(url).status_code == status, person.name
    client.force_login(province.agent_b.user)
    client.post(url, {"op": "start"})
    assert not ActionPlan.objects.exists()


def test_the_next_round_shows_actions_and_the_change_per_value(province, published):
    action = approved_with_action(province, published, due_in=30)
    services.action_save(
        plan=action.plan, by=province.agent_a.user, action=action, status=ActionStatus.DONE
    )
    later = survey_round(province)
    type(later).objects.filter(pk=later.pk).update(year=published.year + 1)
    respond(later, "DINKES", {**WEAK, "AD": 55}, count=6)
    round_status_set(later, RoundStatus.CLOSED)
    index_compute_now(round=later)
    round_status_set(later, RoundStatus.PUBLISHED)
    loops = services.actions_by_value(province.agency_a, published)
    assert [
        (loop.value.code, float(loop.before), float(loop.after), float(loop.change))
        for loop in loops
    ] == [("AD", 40.0, 55.0, 15.0)]


def test_the_agency_report_of_the_next_round_shows_the_follow_up(province, published):
    from pypdf import PdfReader

    from reports.printing.services import report_bytes

    action = approved_with_action(province, published, due_in=30)
    services.action_save(
        plan=action.plan, by=province.agent_a.user, action=action, status=ActionStatus.DONE
    )
    later = survey_round(province)
    type(later).objects.filter(pk=later.pk).update(year=published.year + 1)
    later.refresh_from_db()
    respond(later, "DINKES", {**WEAK, "AD": 55}, count=6)
    round_status_set(later, RoundStatus.CLOSED)
    index_compute_now(round=later)
    round_status_set(later, RoundStatus.PUBLISHED)
    content = report_bytes(round=later, agency=ra(later), format="pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Tindak lanjut hasil" in text and "Coaching clinic" in text and "+15,0" in text


def test_the_culture_team_becomes_lke_evidence_in_one_click(client, province):
    from evaluations.models import Evidence
    from evaluations.plans.models import CultureTeam, CultureTeamMember, TeamRole
    from tests.evaluations.lke_factories import lke_round

    setup = lke_round(province)
    team = CultureTeam.objects.create(agency=province.agency_a, sk_number="800/1/2026")
    CultureTeamMember.objects.create(team=team, employee=province.agent_a, role=TeamRole.AGENT)
    target = setup.ra_a.assessments.get(criterion__code="1.3")
    client.force_login(province.agent_a.user)
    url = reverse("evaluations:plan_team", args=["DINKES"])
    client.post(url, {"op": "evidence", "assessment": target.pk})
    evidence = Evidence.objects.get(assessment=target)
    assert evidence.original_name == "tim-budaya-kerja.pdf" and "800/1/2026" in evidence.description
    # Another agency's criterion cannot be the target.
    other = setup.ra_b.assessments.get(criterion__code="1.3")
    client.post(url, {"op": "evidence", "assessment": other.pk})
    assert not Evidence.objects.filter(assessment=other).exists()
    client.force_login(province.agent_b.user)
    assert client.get(url).status_code == 404


def test_a_suggestion_stores_no_text_and_blocks_submission_until_filled(
    client, province, published
):
    by = province.agent_a.user
    plan = services.plan_start(round_agency=ra(published), by=by)
    action = services.action_from_suggestion(
        plan=plan, value=CoreValue.objects.get(code="AD"), by=by
    )
    assert (action.description, action.target, action.start_date, action.owner) == (
        "",
        "",
        None,
        None,
    )
    assert not action.is_late()
    with pytest.raises(services.PlanIncomplete) as refused:
        services.plan_submit(plan=plan, by=by)
    assert refused.value.gaps == {
        action.pk: [
            "uraian kegiatan masih usulan kosong: tulis kegiatannya",
            "penanggung jawab belum dipilih",
            "tanggal mulai dan tenggat belum diisi",
            "indikator target belum diisi",
        ]
    }
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT

    client.force_login(by)
    url = reverse("evaluations:plan_detail", args=[plan.round_agency_id])
    response = client.post(url, {"op": "submit"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "1 kegiatan belum lengkap" in body and 'data-testid="gaps-AD"' in body
    assert "penanggung jawab belum dipilih" in body

    today = timezone.localdate()
    services.action_save(
        plan=plan,
        by=by,
        action=action,
        description="Coaching",
        target="4 sesi",
        owner=province.agent_a,
        start_date=today,
        due_date=today,
    )
    assert client.post(url, {"op": "submit"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_the_suggestion_is_a_hint_in_the_readers_language(client, province, published):
    by = province.agent_a.user
    plan = services.plan_start(round_agency=ra(published), by=by)
    action = services.action_from_suggestion(
        plan=plan, value=CoreValue.objects.get(code="AD"), by=by
    )
    client.force_login(by)
    url = reverse("evaluations:plan_action", args=[action.pk])
    body = client.get(url).content.decode()
    assert 'placeholder="Program penguatan nilai Adaptif: ..."' in body
    assert f'value="{timezone.localdate().isoformat()}"' in body  # proposed dates, not stored
    client.cookies["django_language"] = "en"
    body = client.get(url).content.decode()
    translation.activate(settings.LANGUAGE_CODE)  # the request left English active
    assert "Programme to strengthen" in body
