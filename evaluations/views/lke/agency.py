"""Change agents' workspace: the agency's worksheet, one criterion, evidence files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from berakhlak.refusals import Refused
from evaluations import scoring
from evaluations.lke import permissions, selectors, services
from evaluations.models import AssessmentStatus
from evaluations.selectors import rounds_for_admin
from evaluations.views.lke.common import int_or_none

S = AssessmentStatus


@login_required
def lke_home(request):
    """Entry point: the agencies the user works on as change agent, evaluator or admin."""
    agent_rows = selectors.agent_round_agencies(request.user)
    evaluator_rows = selectors.evaluator_round_agencies(request.user)
    admin_rounds = list(rounds_for_admin(request.user))
    if not (agent_rows or evaluator_rows or admin_rounds):
        raise Http404
    context = {
        "agent_rows": agent_rows,
        "evaluator_rows": evaluator_rows,
        "admin_rounds": admin_rounds,
    }
    return render(request, "evaluations/lke/home.html", context)


@login_required
def workspace(request, pk: int):
    round_agency = selectors.get_round_agency_for_user(request.user, pk)
    context = selectors.workspace_context(request.user, round_agency)
    return render(request, "evaluations/lke/workspace.html", context)


@login_required
@require_POST
def submit_all(request, pk: int):
    round_agency = selectors.get_round_agency_for_user(request.user, pk)
    if not permissions.is_agency_agent(request.user, round_agency):
        raise Http404
    submitted, problems = services.assessments_submit_all(
        round_agency=round_agency, by=request.user
    )
    if submitted:
        messages.success(request, _("%(n)s kriteria diajukan untuk dinilai.") % {"n": submitted})
    if problems:
        messages.warning(
            request,
            _("Belum diajukan: %(list)s") % {"list": "; ".join(problems)},
        )
    if not submitted and not problems:
        messages.info(request, _("Tidak ada kriteria yang menunggu diajukan."))
    return redirect("evaluations:lke_workspace", round_agency.pk)


# --- one criterion ---------------------------------------------------------------------------------


def detail_context(request, assessment, *, posted=None, errors=None, panel="") -> dict:
    """The criterion's page with what the user typed, the reasons a write was refused, the panel."""
    context = selectors.assessment_context(request.user, assessment)
    context.update({"posted": posted or {}, "errors": errors or [], "panel": panel})
    return context


def render_detail(request, assessment, *, status=200, **kwargs):
    return render(
        request,
        "evaluations/lke/assessment.html",
        detail_context(request, assessment, **kwargs),
        status=status,
    )


@login_required
def assessment_detail(request, pk: int):
    assessment = selectors.get_assessment_for_user(request.user, pk)
    return render_detail(request, assessment)


def refused_detail(request, pk: int, error: Exception, *, panel: str, posted: dict):
    """A refused write on one criterion: its page again, read fresh, with what the user typed and
    the reasons; 409 when someone else changed it meanwhile, 400 otherwise."""
    errors = getattr(error, "messages", None) or [str(error)]
    status = 409 if isinstance(error, services.ConcurrentEdit) else 400
    fresh = selectors.get_assessment_for_user(request.user, pk)
    return render_detail(request, fresh, status=status, panel=panel, posted=posted, errors=errors)


@login_required
@require_POST
def self_save(request, pk: int):
    assessment = selectors.get_assessment_for_user(request.user, pk)
    if not permissions.is_agency_agent(request.user, assessment.round_agency):
        raise Http404
    version = int_or_none(request.POST.get("version")) or 0
    answer = request.POST.get("self_answer", "")
    narrative = request.POST.get("self_narrative", "")
    try:
        assessment = services.assessment_self_save(
            assessment=assessment,
            by=request.user,
            version=version,
            answer=answer,
            narrative=narrative,
        )
        if request.POST.get("action") == "submit":
            assessment = services.assessment_submit(
                assessment=assessment, by=request.user, version=assessment.version
            )
    except (Refused, scoring.AnswerError) as refusal:
        posted = {"self_answer": answer, "self_narrative": narrative}
        return refused_detail(request, pk, refusal, panel="self", posted=posted)
    if assessment.status in (S.SUBMITTED, S.RESUBMITTED):
        messages.success(
            request, _("Kriteria %(code)s diajukan.") % {"code": assessment.criterion.code}
        )
    else:
        messages.success(request, _("Penilaian mandiri disimpan."))
    return redirect("evaluations:lke_assessment", assessment.pk)


@login_required
@require_POST
def evidence_upload(request, pk: int):
    assessment = selectors.get_assessment_for_user(request.user, pk)
    if not permissions.is_agency_agent(request.user, assessment.round_agency):
        raise Http404
    replaces = selectors.get_replaced_evidence(
        assessment, int_or_none(request.POST.get("replaces"))
    )
    files = [
        (upload, request.POST.get(f"description_{key.removeprefix('file_')}", ""))
        for key, upload in request.FILES.items()
        if key.startswith("file_")
    ]
    try:
        saved, errors = services.evidence_add_files(
            assessment=assessment, by=request.user, files=files, replaces=replaces
        )
    except Refused as refusal:
        return render_detail(
            request, assessment, status=400, panel="evidence", errors=refusal.messages
        )
    if saved:
        messages.success(request, _("%(n)s berkas diunggah.") % {"n": saved})
    if errors:
        fresh = selectors.get_assessment_for_user(request.user, pk)
        return render_detail(request, fresh, status=400, panel="evidence", errors=errors)
    return redirect("evaluations:lke_assessment", assessment.pk)


@login_required
@require_POST
def evidence_withdraw(request, pk: int):
    evidence = selectors.get_evidence_for_user(request.user, pk)
    if not permissions.is_agency_agent(request.user, evidence.assessment.round_agency):
        raise Http404
    try:
        services.evidence_withdraw(
            evidence=evidence, by=request.user, reason=request.POST.get("reason", "")
        )
    except Refused as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Berkas \u201c%(name)s\u201d ditarik; tetap tersimpan di riwayat.")
            % {"name": evidence.original_name},
        )
    return redirect("evaluations:lke_assessment", evidence.assessment_id)


@login_required
def evidence_download(request, pk: int):
    evidence = selectors.get_evidence_for_user(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
