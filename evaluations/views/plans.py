"""Agenda perubahan pages: the agency's plan, an action, the Biro Organisasi's board, the export,
and the agency page panel (culture team, roadmap, actions and their effect)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from berakhlak.models import Agency, CoreValue, Role
from berakhlak.permissions import in_scope, role_paths
from berakhlak.refusals import Refused
from evaluations.lke import selectors as lke_selectors
from evaluations.models import Round, RoundAgency
from evaluations.plans import services
from evaluations.plans import team as teams
from evaluations.plans.forms import (
    ActionForm,
    RoadmapForm,
    TeamForm,
    checklist_parse,
    checklist_text,
)
from evaluations.plans.models import (
    Action,
    ActionPlan,
    CultureTeam,
    PlanStatus,
    Roadmap,
    RoadmapYear,
    TeamRole,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _round_agency(user, pk: int) -> RoundAgency:
    round_agency = get_object_or_404(
        RoundAgency.objects.select_related("round__root", "agency"),
        pk=pk,
        depth=services.PLAN_DEPTH,
    )
    if not services.can_view(user, round_agency):
        raise Http404
    return round_agency


@login_required
def plans_home(request):
    """The plans the user works on (published rounds, their agencies), newest round first."""
    paths = role_paths(request.user, (Role.CHANGE_AGENT, Role.LEADER))
    q = Q()
    for path in paths:
        q |= Q(agency__path__startswith=path)
    rows = []
    if paths:
        rows = list(
            RoundAgency.objects.filter(
                q, depth=services.PLAN_DEPTH, round__status__in=services.PUBLISHED
            )
            .select_related("round", "action_plan")
            .order_by("-round__year", "name")
        )
    admin_rounds = [
        r
        for r in Round.objects.filter(status__in=services.PUBLISHED)
        if services.is_admin(request.user, r)
    ]
    if not rows and not admin_rounds:
        raise Http404
    return render(
        request, "evaluations/plans/home.html", {"rows": rows, "admin_rounds": admin_rounds}
    )


def _plan_context(request, round_agency, plan, form=None, gaps=None) -> dict:
    user = request.user
    editable = (
        plan is not None
        and services.can_edit(user, round_agency)
        and plan.status != PlanStatus.APPROVED
    )
    taken = set(plan.actions.values_list("value__code", flat=True)) if plan else set()
    actions = (
        list(plan.actions.select_related("value", "owner").prefetch_related("evidence", "links"))
        if plan
        else []
    )
    for action in actions:
        # What each action lacks before the plan may be submitted, shown next to it while a draft.
        action.gaps = (gaps or {}).get(action.pk) or (
            services.action_gaps(action) if plan.status == PlanStatus.DRAFT else []
        )
    return {
        "round_agency": round_agency,
        "round": round_agency.round,
        "plan": plan,
        "actions": actions,
        "suggestions": [s for s in services.suggestions(round_agency) if s.value.code not in taken],
        "can_edit": services.can_edit(user, round_agency),
        "editable": editable,
        "can_approve": plan is not None and services.can_approve(user, round_agency),
        "is_admin": services.is_admin(user, round_agency.round),
        "comments": plan.comments.select_related("author__employee") if plan else [],
        "published": round_agency.round.status in services.PUBLISHED,
        "form": form,
        "refused": bool(gaps),
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request, pk: int):
    round_agency = _round_agency(request.user, pk)
    plan = ActionPlan.objects.filter(round_agency=round_agency).first()
    if request.method == "POST":
        op = request.POST.get("op", "")
        try:
            if op == "start":
                plan = services.plan_start(round_agency=round_agency, by=request.user)
            elif plan is None:
                raise Http404
            elif op == "suggest":
                value = get_object_or_404(CoreValue, code=request.POST.get("value", ""))
                action = services.action_from_suggestion(plan=plan, value=value, by=request.user)
                messages.success(
                    request,
                    _("Kegiatan untuk %(value)s ditambahkan; lengkapi uraiannya.")
                    % {"value": value.name},
                )
                return redirect("evaluations:plan_action", action.pk)
            elif op == "submit":
                services.plan_submit(plan=plan, by=request.user)
                messages.success(request, _("Rencana diajukan kepada pimpinan."))
            elif op == "approve":
                services.plan_approve(plan=plan, by=request.user)
                messages.success(request, _("Rencana aksi disetujui."))
            elif op == "return":
                services.plan_return(
                    plan=plan, by=request.user, comment=request.POST.get("text", "")
                )
                messages.success(request, _("Rencana dikembalikan untuk diperbaiki."))
            elif op == "comment":
                services.plan_comment(plan=plan, by=request.user, text=request.POST.get("text", ""))
                messages.success(request, _("Komentar disimpan."))
            else:
                raise Http404
        except services.PlanIncomplete as refused:
            # The refusal on the plan page itself: each gap next to its action.
            context = _plan_context(request, round_agency, plan, gaps=refused.gaps)
            context["refusal"] = refused.messages[0]
            return render(request, "evaluations/plans/plan.html", context, status=400)
        except Refused as refusal:
            for message in refusal.messages:
                messages.error(request, message)
        return redirect("evaluations:plan_detail", round_agency.pk)
    return render(
        request, "evaluations/plans/plan.html", _plan_context(request, round_agency, plan)
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, pk: int):
    action = get_object_or_404(
        Action.objects.select_related("plan__round_agency__round", "plan__round_agency__agency"),
        pk=pk,
    )
    plan = action.plan
    round_agency = _round_agency(request.user, plan.round_agency_id)
    if not services.can_edit(request.user, round_agency):
        raise Http404
    initial = {
        "value": action.value,
        "description": action.description,
        "owner": action.owner,
        **services.action_suggested_initial(action),
        "target": action.target,
        "status": action.status,
        "progress": action.progress,
        "checklist": checklist_text(action.checklist),
        "evidence": list(action.evidence.all()),
    }
    form = ActionForm(
        request.POST or None, initial=initial, round_agency=round_agency, value=action.value
    )
    if request.method == "POST":
        if request.POST.get("op") == "delete":
            try:
                services.action_delete(action=action, by=request.user)
            except Refused as refusal:
                messages.error(request, " ".join(refusal.messages))
                return redirect("evaluations:plan_action", action.pk)
            messages.success(request, _("Kegiatan dihapus."))
            return redirect("evaluations:plan_detail", round_agency.pk)
        if form.is_valid():
            data = dict(form.cleaned_data)
            title, url = data.pop("link_title"), data.pop("link_url")
            data["checklist"] = checklist_parse(data["checklist"])
            try:
                services.action_save(
                    plan=plan,
                    by=request.user,
                    action=action,
                    link=(title, url) if title and url else None,
                    **data,
                )
            except Refused as refusal:
                form.add_error(None, " ".join(refusal.messages))
            else:
                messages.success(request, _("Kegiatan disimpan."))
                return redirect("evaluations:plan_detail", round_agency.pk)
    context = {
        "action": action,
        "plan": plan,
        "round_agency": round_agency,
        "form": form,
        "approved": plan.status == PlanStatus.APPROVED,
    }
    return render(request, "evaluations/plans/action.html", context)


@login_required
def board(request):
    rounds = [
        r
        for r in Round.objects.filter(status__in=services.PUBLISHED).order_by("-year", "-pk")
        if services.is_admin(request.user, r) or role_paths(request.user, (Role.LEADER,))
    ]
    if not rounds:
        raise Http404
    round = next((r for r in rounds if str(r.pk) == request.GET.get("putaran")), rounds[0])
    agencies = None
    if not services.is_admin(request.user, round):
        q = Q()
        for path in role_paths(request.user, (Role.LEADER,)):
            q |= Q(path__startswith=path)
        agencies = Agency.objects.filter(q)
    rows = services.board_rows(round, agencies=agencies)
    state = request.GET.get("status", "")
    counts = {key: sum(1 for r in rows if r.state == key) for key in services.STATE_LABELS}
    if state in services.STATE_LABELS:
        rows = [r for r in rows if r.state == state]
    context = {
        "rounds": rounds,
        "round": round,
        "rows": rows,
        "state": state,
        "counts": counts,
        "labels": services.STATE_LABELS,
        "is_admin": services.is_admin(request.user, round),
    }
    return render(request, "evaluations/plans/board.html", context)


@login_required
def board_export(request, pk: int):
    round = get_object_or_404(Round, pk=pk)
    if not services.is_admin(request.user, round):
        raise Http404
    response = HttpResponse(services.plans_workbook(round), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="rencana-aksi-{round.year}.xlsx"'
    return response


# --- the agency page's panel, culture team and roadmap -------------------------------------------


def _agency(user, code: str, *, edit: bool = False) -> Agency:
    agency = get_object_or_404(Agency, code=code)
    roles = (
        (Role.CHANGE_AGENT, Role.LEADER, Role.ADMIN)
        if edit
        else (Role.CHANGE_AGENT, Role.LEADER, Role.ADMIN, Role.EVALUATOR)
    )
    if not in_scope(user, agency, roles):
        raise Http404
    return agency


@login_required
def agency_panel(request, code: str):
    agency = _agency(request.user, code)
    team = CultureTeam.objects.filter(agency=agency).first()
    loops = []
    for round_agency in (
        RoundAgency.objects.filter(agency=agency, round__status__in=services.PUBLISHED)
        .select_related("round")
        .order_by("-round__year")
    ):
        entries = services.actions_by_value(agency, round_agency.round)
        if entries:
            loops.append((round_agency.round, entries))
    context = {
        "agency": agency,
        "team": team,
        "members": team.members.select_related("employee") if team else [],
        "roadmaps": Roadmap.objects.filter(agency=agency).prefetch_related("years__focus_values"),
        "loops": loops,
        "can_edit": in_scope(request.user, agency, (Role.CHANGE_AGENT, Role.LEADER, Role.ADMIN)),
    }
    return render(request, "evaluations/plans/_agency_panel.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, code: str):
    agency = _agency(request.user, code, edit=True)
    team = CultureTeam.objects.filter(agency=agency).first()  # created by its first write
    op = request.POST.get("op") if request.method == "POST" else None
    # Each form is bound only when it was the one sent: the others keep showing what is stored.
    form = TeamForm(
        request.POST if op == "team" else None,
        initial={"sk_number": team.sk_number, "sk_date": team.sk_date} if team else {},
    )
    roadmap_form = RoadmapForm(request.POST if op == "roadmap" else None, prefix="roadmap")
    status = 200
    if op is not None:
        if _team_write(request, agency, op, form, roadmap_form):
            return redirect("evaluations:plan_team", agency.code)
        status = 400
    targets = lke_selectors.evidence_targets(request.user, agency)
    context = {
        "agency": agency,
        "team": team,
        "form": form,
        "roadmap_form": roadmap_form,
        "members": team.members.select_related("employee") if team else [],
        "roles": TeamRole.choices,
        "roadmaps": Roadmap.objects.filter(agency=agency).prefetch_related("years__focus_values"),
        "values": CoreValue.objects.all(),
        "evidence_targets": targets,
        "evidence_none_reason": ""
        if targets
        else lke_selectors.evidence_targets_none_reason(request.user, agency),
        "member_posted": request.POST if op == "member" else {},
    }
    return render(request, "evaluations/plans/team.html", context, status=status)


def _number(text: str | None) -> int:
    """A posted id; anything but digits is no id (0), which the services refuse or ignore."""
    return int(text) if text and text.isdigit() else 0


def _team_write(request, agency: Agency, op: str | None, form, roadmap_form) -> bool:
    """One write of the team page through its service; True when the page should reload (done, or
    refused with a message), False to show the page again with what was typed and why not."""
    by, post = request.user, request.POST
    try:
        if op == "team":
            if not form.is_valid():
                return False
            teams.team_sk_save(agency=agency, by=by, **form.cleaned_data)
            messages.success(request, _("SK tim disimpan."))
        elif op == "member":
            member = teams.team_member_set(
                agency=agency, by=by, nip=post.get("nip", ""), role=post.get("role", "")
            )
            messages.success(
                request, _("%(name)s ditambahkan ke tim.") % {"name": member.employee.name}
            )
        elif op == "evidence":
            evidence = services.team_as_evidence(
                user=by, agency=agency, assessment_id=_number(post.get("assessment"))
            )
            messages.success(
                request,
                _("Susunan tim dilampirkan sebagai bukti kriteria %(code)s.")
                % {"code": evidence.assessment.criterion.code},
            )
        elif op == "remove":
            teams.team_member_remove(agency=agency, by=by, member_id=_number(post.get("member")))
        elif op == "roadmap":
            if not roadmap_form.is_valid():
                return False
            teams.roadmap_create(agency=agency, by=by, **roadmap_form.cleaned_data)
            messages.success(request, _("Peta jalan dibuat; isi fokus dan tonggak tiap tahun."))
        elif op == "year":
            year = get_object_or_404(
                RoadmapYear.objects.select_related("roadmap"),
                pk=_number(post.get("year")),
                roadmap__agency=agency,
            )
            teams.roadmap_year_save(
                agency=agency,
                by=by,
                year=year,
                milestones=post.get("milestones", ""),
                focus=post.getlist("focus"),
            )
            messages.success(request, _("Tahun %(year)s disimpan.") % {"year": year.year})
        else:
            return False
    except Refused as refusal:
        messages.error(request, " ".join(refusal.messages))
        if op == "member":
            return False  # the NIP and role typed stay in the form
    return True
