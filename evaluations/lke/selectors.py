"""Scoped reads of the LKE; anything outside the user's scope is a 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from berakhlak.models import Role, User
from berakhlak.permissions import in_scope, role_paths
from evaluations import scoring, uploads
from evaluations.lke import permissions
from evaluations.lke.assignments import evaluator_candidates
from evaluations.models import (
    AnswerKind,
    Assessment,
    AssessmentStatus,
    Component,
    Criterion,
    EvaluatorAssignment,
    Evidence,
    Round,
    RoundAgency,
    RoundStatus,
    Worksheet,
)

S = AssessmentStatus
LKE_DEPTH = permissions.LKE_DEPTH
WEIGHT_TOTAL = Decimal(100)
UPLOAD_ROWS = 3  # file fields offered at once on a criterion's page
ACTIVE_ROUND_STATES = (
    RoundStatus.OPEN,
    RoundStatus.CLOSED,
    RoundStatus.COMPUTED,
    RoundStatus.PUBLISHED,
)


def lke_agencies(round: Round) -> QuerySet[RoundAgency]:
    return RoundAgency.objects.filter(round=round, depth=LKE_DEPTH).select_related("agency")


def worksheet_of(round: Round) -> Worksheet | None:
    return Worksheet.objects.filter(round=round).first()


def worksheet_criteria(worksheet: Worksheet) -> QuerySet[Criterion]:
    return (
        Criterion.objects.filter(component__worksheet=worksheet)
        .select_related("component")
        .order_by("component__order", "order")
    )


def agent_round_agencies(user: User) -> list[RoundAgency]:
    """The LKE agencies the user is change agent of, in rounds that have a frozen worksheet."""
    paths = role_paths(user, (Role.CHANGE_AGENT,))
    if not paths:
        return []
    q = Q()
    for path in paths:
        q |= Q(agency__path__startswith=path)
    return list(
        RoundAgency.objects.filter(
            q,
            depth=LKE_DEPTH,
            round__status__in=ACTIVE_ROUND_STATES,
            round__worksheet__isnull=False,
        )
        .select_related("round", "agency")
        .order_by("-round__year", "round__name", "path")
    )


def evaluator_round_agencies(user: User) -> list[RoundAgency]:
    """Agencies assigned to the user whose EVALUATOR grant still covers them."""
    rows = (
        EvaluatorAssignment.objects.filter(
            evaluator=user, round_agency__round__status__in=ACTIVE_ROUND_STATES
        )
        .select_related("round_agency__round", "round_agency__agency")
        .order_by("round_agency__round__name", "round_agency__path")
    )
    return [
        row.round_agency
        for row in rows
        if in_scope(user, row.round_agency.agency, (Role.EVALUATOR,))
    ]


def get_round_agency_for_user(user: User, pk: int) -> RoundAgency:
    round_agency = (
        RoundAgency.objects.filter(pk=pk, depth=LKE_DEPTH)
        .select_related("round", "round__root", "agency")
        .first()
    )
    if round_agency is None or not permissions.can_view_agency_worksheet(user, round_agency):
        raise Http404
    return round_agency


def _assessments() -> QuerySet[Assessment]:
    return Assessment.objects.select_related(
        "criterion__component", "round_agency__round__root", "round_agency__agency"
    )


def get_assessment_for_user(user: User, pk: int) -> Assessment:
    assessment = _assessments().filter(pk=pk).first()
    if assessment is None or not permissions.can_view_assessment(user, assessment):
        raise Http404
    return assessment


def get_evidence_for_user(user: User, pk: int) -> Evidence:
    evidence = Evidence.objects.select_related("assessment").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    assessment = _assessments().get(pk=evidence.assessment_id)
    if not permissions.can_download_evidence(user, assessment):
        raise Http404
    evidence.assessment = assessment
    return evidence


def agency_assessments(round_agency: RoundAgency) -> list[Assessment]:
    return list(
        _assessments()
        .filter(round_agency=round_agency)
        .annotate(
            evidence_count=Count(
                "evidence",
                filter=Q(evidence__superseded_at__isnull=True, evidence__withdrawn_at__isnull=True),
            )
        )
        .order_by("criterion__component__order", "criterion__order")
    )


def current_evidence(assessment: Assessment) -> list[Evidence]:
    return list(
        Evidence.objects.filter(
            assessment=assessment, superseded_at__isnull=True, withdrawn_at__isnull=True
        ).select_related("uploaded_by")
    )


def evidence_history(assessment: Assessment) -> list[Evidence]:
    return list(
        Evidence.objects.filter(assessment=assessment)
        .exclude(superseded_at__isnull=True, withdrawn_at__isnull=True)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )


def review_queue(
    user: User, *, round_id: int | None = None
) -> tuple[QuerySet[Assessment], list[RoundAgency]]:
    """Submitted criteria of the agencies assigned to the user (never a draft), and those agencies;
    the page narrows them with `evaluations.filters.ReviewQueueFilter`."""
    agencies = evaluator_round_agencies(user)
    if round_id:
        agencies = [ra for ra in agencies if ra.round_id == round_id]
    rows = (
        _assessments()
        .filter(round_agency__in=agencies)
        .exclude(status=AssessmentStatus.DRAFT)
        .order_by("round_agency__path", "criterion__component__order", "criterion__order")
    )
    return rows, agencies


def review_queue_components(agencies: list[RoundAgency]) -> list[tuple[int, str]]:
    """(order, name) of the components of the agencies' worksheets, for the queue's filter."""
    components = (
        Component.objects.filter(worksheet__round_id__in={ra.round_id for ra in agencies})
        .values_list("order", "name")
        .distinct()
        .order_by("order")
    )
    return list(dict(components).items())


def _evidence_candidates(agency) -> QuerySet[Assessment]:
    return (
        _assessments()
        .filter(
            round_agency__agency=agency,
            round_agency__depth=LKE_DEPTH,
            round_agency__round__status__in=permissions.REVIEW_ROUND_STATES,
        )
        .order_by("-round_agency__round__year", "criterion__component__order", "criterion__order")
    )


def evidence_targets(user: User, agency, today=None) -> list[Assessment]:
    """The criteria of the agency's own LKE the user may add evidence to now, by the one rule
    (`permissions.can_add_evidence`). A read: rows the LKE has not created yet are not targets."""
    if agency is None:
        return []
    return [
        a
        for a in _evidence_candidates(agency)
        if permissions.can_add_evidence(user, a, agency=agency, today=today)
    ]


def evidence_targets_none_reason(user: User, agency, today=None) -> str:
    """Why `evidence_targets` is empty, for the page that offers it ("" when it is not)."""
    if agency is None:
        return ""
    if not in_scope(user, agency, (Role.CHANGE_AGENT,)):
        return str(
            _("Hanya agen perubahan %(unit)s yang dapat melampirkan bukti LKE.")
            % {"unit": agency.name}
        )
    reasons: list[str] = []
    for assessment in _evidence_candidates(agency):
        decision = permissions.can_add_evidence(user, assessment, agency=agency, today=today)
        if decision:
            return ""
        if decision.reason not in reasons:
            reasons.append(decision.reason)
    if not reasons:
        return str(
            _("LKE %(unit)s belum dibuka pada putaran yang berjalan; buka dulu LKE unit ini.")
            % {"unit": agency.name}
        )
    return str(
        _("Belum ada kriteria LKE %(unit)s yang dapat diberi bukti sekarang: %(reasons)s")
        % {"unit": agency.name, "reasons": " ".join(reasons[:2])}
    )


def evidence_target(user: User, agency, assessment_id) -> tuple[Assessment | None, object]:
    """One criterion (by id) of the agency's LKE and the rule's decision on adding evidence to it;
    the decision says why not (missing, another agency's, not the user's, the wrong state)."""
    assessment = None
    if isinstance(assessment_id, int) and assessment_id > 0:
        assessment = _assessments().filter(pk=assessment_id).first()
    decision = permissions.can_add_evidence(user, assessment, agency=agency)
    return (assessment if decision else None), decision


def get_replaced_evidence(assessment: Assessment, pk: int | None) -> Evidence | None:
    """The file of this criterion an upload replaces (none when no id was sent; 404 if foreign)."""
    if not pk:
        return None
    evidence = Evidence.objects.filter(pk=pk, assessment=assessment).first()
    if evidence is None:
        raise Http404
    return evidence


# --- the reads the rules need ----------------------------------------------------------------


def worksheet_is_editable(worksheet: Worksheet, today: dt.date | None = None) -> bool:
    """Editable until frozen, and never once the round's evidence window has opened."""
    today = today or timezone.localdate()
    round = worksheet.round
    if worksheet.frozen_at is not None:
        return False
    return round.status == RoundStatus.DRAFT or today < round.evidence_opens_on


def worksheet_problems(worksheet: Worksheet) -> list[str]:
    problems = []
    criteria = list(worksheet_criteria(worksheet))
    if not criteria:
        problems.append(_("Lembar kerja belum memiliki kriteria."))
    total = sum((c.weight for c in criteria), Decimal(0))
    if criteria and total != WEIGHT_TOTAL:
        problems.append(
            _("Jumlah bobot kriteria harus 100; sekarang %(total)s.")
            % {"total": scoring.display(total)}
        )
    return problems


def submit_problems(assessment: Assessment) -> list[str]:
    problems = []
    if not assessment.self_answer:
        problems.append(_("Jawaban penilaian mandiri belum diisi."))
    if (
        assessment.criterion.evidence_required
        and not Evidence.objects.filter(
            assessment=assessment, superseded_at__isnull=True, withdrawn_at__isnull=True
        ).exists()
    ):
        problems.append(_("Unggah minimal satu bukti dukung."))
    return problems


# --- pages: what each LKE page shows ---------------------------------------------------------


def _progress(assessments) -> dict:
    total = len(assessments)
    submitted = sum(1 for a in assessments if a.status != S.DRAFT)
    final = sum(1 for a in assessments if a.status == S.FINAL)
    revision = sum(1 for a in assessments if a.status == S.REVISION_REQUESTED)
    return {
        "total": total,
        "submitted": submitted,
        "final": final,
        "revision": revision,
        "percent": round(submitted * 100 / total) if total else 0,
    }


def _workspace_components(assessments, score) -> list[dict]:
    """The agency's criteria grouped by component, each with its final score and index."""
    components: list[dict] = []
    by_component: dict[int, dict] = {}
    component_scores = {c.component_id: c for c in score.components}
    for assessment in assessments:
        component = assessment.criterion.component
        entry = by_component.get(component.pk)
        if entry is None:
            entry = {
                "component": component,
                "rows": [],
                "score": component_scores.get(component.pk),
            }
            by_component[component.pk] = entry
            components.append(entry)
        final = (
            scoring.criterion_score(assessment.criterion, assessment.final_answer)
            if assessment.status == S.FINAL
            else None
        )
        entry["rows"].append(
            {
                "assessment": assessment,
                "final_score": scoring.display(final) if final is not None else "",
            }
        )
    for entry in components:
        component_score = entry["score"]
        entry["final_index"] = (
            scoring.display(component_score.index("final"), "0.1") if component_score else ""
        )
        entry["final_index"] = "" if entry["final_index"] == "–" else entry["final_index"]
    return components


def workspace_context(user: User, round_agency: RoundAgency) -> dict:
    """The agency's LKE page: its criteria by component, progress and indices."""
    round = round_agency.round
    assessments = agency_assessments(round_agency)
    is_agent = permissions.is_agency_agent(user, round_agency)
    is_admin = permissions.is_round_admin(user, round)
    if not (is_agent or is_admin):
        # An evaluator sees only what the agency has submitted.
        assessments = [a for a in assessments if a.status != S.DRAFT]
    worksheet = worksheet_of(round)
    criteria = list(worksheet_criteria(worksheet)) if worksheet else []
    score = scoring.worksheet_score(assessments, criteria)
    return {
        "round_agency": round_agency,
        "round": round,
        "worksheet": worksheet,
        "components": _workspace_components(assessments, score),
        "progress": _progress(assessments),
        "is_agent": is_agent,
        "is_admin": is_admin,
        "window_open": permissions.evidence_window_open(round),
        "self_total": score.totals["self"],
        "final_total": score.totals["final"],
        "self_total_display": scoring.display(score.totals["self"], "0.1"),
        "final_total_display": scoring.display(score.totals["final"], "0.1"),
        "can_audit": permissions.can_view_audit(user, round_agency),
    }


def events_labelled(events) -> list:
    labels = dict(S.choices)
    rows = list(events)
    for event in rows:
        event.from_label = labels.get(event.from_status, event.from_status)
        event.to_label = labels.get(event.to_status, event.to_status)
    return rows


def _answer_score(criterion: Criterion, answer: str) -> str:
    return scoring.display(scoring.criterion_score(criterion, answer) if answer else None)


def _assessment_roles(user: User, assessment: Assessment) -> dict:
    """What the user may do on one criterion, as the page's flags."""
    round_agency = assessment.round_agency
    return {
        "can_self": permissions.can_self_assess(user, assessment),
        "can_upload": permissions.can_add_evidence(user, assessment),
        "can_review": permissions.can_review(user, assessment),
        "can_finalise": permissions.can_finalise(user, assessment),
        "can_appeal": permissions.can_appeal(user, assessment),
        "can_decide_appeal": permissions.can_decide_appeal(user, assessment),
        "is_agent": permissions.is_agency_agent(user, round_agency),
        "is_evaluator": permissions.is_assigned_evaluator(user, round_agency),
        "is_admin": permissions.is_round_admin(user, round_agency.round),
    }


def assessment_context(user: User, assessment: Assessment) -> dict:
    """One criterion's page: the answers and scores, evidence, history and what the user may do."""
    criterion = assessment.criterion
    roles = _assessment_roles(user, assessment)
    reviewer = roles["is_evaluator"] or roles["is_admin"]
    final_score = (
        scoring.criterion_score(criterion, assessment.final_answer)
        if assessment.status in (S.FINAL, S.APPEALED)
        else None
    )
    return {
        "assessment": assessment,
        "criterion": criterion,
        "round_agency": assessment.round_agency,
        "round": assessment.round_agency.round,
        "options": scoring.answer_options(criterion.answer_kind),
        "is_percent": criterion.answer_kind == "PERCENT",
        **roles,
        "show_review": reviewer
        or assessment.status in (S.REVISION_REQUESTED, S.RESUBMITTED, S.FINAL, S.APPEALED),
        "show_evaluator_answer": reviewer or assessment.status == S.FINAL,
        "evidence": current_evidence(assessment),
        "history_files": evidence_history(assessment),
        "events": events_labelled(
            assessment.events.select_related("actor__employee").order_by("-at", "-pk")
        ),
        "upload_rows": range(1, UPLOAD_ROWS + 1),
        "max_mb": uploads.max_bytes() // (1024 * 1024),
        "allowed_label": uploads.ALLOWED_LABEL,
        "submit_problems": submit_problems(assessment) if roles["can_self"] else [],
        "self_score": _answer_score(criterion, assessment.self_answer),
        "evaluator_score": _answer_score(criterion, assessment.evaluator_answer),
        "final_score": scoring.display(final_score) if final_score is not None else "",
        "today": timezone.localdate(),
    }


def _worksheet_agencies(round: Round) -> list[dict]:
    """The round's LKE agencies with their evaluators, candidates and progress."""
    assigned: dict[int, list] = {}
    for row in EvaluatorAssignment.objects.filter(round_agency__round=round).select_related(
        "evaluator__employee"
    ):
        assigned.setdefault(row.round_agency_id, []).append(row.evaluator)
    round_agencies = list(
        lke_agencies(round)
        .select_related("agency")
        .annotate(
            submitted=Count("assessments", filter=~Q(assessments__status=AssessmentStatus.DRAFT)),
            final=Count("assessments", filter=Q(assessments__status=AssessmentStatus.FINAL)),
        )
    )
    candidates = evaluator_candidates(round_agencies)
    agencies = []
    for round_agency in round_agencies:
        evaluators = sorted(assigned.get(round_agency.pk, []), key=lambda u: u.display_name())
        agencies.append(
            {
                "round_agency": round_agency,
                "evaluators": evaluators,
                "candidates": [u for u in candidates[round_agency.pk] if u not in evaluators],
                "submitted": round_agency.submitted,
                "final": round_agency.final,
            }
        )
    return agencies


def worksheet_context(round: Round) -> dict:
    """The admin's LKE page of a round: components with their criteria and weights, agencies."""
    worksheet = worksheet_of(round)
    components, total, agencies = [], None, []
    if worksheet is not None:
        criteria = list(worksheet_criteria(worksheet))
        by_component: dict[int, dict] = {
            c.pk: {"component": c, "criteria": [], "weight": 0}
            for c in worksheet.components.order_by("order")
        }
        for criterion in criteria:
            entry = by_component[criterion.component_id]
            entry["criteria"].append(criterion)
            entry["weight"] += criterion.weight
        components = list(by_component.values())
        total = sum((c.weight for c in criteria), 0)
        agencies = _worksheet_agencies(round)
    editable = worksheet is not None and worksheet_is_editable(worksheet)
    return {
        "round": round,
        "worksheet": worksheet,
        "components": components,
        "total": total,
        "total_display": scoring.display(total) if total is not None else "",
        "criteria_count": sum(len(c["criteria"]) for c in components),
        "editable": editable,
        "problems": worksheet_problems(worksheet) if worksheet else [],
        "agencies": agencies,
        "answer_kinds": dict(AnswerKind.choices),
        "can_import": worksheet is None or editable,
    }
