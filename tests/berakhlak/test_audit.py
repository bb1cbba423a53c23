"""One audit channel (docs/ARCHITECTURE.md §10): one registration place, every governance change
recorded with its actor (request, service call or task alike), and never a survey answer."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from berakhlak import audit
from berakhlak.models import CoreValue, Role
from berakhlak.services import role_grant_create, role_grant_revoke
from evaluations.lke import assignments, opening
from evaluations.lke import worksheet_edit as edit
from evaluations.models import Criterion, EvaluatorAssignment, RoundAgency, RoundStatus, Worksheet
from evaluations.plans import services as plans
from evaluations.services import (
    round_appeal_window_set,
    round_live_to_leaders_set,
    round_transition,
    round_update,
)
from reports.services.compute import index_compute_now
from surveys import selectors
from surveys.models import Participation
from surveys.services import filling
from surveys.services import instruments as instrument_services
from tests.evaluations.plans.test_plans import computed_round, ra
from tests.evaluations.test_round_states import draft_round
from tests.factories import EmployeeFactory
from tests.reports.factories import respond, survey_round
from tests.surveys.factories import (
    behaviour_instrument,
    close_and_release,
    full_answers,
    open_round,
)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
CREATE, UPDATE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE


def entries(obj, action=None):
    found = LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")
    return found.filter(action=action) if action is not None else found


def last_entry(obj, action=UPDATE) -> LogEntry:
    entry = entries(obj, action).last()
    assert entry is not None, f"no audit entry for {obj!r}"
    return entry


# --- one registration place ---------------------------------------------------------------------


def test_auditlog_registration_happens_only_in_berakhlak_audit():
    pattern = re.compile(
        r"auditlog\.register\b|register_from_settings|AUDITLOG_INCLUDE_TRACKING_MODELS"
        r"|AUDITLOG_INCLUDE_ALL_MODELS|@auditlog\b"
    )
    offenders = []
    for app in ("berakhlak", "evaluations", "surveys", "reports", "forums"):
        for path in (ROOT / app).rglob("*.py"):
            if path == ROOT / "berakhlak" / "audit.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_registry_is_exactly_the_list_and_never_a_survey_answer():
    registered = {model._meta.label for model in auditlog.get_models()}
    assert registered == set(audit.AUDITED)
    assert not registered & audit.NEVER_AUDITED
    for label in audit.NEVER_AUDITED:
        assert not auditlog.contains(apps.get_model(label)), label
    # Of the survey app, only the instrument definitions are audited.
    assert {label for label in registered if label.startswith("surveys.")} == {
        "surveys.Instrument",
        "surveys.Item",
        "surveys.Option",
        "surveys.RoundInstrument",
    }


def test_registering_a_survey_model_is_refused(monkeypatch):
    monkeypatch.setitem(audit.AUDITED, "surveys.Draft", {})
    with pytest.raises(RuntimeError, match=r"surveys\.Draft"):
        audit.register_all()
    assert not auditlog.contains(apps.get_model("surveys", "Draft"))


def test_filling_submitting_and_releasing_a_survey_leaves_no_log_entry(province):
    people = [province.asn_a, province.asn_unit, province.asn_b] + [
        EmployeeFactory(agency=province.agency_a) for _ in range(3)
    ]
    round = open_round(province, instruments=[behaviour_instrument()])
    survey = selectors.survey_for_round(round)
    before = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for person in people:
        participation = Participation.objects.select_related("round").get(
            round=round, employee=person
        )
        with audit.acting_as(person.user):  # as in a request: the middleware's actor is set
            filling.answers_save(participation=participation, answers=full_answers(survey))
            filling.survey_submit(participation=participation)
    close_and_release(round)
    answers = [
        ContentType.objects.get_for_model(apps.get_model(label)) for label in audit.NEVER_AUDITED
    ]
    assert not LogEntry.objects.filter(content_type__in=answers).exists()
    # Nothing at all was logged while people answered; closing the round is the only entry.
    new = LogEntry.objects.filter(pk__gt=before)
    assert not new.filter(actor__in=[person.user for person in people]).exists()
    assert {entry.content_type.model for entry in new} <= {"round"}


# --- rounds ---------------------------------------------------------------------------------------


def test_round_create_update_and_thresholds_are_recorded_with_the_actor(province):
    round = draft_round(province)
    created = last_entry(round, CREATE)
    assert created.actor == province.admin.user
    assert "min_group" in created.changes_dict and "live_to_leaders" in created.changes_dict
    other_admin = EmployeeFactory(agency=province.biro).user
    round_update(
        round=round,
        by=other_admin,
        name="Evaluasi Ubah",
        min_group=7,
        min_respondents=9,
        band_a_min=Decimal("80"),
    )
    entry = last_entry(round)
    assert entry.actor == other_admin
    assert {"name", "min_group", "min_respondents", "band_a_min"} <= set(entry.changes_dict)
    assert entry.changes_dict["min_group"] == ["5", "7"]


def test_round_transition_is_recorded_with_the_actor_even_outside_a_request(province):
    round = open_round(province, instruments=[behaviour_instrument()])
    opened = last_entry(round)
    assert opened.actor == province.admin.user  # round_open(by=admin)
    assert opened.changes_dict["status"] == [RoundStatus.DRAFT, RoundStatus.OPEN]
    round_transition(round=round, to=RoundStatus.CLOSED, by=province.admin.user)
    closed = last_entry(round)
    assert closed.actor == province.admin.user
    assert closed.changes_dict["status"] == [RoundStatus.OPEN, RoundStatus.CLOSED]
    # A task or the beat (no acting user) is recorded without an actor, not as someone else.
    round_transition(round=round, to=RoundStatus.OPEN)
    assert last_entry(round).actor is None


def test_the_worker_records_the_computed_round_as_done_by_who_asked(province):
    round = survey_round(province)
    respond(round, "DINKES", 70, count=6)
    round_transition(round=round, to=RoundStatus.CLOSED, by=province.admin.user)
    round.refresh_from_db()
    other_admin = EmployeeFactory(agency=province.biro).user
    index_compute_now(round=round, by=other_admin)  # the Celery task's code path, in process
    round.refresh_from_db()
    assert round.status == RoundStatus.COMPUTED
    entry = last_entry(round)
    assert entry.actor == other_admin
    assert entry.changes_dict["status"] == [RoundStatus.CLOSED, RoundStatus.COMPUTED]


def test_the_live_figures_switch_is_a_service_recorded_with_the_actor(client, province):
    round = open_round(province, instruments=[behaviour_instrument()])
    client.force_login(province.admin.user)
    client.post(reverse("reports:index_live", args=[round.pk]), {"live": "1"})
    round.refresh_from_db()
    assert round.live_to_leaders is True
    entry = last_entry(round)
    assert entry.actor == province.admin.user
    assert entry.changes_dict == {"live_to_leaders": ["False", "True"]}
    other_admin = EmployeeFactory(agency=province.biro).user
    round_live_to_leaders_set(round=round, live=False, by=other_admin)
    entry = last_entry(round)
    assert entry.actor == other_admin and entry.changes_dict == {
        "live_to_leaders": ["True", "False"]
    }


# --- LKE worksheet and assignments ---------------------------------------------------------------


def test_worksheet_edits_are_recorded_with_the_actor(client, province):
    round = draft_round(province)
    worksheet = opening.worksheet_create_default(round=round, by=province.admin.user)
    assert last_entry(worksheet, CREATE).actor == province.admin.user
    criterion = Criterion.objects.filter(component__worksheet=worksheet).order_by("pk").first()
    component = criterion.component
    with audit.acting_as(province.admin.user):  # a view: the middleware's actor
        edit.component_update(component=component, name="Komponen Ubah", description="x")
    entry = last_entry(component)
    assert entry.actor == province.admin.user and "name" in entry.changes_dict
    # Through the page: the request's actor.
    client.force_login(province.admin.user)
    url = reverse("evaluations:lke_component_edit", args=[round.pk, component.pk])
    response = client.post(url, {"name": "Lewat Halaman", "description": "y"})
    assert response.status_code in (200, 302)
    component.refresh_from_db()
    assert component.name == "Lewat Halaman"
    entry = last_entry(component)
    assert entry.actor == province.admin.user
    assert entry.changes_dict["name"] == ["Komponen Ubah", "Lewat Halaman"]
    opening.worksheet_freeze(worksheet=worksheet, by=province.admin.user)
    worksheet = Worksheet.objects.get(pk=worksheet.pk)
    assert "frozen_at" in last_entry(worksheet).changes_dict


def test_moves_bulk_contents_appeal_window_and_revocation_carry_the_actor(province):
    """Changes that bypass a model's save (queryset updates, bulk inserts) and the services that
    took no acting user: each leaves an entry with the actor who called it, outside a request."""
    round = draft_round(province)
    worksheet = opening.worksheet_create_default(round=round, by=province.admin.user)
    bulk = last_entry(worksheet)
    assert bulk.actor == province.admin.user and "criteria" in bulk.changes_dict

    other = EmployeeFactory(agency=province.biro).user
    second = worksheet.components.get(order=2)
    edit.component_move(component=second, step=-1, by=other)
    entry = last_entry(second)
    assert entry.actor == other and entry.changes_dict == {"order": ["2", "1"]}
    criterion = second.criteria.get(order=2)
    edit.criterion_move(criterion=criterion, step=-1, by=other)
    assert last_entry(criterion).actor == other
    edit.criterion_delete(criterion=criterion, by=province.admin.user)
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Criterion),
        object_pk=str(criterion.pk),
        action=LogEntry.Action.DELETE,
        actor=province.admin.user,
    ).exists()

    edit.worksheet_contents_replace(worksheet=worksheet, components=[], by=other)
    entry = last_entry(worksheet)
    assert entry.actor == other and entry.changes_dict["criteria"][1] == "0 komponen, 0 kriteria"

    round_appeal_window_set(
        round=round, opens=round.review_closes_on, closes=round.review_closes_on, by=other
    )
    assert last_entry(round).actor == other

    grant = role_grant_create(
        user=EmployeeFactory(agency=province.agency_a).user,
        role=Role.LEADER,
        agency=province.agency_a,
        granted_by=province.admin.user,
    )
    grant_pk = grant.pk
    role_grant_revoke(grant=grant, by=other)
    assert LogEntry.objects.filter(
        object_pk=str(grant_pk), action=LogEntry.Action.DELETE, actor=other
    ).exists()


def test_evaluator_assignment_is_recorded_with_the_actor(province):
    round = open_round(province, instruments=[behaviour_instrument()])
    round_agency = RoundAgency.objects.get(round=round, agency=province.agency_a)
    assignment = assignments.evaluator_assign(
        round_agency=round_agency, evaluator=province.evaluator.user, by=province.admin.user
    )
    entry = last_entry(assignment, CREATE)
    assert entry.actor == province.admin.user and "evaluator" in entry.changes_dict
    assert assignments.evaluator_unassign(
        round_agency=round_agency, evaluator=province.evaluator.user
    )
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(EvaluatorAssignment),
        object_pk=str(assignment.pk),
        action=LogEntry.Action.DELETE,
    ).exists()


# --- action plans ---------------------------------------------------------------------------------


def test_plan_create_and_approve_are_recorded_with_the_actor(province):
    round = computed_round(province)
    plan = plans.plan_start(round_agency=ra(round), by=province.agent_a.user)
    assert last_entry(plan, CREATE).actor == province.agent_a.user
    action = plans.action_from_suggestion(
        plan=plan, value=CoreValue.objects.get(code="AD"), by=province.agent_a.user
    )
    assert last_entry(action, CREATE).actor == province.agent_a.user
    today = timezone.localdate()
    plans.action_save(
        plan=plan,
        by=province.agent_a.user,
        action=action,
        description="Coaching clinic",
        owner=province.agent_a,
        start_date=today,
        due_date=today,
        target="4 sesi",
    )
    plans.plan_submit(plan=plan, by=province.agent_a.user)
    assert last_entry(plan).actor == province.agent_a.user
    plans.plan_approve(plan=plan, by=province.leader_a.user)
    entry = last_entry(plan)
    assert entry.actor == province.leader_a.user
    assert {"status", "approved_by", "approved_at"} <= set(entry.changes_dict)


# --- instruments ----------------------------------------------------------------------------------


def test_instrument_changes_are_recorded_with_the_actor(client, province):
    instrument = behaviour_instrument()
    item = instrument.items.order_by("order").first()
    with audit.acting_as(province.admin.user):
        instrument_services.item_update(
            item=item, code=item.code, text="Teks baru", guide=item.guide, reverse=True
        )
    entry = last_entry(item)
    assert entry.actor == province.admin.user
    assert {"text", "reverse"} <= set(entry.changes_dict)
    client.force_login(province.admin.user)
    client.post(reverse("surveys:instrument_version", args=[instrument.pk]))
    copy = instrument.__class__.objects.filter(code=instrument.code).order_by("-version").first()
    assert copy.version == instrument.version + 1  # made by the page: the request's actor
    assert last_entry(copy, CREATE).actor == province.admin.user
    contents = last_entry(copy)
    assert contents.actor == province.admin.user and contents.changes_dict["contents"][
        1
    ].startswith(f"{instrument.items.count()} butir")


def test_instrument_moves_and_imports_carry_the_actor_outside_a_request(province):
    """A move is a bulk update and an import bulk inserts: entries of their own, with `by`."""
    from surveys.services.instrument_excel import instrument_export_bytes, instrument_import

    instrument = behaviour_instrument()
    copy = instrument_services.instrument_new_version(instrument=instrument, by=province.admin.user)
    second = copy.items.get(order=2)
    instrument_services.item_move(item=second, step=-1, by=province.admin.user)
    entry = last_entry(second)
    assert entry.actor == province.admin.user and entry.changes_dict == {"order": ["2", "1"]}
    instrument_import(
        instrument=copy,
        fileobj=io.BytesIO(instrument_export_bytes(copy)),
        by=province.evaluator.user,
    )
    assert last_entry(copy).actor == province.evaluator.user


# --- roles ---------------------------------------------------------------------------------------


def test_role_grants_are_recorded_with_the_granting_user(province):
    person = EmployeeFactory(agency=province.agency_a)
    grant = role_grant_create(
        user=person.user,
        role=Role.LEADER,
        agency=province.agency_a,
        granted_by=province.admin.user,
    )
    assert last_entry(grant, CREATE).actor == province.admin.user


# --- the actor helper -----------------------------------------------------------------------------


def test_acting_as_inside_a_request_context_restores_the_request_actor(province):
    round = draft_round(province)
    other = EmployeeFactory(agency=province.biro).user
    with set_actor(province.admin.user):  # what AuditlogMiddleware does for a request
        with audit.acting_as(other):
            round_update(round=round, by=other, name="Oleh Lain")
        assert last_entry(round).actor == other
        round.refresh_from_db()
        round.name = "Oleh Admin"
        round.save()
        assert last_entry(round).actor == province.admin.user
        with audit.acting_as(None):
            round.survey_closes_on = timezone.localdate() + dt.timedelta(days=31)
            round.save()
        assert last_entry(round).actor == province.admin.user
