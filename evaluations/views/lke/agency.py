"""Change agents' workspace: the agency's worksheet, one criterion, evidence files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from berakhlak.refusals import Refused
from evaluations import scoring
from evaluations.lke import permissions, selectors, services
from evaluations.models import AssessmentStatus, Evidence
from evaluations.selectors import rounds_for_admin
from evaluations.uploads import ALLOWED_LABEL, UploadError, display_name_clean, max_bytes
from evaluations.views.lke.common import int_or_none

UPLOAD_ROWS = 3
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


@login_required
def workspace(request, pk: int):
    round_agency = selectors.get_round_agency_for_user(request.user, pk)
    round = round_agency.round
    assessments = selectors.agency_assessments(round_agency)
    is_agent = permissions.is_agency_agent(request.user, round_agency)
    is_admin = permissions.is_round_admin(request.user, round)
    if not (is_agent or is_admin):
        # An evaluator sees only what the agency has submitted.
        assessments = [a for a in assessments if a.status != S.DRAFT]
    worksheet = selectors.worksheet_of(round)
    criteria = list(selectors.worksheet_criteria(worksheet)) if worksheet else []
    score = scoring.worksheet_score(assessments, criteria)
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
    context = {
        "round_agency": round_agency,
        "round": round,
        "worksheet": worksheet,
        "components": components,
        "progress": _progress(assessments),
        "is_agent": is_agent,
        "is_admin": is_admin,
        "window_open": permissions.evidence_window_open(round),
        "self_total": score.totals["self"],
        "final_total": score.totals["final"],
        "self_total_display": scoring.display(score.totals["self"], "0.1"),
        "final_total_display": scoring.display(score.totals["final"], "0.1"),
        "can_audit": permissions.can_view_audit(request.user, round_agency),
    }
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
    user = request.user
    round_agency = assessment.round_agency
    criterion = assessment.criterion
    can_self = permissions.can_self_assess(user, assessment)
    can_review = permissions.can_review(user, assessment)
    can_finalise = permissions.can_finalise(user, assessment)
    is_agent = permissions.is_agency_agent(user, round_agency)
    is_evaluator = permissions.is_assigned_evaluator(user, round_agency)
    is_admin = permissions.is_round_admin(user, round_agency.round)
    show_review = (
        is_evaluator
        or is_admin
        or assessment.status in (S.REVISION_REQUESTED, S.RESUBMITTED, S.FINAL, S.APPEALED)
    )
    final_score = (
        scoring.criterion_score(criterion, assessment.final_answer)
        if assessment.status in (S.FINAL, S.APPEALED)
        else None
    )
    return {
        "assessment": assessment,
        "criterion": criterion,
        "round_agency": round_agency,
        "round": round_agency.round,
        "options": scoring.answer_options(criterion.answer_kind),
        "is_percent": criterion.answer_kind == "PERCENT",
        "can_self": can_self,
        "can_upload": permissions.can_add_evidence(user, assessment),
        "can_review": can_review,
        "can_finalise": can_finalise,
        "can_appeal": permissions.can_appeal(user, assessment),
        "can_decide_appeal": permissions.can_decide_appeal(user, assessment),
        "is_agent": is_agent,
        "is_evaluator": is_evaluator,
        "is_admin": is_admin,
        "show_review": show_review,
        "show_evaluator_answer": is_evaluator or is_admin or assessment.status == S.FINAL,
        "evidence": selectors.current_evidence(assessment),
        "history_files": selectors.evidence_history(assessment),
        "events": events_labelled(
            assessment.events.select_related("actor__employee").order_by("-at", "-pk")
        ),
        "posted": posted or {},
        "errors": errors or [],
        "panel": panel,
        "upload_rows": range(1, UPLOAD_ROWS + 1),
        "max_mb": max_bytes() // (1024 * 1024),
        "allowed_label": ALLOWED_LABEL,
        "submit_problems": services.submit_problems(assessment) if can_self else [],
        "self_score": scoring.display(
            scoring.criterion_score(criterion, assessment.self_answer)
            if assessment.self_answer
            else None
        ),
        "evaluator_score": scoring.display(
            scoring.criterion_score(criterion, assessment.evaluator_answer)
            if assessment.evaluator_answer
            else None
        ),
        "final_score": scoring.display(final_score) if final_score is not None else "",
        "today": timezone.localdate(),
    }


def events_labelled(events) -> list:
    labels = dict(S.choices)
    rows = list(events)
    for event in rows:
        event.from_label = labels.get(event.from_status, event.from_status)
        event.to_label = labels.get(event.to_status, event.to_status)
    return rows


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
    replaces = None
    replace_id = int_or_none(request.POST.get("replaces"))
    if replace_id:
        replaces = Evidence.objects.filter(pk=replace_id, assessment=assessment).first()
        if replaces is None:
            raise Http404
    allowed = permissions.can_add_evidence(request.user, assessment)
    if not allowed:
        return render_detail(
            request, assessment, status=400, panel="evidence", errors=[allowed.reason]
        )
    saved, errors = 0, []
    rows = []
    for key, upload in request.FILES.items():
        if not key.startswith("file_"):
            continue
        suffix = key.removeprefix("file_")
        rows.append((upload, request.POST.get(f"description_{suffix}", "")))
    if not rows:
        errors.append(_("Pilih minimal satu berkas."))
    for upload, description in rows:
        try:
            services.evidence_add(
                assessment=assessment,
                by=request.user,
                fileobj=upload,
                name=upload.name,
                size=upload.size,
                description=description,
                replaces=replaces,
            )
            saved += 1
        except Refused as refusal:
            errors.extend(refusal.messages)
        except UploadError as error:
            errors.append(f"{display_name_clean(upload.name)}: {error}")
    if errors:
        fresh = selectors.get_assessment_for_user(request.user, pk)
        if saved:
            messages.success(request, _("%(n)s berkas diunggah.") % {"n": saved})
        return render_detail(request, fresh, status=400, panel="evidence", errors=errors)
    messages.success(request, _("%(n)s berkas diunggah.") % {"n": saved})
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
