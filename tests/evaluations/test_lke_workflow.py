"""The LKE workflow per criterion: draft -> submitted -> in review -> revision <-> resubmitted ->
scored -> final; versioned evidence, audit trail, e-mails, and concurrent evaluator edits."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from berakhlak.refusals import Refused
from evaluations.lke import opening, services
from evaluations.lke.selectors import lke_agencies, worksheet_criteria, worksheet_is_editable
from evaluations.models import (
    Assessment,
    AssessmentEvent,
    AssessmentStatus,
    EventKind,
    Evidence,
    RoundAgency,
)
from surveys.models import RoundInstrument
from surveys.services.rounds import round_open
from tests.evaluations.lke_factories import PDF, PNG, first, lke_round, submitted_with_evidence
from tests.evaluations.test_round_states import draft_round
from tests.surveys.factories import behaviour_instrument, open_round

pytestmark = pytest.mark.django_db
S = AssessmentStatus


@pytest.fixture
def setup(province):
    return lke_round(province)


def test_full_cycle_keeps_self_evaluator_and_final_and_audits_every_step(
    province, setup, django_capture_on_commit_callbacks
):
    agent, evaluator = province.agent_a.user, province.evaluator.user
    with django_capture_on_commit_callbacks(execute=True):
        a = submitted_with_evidence(first(setup.ra_a), agent)
    assert a.status == S.SUBMITTED
    assert any(province.evaluator.email in m.bcc for m in mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        a = services.assessment_request_revision(
            assessment=a,
            by=evaluator,
            version=a.version,
            notes="SK belum ditandatangani.",
            deadline=timezone.localdate() + dt.timedelta(days=7),
        )
    assert a.status == S.REVISION_REQUESTED
    assert any(province.agent_a.email in m.bcc for m in mail.outbox)
    assert "SK belum ditandatangani." in mail.outbox[-1].body

    a = services.assessment_self_save(
        assessment=a, by=agent, version=a.version, answer="YA", narrative="SK sudah ditandatangani."
    )
    with django_capture_on_commit_callbacks(execute=True):
        a = services.assessment_submit(assessment=a, by=agent, version=a.version)
    assert a.status == S.RESUBMITTED

    a = services.assessment_review_save(
        assessment=a, by=evaluator, version=a.version, answer="YA", notes="", recommendation=""
    )
    assert a.status == S.IN_REVIEW
    a = services.assessment_score(
        assessment=a,
        by=evaluator,
        version=a.version,
        answer="TIDAK",
        notes="Belum berlaku.",
        recommendation="Tetapkan SK baru.",
    )
    assert a.status == S.SCORED
    with pytest.raises(Refused) as error:
        services.assessment_finalise(
            assessment=a, by=evaluator, version=a.version, answer="TIDAK", reason=""
        )
    assert "tuliskan alasannya" in error.value.messages[0]
    with django_capture_on_commit_callbacks(execute=True):
        a = services.assessment_finalise(
            assessment=a,
            by=evaluator,
            version=a.version,
            answer="TIDAK",
            reason="SK ditetapkan setelah tahun penilaian.",
        )
    assert (a.status, a.self_answer, a.evaluator_answer, a.final_answer) == (
        S.FINAL,
        "YA",
        "TIDAK",
        "TIDAK",
    )
    assert "nilai akhir" in mail.outbox[-1].subject

    transitions = list(
        AssessmentEvent.objects.filter(assessment=a)
        .exclude(from_status="", to_status="")
        .values_list("from_status", "to_status")
    )
    steps = [(f, t) for f, t in transitions if f != t]
    assert steps == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.REVISION_REQUESTED),
        (S.REVISION_REQUESTED, S.RESUBMITTED),
        (S.RESUBMITTED, S.IN_REVIEW),
        (S.IN_REVIEW, S.SCORED),
        (S.SCORED, S.FINAL),
    ]
    final_event = AssessmentEvent.objects.get(assessment=a, kind=EventKind.FINAL_SCORE)
    assert final_event.before == {"final_answer": "", "final_reason": ""}
    assert final_event.after["final_answer"] == "TIDAK"
    assert final_event.reason == "SK ditetapkan setelah tahun penilaian."
    assert final_event.actor == evaluator


def test_final_equal_to_self_needs_no_reason(province, setup):
    a = submitted_with_evidence(first(setup.ra_a), province.agent_a.user)
    ev = province.evaluator.user
    a = services.assessment_score(
        assessment=a, by=ev, version=a.version, answer="YA", notes="", recommendation=""
    )
    a = services.assessment_finalise(assessment=a, by=ev, version=a.version, answer="", reason="")
    assert (a.status, a.final_answer) == (S.FINAL, "YA")


def test_submit_needs_an_answer_and_evidence(province, setup):
    a = first(setup.ra_a)
    with pytest.raises(Refused) as error:
        services.assessment_submit(assessment=a, by=province.agent_a.user, version=a.version)
    assert "Jawaban penilaian mandiri belum diisi." in error.value.messages
    assert "Unggah minimal satu bukti dukung." in error.value.messages


def test_submitted_criterion_is_locked_for_the_agent(province, setup):
    a = submitted_with_evidence(first(setup.ra_a), province.agent_a.user)
    with pytest.raises(Refused) as error:
        services.assessment_self_save(
            assessment=a, by=province.agent_a.user, version=a.version, answer="TIDAK", narrative=""
        )
    assert "sudah diajukan" in error.value.messages[0]


def test_revision_after_the_deadline_is_refused(province, setup):
    a = submitted_with_evidence(first(setup.ra_a), province.agent_a.user)
    a = services.assessment_request_revision(
        assessment=a,
        by=province.evaluator.user,
        version=a.version,
        notes="Lengkapi.",
        deadline=timezone.localdate(),
    )
    Assessment.objects.filter(pk=a.pk).update(
        revision_deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    a.refresh_from_db()
    with pytest.raises(Refused) as error:
        services.assessment_submit(assessment=a, by=province.agent_a.user, version=a.version)
    assert "sudah lewat" in error.value.messages[0]


def test_revision_request_needs_notes_and_a_deadline(province, setup):
    a = submitted_with_evidence(first(setup.ra_a), province.agent_a.user)
    with pytest.raises(Refused):
        services.assessment_request_revision(
            assessment=a, by=province.evaluator.user, version=a.version, notes="", deadline=None
        )
    assert Assessment.objects.get(pk=a.pk).status == S.SUBMITTED


def test_second_evaluator_save_is_refused_and_nothing_is_overwritten(province, setup):
    from berakhlak.models import Role
    from tests.factories import EmployeeFactory, grant

    second = EmployeeFactory(agency=province.biro, name="Evaluator Inspektorat")
    grant(second.user, Role.EVALUATOR, province.agency_a)
    opening.evaluator_assignments_from_grants(round=setup.round, by=province.admin.user)
    a = submitted_with_evidence(first(setup.ra_a), province.agent_a.user)
    seen = a.version  # both evaluators open the page at this version

    services.assessment_review_save(
        assessment=a,
        by=province.evaluator.user,
        version=seen,
        answer="YA",
        notes="Catatan evaluator pertama.",
        recommendation="",
    )
    with pytest.raises(services.ConcurrentEdit) as error:
        services.assessment_review_save(
            assessment=a,
            by=second.user,
            version=seen,
            answer="TIDAK",
            notes="Catatan evaluator kedua.",
            recommendation="",
        )
    assert "Evaluator Biro" in error.value.messages[0]
    assert "tidak disimpan" in error.value.messages[0]
    a.refresh_from_db()
    assert (a.evaluator_answer, a.evaluator_notes) == ("YA", "Catatan evaluator pertama.")
    assert a.version == seen + 1


def test_concurrent_save_through_the_page_says_who_and_keeps_the_typed_text(
    client, province, setup
):
    from berakhlak.models import Role
    from tests.factories import EmployeeFactory, grant

    second = EmployeeFactory(agency=province.biro, name="Evaluator Inspektorat")
    grant(second.user, Role.EVALUATOR, province.agency_a)
    opening.evaluator_assignments_from_grants(round=setup.round, by=province.admin.user)
    a = submitted_with_evidence(first(setup.ra_a), province.agent_a.user)
    url = reverse("evaluations:lke_review_action", args=[a.pk])
    client.force_login(province.evaluator.user)
    first_post = {
        "version": a.version,
        "action": "save",
        "evaluator_answer": "YA",
        "evaluator_notes": "Pertama",
        "recommendation": "",
    }
    assert client.post(url, first_post).status_code == 302
    client.force_login(second.user)
    response = client.post(url, {**first_post, "evaluator_notes": "Kedua menimpa?"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Evaluator Biro" in body and "Kedua menimpa?" in body
    assert Assessment.objects.get(pk=a.pk).evaluator_notes == "Pertama"


def test_replacing_evidence_keeps_the_older_file_in_history(province, setup):
    agent = province.agent_a.user
    a = first(setup.ra_a)
    old = services.evidence_add(
        assessment=a, by=agent, fileobj=io.BytesIO(PDF), name="v1.pdf", description="Versi pertama"
    )
    new = services.evidence_add(
        assessment=a,
        by=agent,
        fileobj=io.BytesIO(PNG),
        name="v2.png",
        description="Versi kedua",
        replaces=old,
    )
    old.refresh_from_db()
    assert old.superseded_at is not None and old.file.storage.exists(old.file.name)
    assert new.replaces == old and new.is_current
    kinds = list(AssessmentEvent.objects.filter(assessment=a).values_list("kind", flat=True))
    assert kinds == [EventKind.EVIDENCE_ADDED, EventKind.EVIDENCE_REPLACED]
    services.evidence_withdraw(evidence=new, by=agent, reason="Salah unggah")
    assert not Evidence.objects.filter(
        assessment=a, superseded_at__isnull=True, withdrawn_at__isnull=True
    ).exists()
    assert Evidence.objects.filter(assessment=a).count() == 2


def test_submit_all_submits_the_ready_ones_and_says_why_not_the_others(
    province, setup, django_capture_on_commit_callbacks
):
    agent = province.agent_a.user
    a = first(setup.ra_a)
    a = services.assessment_self_save(
        assessment=a, by=agent, version=a.version, answer="YA", narrative=""
    )
    services.evidence_add(
        assessment=a, by=agent, fileobj=io.BytesIO(PDF), name="a.pdf", description="SK"
    )
    with django_capture_on_commit_callbacks(execute=True):
        submitted, problems = services.assessments_submit_all(round_agency=setup.ra_a, by=agent)
    assert submitted == 1
    assert len(problems) == Assessment.objects.filter(round_agency=setup.ra_a).count() - 1
    assert len(mail.outbox) == 1


def test_notification_task_is_idempotent(province, setup, django_capture_on_commit_callbacks):
    from evaluations.lke.notifications import lke_events_notify

    with django_capture_on_commit_callbacks(execute=True):
        submitted_with_evidence(first(setup.ra_a), province.agent_a.user)
    sent = len(mail.outbox)
    event_ids = list(AssessmentEvent.objects.values_list("pk", flat=True))
    assert lke_events_notify(event_ids=event_ids) == 0
    assert len(mail.outbox) == sent


def test_worksheet_is_editable_until_the_evidence_window_opens(province):
    today = timezone.localdate()
    later = draft_round(
        province,
        evidence_opens_on=today + dt.timedelta(days=3),
        review_opens_on=today + dt.timedelta(days=5),
    )
    worksheet = opening.worksheet_create_default(round=later, by=province.admin.user)
    assert worksheet_is_editable(worksheet)
    opening.worksheet_freeze(worksheet=worksheet, by=province.admin.user)
    worksheet.refresh_from_db()
    assert not worksheet_is_editable(worksheet)


def test_worksheet_freezes_when_the_open_round_is_first_used(province, setup):
    worksheet = setup.round.worksheet
    worksheet.refresh_from_db()
    assert worksheet.frozen_at is not None
    assert not worksheet_is_editable(worksheet)


def test_the_lke_opens_in_the_background_and_its_page_writes_nothing_when_read(client, province):
    round = open_round(province, instruments=[behaviour_instrument()])  # no worksheet yet
    worksheet = opening.worksheet_create_default(round=round, by=province.admin.user)
    round_agency = RoundAgency.objects.get(round=round, agency=province.agency_a)
    client.force_login(province.agent_a.user)
    url = reverse("evaluations:lke_workspace", args=[round_agency.pk])

    page = client.get(url).content.decode()
    assert "belum dapat diisi" in page
    worksheet.refresh_from_db()
    assert worksheet.frozen_at is None
    assert not Assessment.objects.filter(round_agency__round=round).exists()

    expected = lke_agencies(round).count() * worksheet_criteria(worksheet).count()
    assert expected and opening.lke_open_due() == expected  # the beat task, every 5 minutes
    assert opening.lke_open_due() == 0
    worksheet.refresh_from_db()
    assert worksheet.frozen_at is not None
    assert first(round_agency).criterion.question in client.get(url).content.decode()


def test_opening_a_round_opens_its_lke_when_the_evidence_window_has_begun(
    province, django_capture_on_commit_callbacks
):
    round = draft_round(province)
    RoundInstrument.objects.create(round=round, instrument=behaviour_instrument(), order=1)
    worksheet = opening.worksheet_create_default(round=round, by=province.admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        round_open(round=round, by=province.admin.user)  # the task runs eagerly in tests
    worksheet.refresh_from_db()
    assert worksheet.frozen_at is not None
    assert Assessment.objects.filter(round_agency__round=round).count() == (
        lke_agencies(round).count() * worksheet_criteria(worksheet).count()
    )


def test_freezing_refuses_weights_not_summing_to_100(province):
    round = draft_round(province)
    worksheet = opening.worksheet_create_default(round=round, by=province.admin.user)
    criterion = worksheet.components.first().criteria.first()
    criterion.weight = 7
    criterion.save()
    with pytest.raises(Refused) as error:
        opening.worksheet_freeze(worksheet=worksheet, by=province.admin.user)
    assert "harus 100" in error.value.messages[0]
    assert opening.worksheet_ready(round) is None


def test_default_worksheet_creation_is_idempotent(province):
    round = draft_round(province)
    first_ws = opening.worksheet_create_default(round=round, by=province.admin.user)
    assert opening.worksheet_create_default(round=round, by=province.admin.user) == first_ws


def test_demo_step_prepares_every_round(province):
    from evaluations.demo import lke_demo_prepare

    round = draft_round(province)
    lines = lke_demo_prepare()
    assert round.name in lines[0]
    assert hasattr(Assessment, "objects") and round.worksheet.components.count() == 7
