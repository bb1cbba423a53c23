"""Response-rate board: who was invited and how many answered, per agency of a round's snapshot.

Counts of participation only (WHO took part, in numbers): never an answer, never a name. Scope:
admins see every agency of their subtree, change agents and leaders their own agency subtree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from berakhlak.models import Role, User
from berakhlak.permissions import role_paths
from evaluations.models import Round, RoundAgency, RoundStatus
from surveys.models import PaperImport, Participation, ParticipationStatus

BOARD_ROLES = (Role.ADMIN, Role.CHANGE_AGENT, Role.LEADER)
BOARD_STATUSES = (
    RoundStatus.OPEN,
    RoundStatus.CLOSED,
    RoundStatus.COMPUTED,
    RoundStatus.PUBLISHED,
)


@dataclass
class BoardRow:
    agency: RoundAgency
    invited: int = 0
    started: int = 0
    submitted: int = 0
    paper: int = 0
    reminders: int = 0
    # Totals over the agency and every unit below it (equal to the own figures for a leaf).
    tree_invited: int = 0
    tree_completed: int = 0
    children: list = field(default_factory=list)

    @property
    def completed(self) -> int:
        return self.submitted + self.paper

    @property
    def percent(self) -> int:
        return _percent(self.completed, self.invited)

    @property
    def tree_percent(self) -> int:
        return _percent(self.tree_completed, self.tree_invited)

    @property
    def needed(self) -> int:
        return self.agency.min_respondents_needed()

    @property
    def minimum_met(self) -> bool:
        return self.completed >= self.needed

    @property
    def has_children(self) -> bool:
        return bool(self.children)


def _percent(part: int, whole: int) -> int:
    return min(100, round(part * 100 / whole)) if whole else 0


def _scope_q(user: User, prefix: str = "agency__path") -> Q | None:
    """Filter for the round agencies the user may see; None means none at all."""
    if user.is_superuser:
        return Q()
    paths = role_paths(user, BOARD_ROLES)
    if not paths:
        return None
    q = Q()
    for path in paths:
        q |= Q(**{f"{prefix}__startswith": path})
    return q


def board_rounds_for_user(user: User) -> QuerySet[Round]:
    """Rounds with a board the user may open: at least one of its agencies is in their scope."""
    q = _scope_q(user)
    if q is None or not user.is_authenticated:
        return Round.objects.none()
    visible = RoundAgency.objects.filter(q).values("round_id")
    return Round.objects.filter(status__in=BOARD_STATUSES, pk__in=visible).order_by("-year", "-pk")


def get_board_round_for_user(user: User, pk: int) -> Round:
    round = board_rounds_for_user(user).filter(pk=pk).first()
    if round is None:
        raise Http404
    return round


def board_agencies_for_user(user: User, round: Round) -> QuerySet[RoundAgency]:
    q = _scope_q(user)
    if q is None:
        return RoundAgency.objects.none()
    return RoundAgency.objects.filter(q, round=round).select_related("round").order_by("path")


def get_board_agency_for_user(user: User, round: Round, code: str) -> RoundAgency:
    agency = board_agencies_for_user(user, round).filter(code=code).first()
    if agency is None:
        raise Http404
    return agency


def board_rows(user: User, round: Round) -> list[BoardRow]:
    """One row per visible agency (tree order) with own and subtree figures; three GROUP BYs."""
    agencies = list(board_agencies_for_user(user, round))
    if not agencies:
        return []
    # Figures are computed over the whole round so subtree totals include every unit below.
    everything = {a.pk: BoardRow(agency=a) for a in RoundAgency.objects.filter(round=round)}
    participation = (
        Participation.objects.filter(round=round)
        .values("round_agency_id")
        .annotate(
            invited=Count("pk"),
            started=Count("pk", filter=Q(status=ParticipationStatus.STARTED)),
            submitted=Count("pk", filter=Q(status=ParticipationStatus.SUBMITTED)),
            reminders=Count("pk", filter=Q(reminders_sent__gt=0)),
        )
    )
    for row in participation:
        target = everything[row["round_agency_id"]]
        target.invited, target.started = row["invited"], row["started"]
        target.submitted, target.reminders = row["submitted"], row["reminders"]
    for agency_id, count in paper_counts(round).items():
        everything[agency_id].paper = count
    # Roll up from the deepest level: each row adds itself, then hands its total to its parent.
    ordered = sorted(everything.values(), key=lambda r: r.agency.depth, reverse=True)
    for row in ordered:
        row.tree_invited += row.invited
        row.tree_completed += row.completed
        parent = everything.get(row.agency.parent_id)
        if parent is not None:
            parent.tree_invited += row.tree_invited
            parent.tree_completed += row.tree_completed
            parent.children.append(row)
    return [everything[a.pk] for a in agencies]


def paper_counts(round: Round) -> dict[int, int]:
    """Paper answer sheets imported per agency (public counts; the sheets themselves wait sealed
    until the round's release)."""
    rows = (
        PaperImport.objects.filter(round=round)
        .values("round_agency_id")
        .annotate(n=Sum("count"))
        .order_by()
    )
    return {row["round_agency_id"]: row["n"] for row in rows}


def board_totals(rows: list[BoardRow]) -> dict:
    """Totals of the visible rows' own figures (each person counted once)."""
    invited = sum(r.invited for r in rows)
    completed = sum(r.completed for r in rows)
    return {
        "invited": invited,
        "completed": completed,
        "percent": _percent(completed, invited),
        "below_minimum": sum(1 for r in rows if r.invited and not r.minimum_met),
    }
