"""Agenda perubahan pages: the agency's plan, an action, the Biro Organisasi's board, the export,
and the agency page panel (culture team, roadmap, actions and their effect)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from berakhlak.models import CoreValue
from berakhlak.refusals import Refused
from berakhlak.spreadsheet import XLSX_TYPE
from evaluations.models import Round
from evaluations.plans import permissions, selectors, services
from evaluations.plans import team as teams
from evaluations.plans.forms import ActionForm, RoadmapForm, TeamForm, checklist_parse
from evaluations.plans.models import PlanStatus, RoadmapYear

# What the plan page says after each of its buttons (services.plan_act).
PLAN_DONE = {
    "submit": gettext_lazy("Rencana diajukan kepada pimpinan."),
    "approve": gettext_lazy("Rencana aksi disetujui."),
    "return": gettext_lazy("Rencana dikembalikan untuk diperbaiki."),
    "comment": gettext_lazy("Komentar disimpan."),
}


@login_required
def plans_home(request):
    """The plans the user works on (published rounds, their agencies), newest round first."""
    return render(request, "evaluations/plans/home.html", selectors.plans_home(request.user))


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request, pk: int):
    round_agency = selectors.get_round_agency_for_user(request.user, pk)
    plan = selectors.plan_of(round_agency)
    if request.method == "POST":
        return _plan_post(request, round_agency, plan)
    context = selectors.plan_context(request.user, round_agency, plan)
    return render(request, "evaluations/plans/plan.html", context)


def _plan_post(request, round_agency, plan):
    """One button of the plan page through its service; back to the page, or to the new action."""
    op, by = request.POST.get("op", ""), request.user
    if op != "start" and (plan is None or (op != "suggest" and op not in PLAN_DONE)):
        raise Http404
    try:
        if op == "start":
            services.plan_start(round_agency=round_agency, by=by)
        elif op == "suggest":
            value = get_object_or_404(CoreValue, code=request.POST.get("value", ""))
            action = services.action_from_suggestion(plan=plan, value=value, by=by)
            messages.success(
                request,
                _("Kegiatan untuk %(value)s ditambahkan; lengkapi uraiannya.")
                % {"value": value.name},
            )
            return redirect("evaluations:plan_action", action.pk)
        else:
            services.plan_act(plan=plan, by=by, op=op, text=request.POST.get("text", ""))
            messages.success(request, PLAN_DONE[op])
    except services.PlanIncomplete as refused:
        # The refusal on the plan page itself: each gap next to its action.
        context = selectors.plan_context(by, round_agency, plan, gaps=refused.gaps)
        context["refusal"] = refused.messages[0]
        return render(request, "evaluations/plans/plan.html", context, status=400)
    except Refused as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    return redirect("evaluations:plan_detail", round_agency.pk)


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, pk: int):
    action, round_agency = selectors.get_action_for_editor(request.user, pk)
    plan = action.plan
    if request.method == "POST" and request.POST.get("op") == "delete":
        return _action_delete(request, action, round_agency)
    form = ActionForm(
        request.POST or None,
        initial=selectors.action_initial(action),
        round_agency=round_agency,
        value=action.value,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        title, url = data.pop("link_title"), data.pop("link_url")
        data["checklist"] = checklist_parse(data["checklist"])
        link = (title, url) if title and url else None
        try:
            services.action_save(plan=plan, by=request.user, action=action, link=link, **data)
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


def _action_delete(request, action, round_agency):
    try:
        services.action_delete(action=action, by=request.user)
    except Refused as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("evaluations:plan_action", action.pk)
    messages.success(request, _("Kegiatan dihapus."))
    return redirect("evaluations:plan_detail", round_agency.pk)


@login_required
def board(request):
    context = selectors.board_context(
        request.user, round_pk=request.GET.get("putaran"), state=request.GET.get("status", "")
    )
    return render(request, "evaluations/plans/board.html", context)


@login_required
def board_export(request, pk: int):
    round = get_object_or_404(Round, pk=pk)
    if not permissions.is_admin(request.user, round):
        raise Http404
    response = HttpResponse(services.plans_workbook(round), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="rencana-aksi-{round.year}.xlsx"'
    return response


# --- the agency page's panel, culture team and roadmap -------------------------------------------


@login_required
def agency_panel(request, code: str):
    agency = selectors.get_agency_for_user(request.user, code)
    context = selectors.agency_panel_context(request.user, agency)
    return render(request, "evaluations/plans/_agency_panel.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, code: str):
    agency = selectors.get_agency_for_user(request.user, code, edit=True)
    team = selectors.team_of(agency)
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
    context = selectors.team_context(request.user, agency, team)
    context.update(
        {
            "form": form,
            "roadmap_form": roadmap_form,
            "member_posted": request.POST if op == "member" else {},
        }
    )
    return render(request, "evaluations/plans/team.html", context, status=status)


def _number(text: str | None) -> int:
    """A posted id; anything but digits is no id (0), which the services refuse or ignore."""
    return int(text) if text and text.isdigit() else 0


def _team_write(request, agency, op: str | None, form, roadmap_form) -> bool:
    """One write of the team page through its service; True when the page should reload (done, or
    refused with a message), False to show the page again with what was typed and why not."""
    write = TEAM_WRITES.get(op)
    if write is None:
        return False
    try:
        return write(request, agency, form=form, roadmap_form=roadmap_form)
    except Refused as refusal:
        messages.error(request, " ".join(refusal.messages))
        return op != "member"  # the NIP and role typed stay in the form


def _team_sk(request, agency, *, form, **_forms) -> bool:
    if not form.is_valid():
        return False
    teams.team_sk_save(agency=agency, by=request.user, **form.cleaned_data)
    messages.success(request, _("SK tim disimpan."))
    return True


def _team_member(request, agency, **_forms) -> bool:
    post = request.POST
    member = teams.team_member_set(
        agency=agency, by=request.user, nip=post.get("nip", ""), role=post.get("role", "")
    )
    messages.success(request, _("%(name)s ditambahkan ke tim.") % {"name": member.employee.name})
    return True


def _team_evidence(request, agency, **_forms) -> bool:
    evidence = services.team_as_evidence(
        user=request.user, agency=agency, assessment_id=_number(request.POST.get("assessment"))
    )
    messages.success(
        request,
        _("Susunan tim dilampirkan sebagai bukti kriteria %(code)s.")
        % {"code": evidence.assessment.criterion.code},
    )
    return True


def _team_member_remove(request, agency, **_forms) -> bool:
    member_id = _number(request.POST.get("member"))
    teams.team_member_remove(agency=agency, by=request.user, member_id=member_id)
    return True


def _roadmap(request, agency, *, roadmap_form, **_forms) -> bool:
    if not roadmap_form.is_valid():
        return False
    teams.roadmap_create(agency=agency, by=request.user, **roadmap_form.cleaned_data)
    messages.success(request, _("Peta jalan dibuat; isi fokus dan tonggak tiap tahun."))
    return True


def _roadmap_year(request, agency, **_forms) -> bool:
    post = request.POST
    year = get_object_or_404(
        RoadmapYear.objects.select_related("roadmap"),
        pk=_number(post.get("year")),
        roadmap__agency=agency,
    )
    teams.roadmap_year_save(
        agency=agency,
        by=request.user,
        year=year,
        milestones=post.get("milestones", ""),
        focus=post.getlist("focus"),
    )
    messages.success(request, _("Tahun %(year)s disimpan.") % {"year": year.year})
    return True


# The team page's forms, by the `op` each sends.
TEAM_WRITES = {
    "team": _team_sk,
    "member": _team_member,
    "evidence": _team_evidence,
    "remove": _team_member_remove,
    "roadmap": _roadmap,
    "year": _roadmap_year,
}
