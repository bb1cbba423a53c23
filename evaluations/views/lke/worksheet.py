"""The admin's LKE page of a round: default worksheet, freeze, evaluator assignments, progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from berakhlak.refusals import Refused
from evaluations import scoring
from evaluations.lke import assignments, permissions, selectors, services
from evaluations.lke.forms import WorksheetUploadForm
from evaluations.models import AnswerKind, AssessmentStatus, EvaluatorAssignment
from evaluations.selectors import get_round_for_admin


def _round_for_worksheet_admin(user, pk: int):
    round = get_round_for_admin(user, pk)
    if not permissions.can_manage_worksheet(user, round):
        raise Http404
    return round


def worksheet_context(user, round) -> dict:
    worksheet = selectors.worksheet_of(round)
    components, total, agencies = [], None, []
    if worksheet is not None:
        criteria = list(selectors.worksheet_criteria(worksheet))
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
        assigned: dict[int, list] = {}
        for row in EvaluatorAssignment.objects.filter(round_agency__round=round).select_related(
            "evaluator__employee"
        ):
            assigned.setdefault(row.round_agency_id, []).append(row.evaluator)
        round_agencies = list(
            selectors.lke_agencies(round)
            .select_related("agency")
            .annotate(
                submitted=Count(
                    "assessments", filter=~Q(assessments__status=AssessmentStatus.DRAFT)
                ),
                final=Count("assessments", filter=Q(assessments__status=AssessmentStatus.FINAL)),
            )
        )
        candidates = assignments.evaluator_candidates(round_agencies)
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
    editable = worksheet is not None and services.worksheet_is_editable(worksheet)
    return {
        "round": round,
        "worksheet": worksheet,
        "components": components,
        "total": total,
        "total_display": scoring.display(total) if total is not None else "",
        "criteria_count": sum(len(c["criteria"]) for c in components),
        "editable": editable,
        "problems": services.worksheet_problems(worksheet) if worksheet else [],
        "agencies": agencies,
        "answer_kinds": dict(AnswerKind.choices),
        "upload_form": WorksheetUploadForm(),
        "import_problems": [],
        "can_import": worksheet is None or editable,
    }


@login_required
def worksheet_detail(request, pk: int):
    round = _round_for_worksheet_admin(request.user, pk)
    return render(request, "evaluations/lke/worksheet.html", worksheet_context(request.user, round))


@login_required
@require_POST
def worksheet_default_create(request, pk: int):
    round = _round_for_worksheet_admin(request.user, pk)
    if selectors.worksheet_of(round) is not None:
        messages.info(request, _("Putaran ini sudah memiliki LKE."))
    else:
        services.worksheet_create_default(round=round, by=request.user)
        messages.success(request, _("LKE bawaan dengan tujuh komponen dibuat."))
    return redirect("evaluations:lke_worksheet", round.pk)


@login_required
@require_POST
def worksheet_freeze(request, pk: int):
    round = _round_for_worksheet_admin(request.user, pk)
    worksheet = selectors.worksheet_of(round)
    if worksheet is None:
        raise Http404
    try:
        services.worksheet_freeze(worksheet=worksheet, by=request.user)
    except Refused as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("LKE dibekukan; kriteria dan bobot tidak dapat diubah lagi."))
    return redirect("evaluations:lke_worksheet", round.pk)


@login_required
@require_POST
def assignments_from_grants(request, pk: int):
    round = _round_for_worksheet_admin(request.user, pk)
    created = services.evaluator_assignments_from_grants(round=round, by=request.user)
    if not selectors.lke_agencies(round).exists():
        messages.warning(
            request, _("Penugasan dibuat setelah putaran dibuka (unit kerja putaran dipotret).")
        )
    else:
        messages.success(
            request,
            _("%(n)s penugasan evaluator baru dibuat sesuai cakupan peran evaluator.")
            % {"n": created},
        )
    return redirect("evaluations:lke_worksheet", round.pk)
