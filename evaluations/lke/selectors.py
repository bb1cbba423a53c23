"""Scoped reads of the LKE; anything outside the user's scope is a 404."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from berakhlak.models import Role, User
from berakhlak.permissions import in_scope, role_paths
from evaluations.lke import permissions
from evaluations.models import (
    Assessment,
    AssessmentStatus,
    Criterion,
    EvaluatorAssignment,
    Evidence,
    Round,
    RoundAgency,
    RoundStatus,
    Worksheet,
)

LKE_DEPTH = permissions.LKE_DEPTH
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
    user: User,
    *,
    status: str = "",
    component: str = "",
    agency: str = "",
    round_id: int | None = None,
) -> tuple[QuerySet[Assessment], list[RoundAgency]]:
    """Submitted criteria of the agencies assigned to the user, filtered; never a draft."""
    agencies = evaluator_round_agencies(user)
    if round_id:
        agencies = [ra for ra in agencies if ra.round_id == round_id]
    rows = (
        _assessments()
        .filter(round_agency__in=agencies)
        .exclude(status=AssessmentStatus.DRAFT)
        .order_by("round_agency__path", "criterion__component__order", "criterion__order")
    )
    if status in AssessmentStatus.values:
        rows = rows.filter(status=status)
    if component.isdigit():
        rows = rows.filter(criterion__component__order=int(component))
    if agency.isdigit():
        rows = rows.filter(round_agency_id=int(agency))
    return rows, agencies


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
