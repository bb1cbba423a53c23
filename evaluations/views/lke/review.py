"""Evaluators' review: the queue, evaluator answer, revision request, score, final score."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from berakhlak.refusals import Refused
from evaluations import scoring
from evaluations.filters import ReviewQueueFilter
from evaluations.lke import permissions, selectors, services
from evaluations.models import AssessmentStatus
from evaluations.views.lke.agency import refused_detail
from evaluations.views.lke.common import int_or_none

S = AssessmentStatus
# What the evaluator is told after each of the review form's buttons.
REVIEW_DONE = {
    "revision": gettext_lazy("Permintaan perbaikan dikirim ke agen perubahan."),
    "score": gettext_lazy("Nilai evaluator disimpan."),
    "save": gettext_lazy("Catatan penilaian disimpan."),
}


@login_required
def review_queue(request):
    rows, agencies = selectors.review_queue(request.user)
    if not agencies:
        raise Http404
    queue_filter = ReviewQueueFilter(request.GET, queryset=rows)
    rows = queue_filter.qs
    context = {
        "rows": list(rows[:500]),
        "agencies": agencies,
        "components": selectors.review_queue_components(agencies),
        "statuses": [(v, label) for v, label in S.choices if v != S.DRAFT],
        "filters": queue_filter.values(),
        "waiting": sum(1 for r in rows if r.status in (S.SUBMITTED, S.RESUBMITTED)),
    }
    return render(request, "evaluations/lke/review_queue.html", context)


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def review_action(request, pk: int):
    assessment = selectors.get_assessment_for_user(request.user, pk)
    if not permissions.is_assigned_evaluator(request.user, assessment.round_agency):
        raise Http404
    action = request.POST.get("action", "save")
    posted = {
        name: request.POST.get(name, "")
        for name in ("evaluator_answer", "evaluator_notes", "recommendation", "revision_deadline")
    }
    try:
        services.assessment_review(
            assessment=assessment,
            by=request.user,
            version=int_or_none(request.POST.get("version")) or 0,
            action=action,
            answer=posted["evaluator_answer"],
            notes=posted["evaluator_notes"],
            recommendation=posted["recommendation"],
            deadline=_parse_date(posted["revision_deadline"]),
        )
    except (Refused, scoring.AnswerError) as refusal:
        return refused_detail(request, pk, refusal, panel="review", posted=posted)
    messages.success(request, REVIEW_DONE.get(action, REVIEW_DONE["save"]))
    return redirect("evaluations:lke_assessment", assessment.pk)


@login_required
@require_POST
def finalise(request, pk: int):
    assessment = selectors.get_assessment_for_user(request.user, pk)
    if not permissions.is_decider(request.user, assessment.round_agency):
        raise Http404
    answer = request.POST.get("final_answer", "")
    reason = request.POST.get("final_reason", "")
    version = int_or_none(request.POST.get("version")) or 0
    try:
        services.assessment_finalise(
            assessment=assessment, by=request.user, version=version, answer=answer, reason=reason
        )
    except (Refused, scoring.AnswerError) as refusal:
        posted = {"final_answer": answer, "final_reason": reason}
        return refused_detail(request, pk, refusal, panel="final", posted=posted)
    messages.success(request, _("Nilai akhir ditetapkan."))
    return redirect("evaluations:lke_assessment", assessment.pk)


@login_required
@require_POST
def appeal(request, pk: int):
    assessment = selectors.get_assessment_for_user(request.user, pk)
    if not permissions.is_agency_agent(request.user, assessment.round_agency):
        raise Http404
    reason = request.POST.get("appeal_reason", "")
    version = int_or_none(request.POST.get("version")) or 0
    try:
        services.assessment_appeal(
            assessment=assessment, by=request.user, version=version, reason=reason
        )
    except Refused as refusal:
        return refused_detail(
            request, pk, refusal, panel="appeal", posted={"appeal_reason": reason}
        )
    messages.success(request, _("Sanggahan diajukan; evaluator akan memutusnya."))
    return redirect("evaluations:lke_assessment", assessment.pk)


@login_required
@require_POST
def appeal_decide(request, pk: int):
    assessment = selectors.get_assessment_for_user(request.user, pk)
    if not permissions.is_decider(request.user, assessment.round_agency):
        raise Http404
    accept = request.POST.get("decision") == "accept"
    answer = request.POST.get("final_answer", "")
    reason = request.POST.get("reason", "")
    version = int_or_none(request.POST.get("version")) or 0
    try:
        services.assessment_appeal_decide(
            assessment=assessment,
            by=request.user,
            version=version,
            accept=accept,
            answer=answer,
            reason=reason,
        )
    except (Refused, scoring.AnswerError) as refusal:
        posted = {"final_answer": answer, "reason": reason}
        return refused_detail(request, pk, refusal, panel="decide", posted=posted)
    if accept:
        messages.success(request, _("Sanggahan diterima; nilai akhir diubah."))
    else:
        messages.success(request, _("Sanggahan ditolak; nilai akhir tetap."))
    return redirect("evaluations:lke_assessment", assessment.pk)
