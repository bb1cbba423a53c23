"""Scoped reads of the agenda perubahan and what each of its pages shows; outside the user's scope
is a 404 (docs/ARCHITECTURE.md §2)."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from berakhlak.models import Agency, CoreValue, Role, User
from berakhlak.permissions import in_scope, role_paths
from evaluations.lke import selectors as lke_selectors
from evaluations.models import Round, RoundAgency
from evaluations.plans import permissions, services
from evaluations.plans.forms import checklist_text
from evaluations.plans.models import (
    Action,
    ActionPlan,
    CultureTeam,
    PlanStatus,
    Roadmap,
    TeamRole,
)
from evaluations.plans.team import EDITORS

# Who sees an agency's team, roadmap and plans' effect (its panel); EDITORS change them.
PANEL_READERS = (*EDITORS, Role.EVALUATOR)


# --- scoped fetches ------------------------------------------------------------------------------


def get_round_agency_for_user(user: User, pk: int) -> RoundAgency:
    round_agency = get_object_or_404(
        RoundAgency.objects.select_related("round__root", "agency"),
        pk=pk,
        depth=services.PLAN_DEPTH,
    )
    if not permissions.can_view(user, round_agency):
        raise Http404
    return round_agency


def get_action_for_editor(user: User, pk: int) -> tuple[Action, RoundAgency]:
    """An action the user may edit, with its plan's agency; 404 otherwise."""
    action = get_object_or_404(
        Action.objects.select_related("plan__round_agency__round", "plan__round_agency__agency"),
        pk=pk,
    )
    round_agency = get_round_agency_for_user(user, action.plan.round_agency_id)
    if not permissions.can_edit(user, round_agency):
        raise Http404
    return action, round_agency


def get_agency_for_user(user: User, code: str, *, edit: bool = False) -> Agency:
    agency = get_object_or_404(Agency, code=code)
    if not in_scope(user, agency, EDITORS if edit else PANEL_READERS):
        raise Http404
    return agency


def plan_of(round_agency: RoundAgency) -> ActionPlan | None:
    return ActionPlan.objects.filter(round_agency=round_agency).first()


# --- pages ---------------------------------------------------------------------------------------


def plans_home(user: User) -> dict:
    """The plans the user works on (published rounds, their agencies), newest round first, and
    the published rounds they administer; 404 when there are neither."""
    paths = role_paths(user, (Role.CHANGE_AGENT, Role.LEADER))
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
        if permissions.is_admin(user, r)
    ]
    if not rows and not admin_rounds:
        raise Http404
    return {"rows": rows, "admin_rounds": admin_rounds}


def plan_context(
    user: User, round_agency: RoundAgency, plan: ActionPlan | None, gaps: dict | None = None
) -> dict:
    """The agency's plan page; `gaps` (a refused submission's) are shown next to their actions."""
    editable = (
        plan is not None
        and permissions.can_edit(user, round_agency)
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
        "can_edit": permissions.can_edit(user, round_agency),
        "editable": editable,
        "can_approve": plan is not None and permissions.can_approve(user, round_agency),
        "is_admin": permissions.is_admin(user, round_agency.round),
        "comments": plan.comments.select_related("author__employee") if plan else [],
        "published": round_agency.round.status in services.PUBLISHED,
        "form": None,
        "refused": bool(gaps),
    }


def action_initial(action: Action) -> dict:
    """What the action form starts with: what is stored, and the suggested dates while empty."""
    return {
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


def board_context(user: User, *, round_pk: str | None, state: str) -> dict:
    """The board of one published round (`round_pk`, else the newest) for its admins and for
    leaders (their agencies), optionally only the rows in `state`; 404 when there is no round."""
    rounds = [
        r
        for r in Round.objects.filter(status__in=services.PUBLISHED).order_by("-year", "-pk")
        if permissions.is_admin(user, r) or role_paths(user, (Role.LEADER,))
    ]
    if not rounds:
        raise Http404
    round = next((r for r in rounds if str(r.pk) == round_pk), rounds[0])
    agencies = None
    if not permissions.is_admin(user, round):
        q = Q()
        for path in role_paths(user, (Role.LEADER,)):
            q |= Q(path__startswith=path)
        agencies = Agency.objects.filter(q)
    rows = services.board_rows(round, agencies=agencies)
    counts = {key: sum(1 for r in rows if r.state == key) for key in services.STATE_LABELS}
    if state in services.STATE_LABELS:
        rows = [r for r in rows if r.state == state]
    return {
        "rounds": rounds,
        "round": round,
        "rows": rows,
        "state": state,
        "counts": counts,
        "labels": services.STATE_LABELS,
        "is_admin": permissions.is_admin(user, round),
    }


def team_of(agency: Agency) -> CultureTeam | None:
    return CultureTeam.objects.filter(agency=agency).first()  # created by its first write


def _team_parts(agency: Agency, team: CultureTeam | None) -> dict:
    return {
        "agency": agency,
        "team": team,
        "members": team.members.select_related("employee") if team else [],
        "roadmaps": Roadmap.objects.filter(agency=agency).prefetch_related("years__focus_values"),
    }


def agency_panel_context(user: User, agency: Agency) -> dict:
    """The agency page's panel: culture team, roadmaps and, per published round, the actions
    planned for each value with how its index moved."""
    loops = []
    for round_agency in (
        RoundAgency.objects.filter(agency=agency, round__status__in=services.PUBLISHED)
        .select_related("round")
        .order_by("-round__year")
    ):
        entries = services.actions_by_value(agency, round_agency.round)
        if entries:
            loops.append((round_agency.round, entries))
    return {
        **_team_parts(agency, team_of(agency)),
        "loops": loops,
        "can_edit": in_scope(user, agency, EDITORS),
    }


def team_context(user: User, agency: Agency, team: CultureTeam | None) -> dict:
    """The team page: members, roadmaps, and the criteria the team may be attached to as evidence
    (or why none)."""
    targets = lke_selectors.evidence_targets(user, agency)
    return {
        **_team_parts(agency, team),
        "roles": TeamRole.choices,
        "values": CoreValue.objects.all(),
        "evidence_targets": targets,
        "evidence_none_reason": ""
        if targets
        else lke_selectors.evidence_targets_none_reason(user, agency),
    }
