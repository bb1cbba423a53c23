"""Response-rate board: who was invited and how many answered, per agency of a round's snapshot.

Counts of participation only (WHO took part, in numbers): never an answer, never a name. Scope:
admins see every agency of their subtree, change agents and leaders their own agency subtree.

At national width the counts cannot be taken per page view: one GROUP BY over a round's
participations reads every invited person (close to a second for 800,000 people). They are read
into a per-round snapshot instead (`board_snapshot`: the agency tree with own and subtree
counts), kept in the cache and rebuilt at most once per `REFRESH_SECONDS` (the board's own
polling interval) by whichever request finds it stale, while the others keep showing the
previous counts. Every page then costs a constant number of queries whatever the number of
agencies, and renders only the rows it shows (docs/ARCHITECTURE.md §8).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from berakhlak.models import Role, User
from berakhlak.permissions import role_paths
from evaluations.models import Round, RoundAgency, RoundStatus
from surveys.models import Participation, ParticipationStatus, Response, ResponseSource

BOARD_ROLES = (Role.ADMIN, Role.CHANGE_AGENT, Role.LEADER)
BOARD_STATUSES = (
    RoundStatus.OPEN,
    RoundStatus.CLOSED,
    RoundStatus.COMPUTED,
    RoundStatus.PUBLISHED,
)
REFRESH_SECONDS = 10  # while the round is open: the board polls at this interval
REFRESH_CLOSED_SECONDS = 60  # afterwards only paper imports still change a count
SNAPSHOT_VERSION = 1
SNAPSHOT_KEEP_SECONDS = 60 * 60


@dataclass(frozen=True)
class BoardAgency:
    """The snapshot's fields of one round agency, as the board shows and scopes it."""

    pk: int
    parent_id: int | None
    depth: int
    code: str
    name: str
    path: str
    scope_path: str  # the live agency's path: role grants are on the live tree
    roster_count: int
    round: Round

    def min_respondents_needed(self) -> int:
        return RoundAgency.min_respondents_needed(self)  # one rule, on the snapshot row


@dataclass
class BoardRow:
    agency: BoardAgency
    invited: int = 0
    started: int = 0
    submitted: int = 0
    paper: int = 0
    reminders: int = 0
    # Totals over the agency and every unit below it (equal to the own figures for a leaf).
    tree_invited: int = 0
    tree_completed: int = 0
    children: list = field(default_factory=list)  # pks, in tree order

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
    def below_minimum(self) -> bool:
        return bool(self.invited) and not self.minimum_met

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


# --- counts ---------------------------------------------------------------------------------------


def paper_counts(round: Round) -> dict[int, int]:
    """Paper answers per round agency (imported anonymous responses, counted, never read)."""
    rows = (
        Response.objects.filter(round=round, source=ResponseSource.PAPER)
        .values("round_agency_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["round_agency_id"]: row["n"] for row in rows}


def _participation_counts(round: Round) -> dict[int, tuple[int, int, int, int]]:
    """(invited, started, submitted, reminded) per round agency: one GROUP BY."""
    rows = (
        Participation.objects.filter(round=round)
        .values("round_agency_id")
        .annotate(
            invited=Count("pk"),
            started=Count("pk", filter=Q(status=ParticipationStatus.STARTED)),
            submitted=Count("pk", filter=Q(status=ParticipationStatus.SUBMITTED)),
            reminders=Count("pk", filter=Q(reminders_sent__gt=0)),
        )
        .order_by()
    )
    return {
        r["round_agency_id"]: (r["invited"], r["started"], r["submitted"], r["reminders"])
        for r in rows
    }


def _snapshot_build(round: Round) -> dict:
    """The agency tree of the round with own and subtree counts, as plain tuples (cacheable)."""
    fields = ("pk", "parent_id", "depth", "code", "name", "path", "agency__path", "roster_count")
    units = list(RoundAgency.objects.filter(round=round).order_by("path").values_list(*fields))
    counts = _participation_counts(round)
    paper = paper_counts(round)
    own = {pk: (*counts.get(pk, (0, 0, 0, 0)), paper.get(pk, 0)) for pk, *_rest in units}
    tree = {pk: [o[0], o[2] + o[4]] for pk, o in own.items()}  # invited, completed
    for pk, parent_id, *_rest in sorted(units, key=lambda u: u[2], reverse=True):
        if parent_id in tree:
            tree[parent_id][0] += tree[pk][0]
            tree[parent_id][1] += tree[pk][1]
    return {"at": time.time(), "units": units, "own": own, "tree": tree}


def _snapshot_key(round: Round) -> str:
    # The creation time too: a restored database may reuse a round id while the cache survives.
    return f"tingkat-respons:{SNAPSHOT_VERSION}:{round.pk}:{round.created_at.timestamp()}"


def board_snapshot(round: Round) -> dict:
    """The round's counts, at most REFRESH_SECONDS old while it is open (one request rebuilds a
    stale snapshot; the others meanwhile show the previous one)."""
    key = _snapshot_key(round)
    entry = cache.get(key)
    fresh_for = REFRESH_SECONDS if round.status == RoundStatus.OPEN else REFRESH_CLOSED_SECONDS
    if entry is not None and time.time() - entry["at"] < fresh_for:
        return entry
    if entry is not None and not cache.add(f"{key}:rebuild", 1, timeout=60):
        return entry
    entry = _snapshot_build(round)
    cache.set(key, entry, SNAPSHOT_KEEP_SECONDS)
    cache.delete(f"{key}:rebuild")
    return entry


@dataclass
class BoardTree:
    """Every agency of a round with its counts, and which of them one reader may see."""

    rows: dict[int, BoardRow]
    visible: set[int]
    tops: list[int]  # visible agencies whose parent is not visible, in tree order
    refreshed_at: float

    def row(self, pk: int) -> BoardRow:
        return self.rows[pk]


def board_tree(user: User, round: Round) -> BoardTree:
    """The snapshot with the reader's scope applied: rows of every agency, the visible set."""
    snapshot = board_snapshot(round)
    rows: dict[int, BoardRow] = {}
    for pk, parent_id, depth, code, name, path, scope_path, roster in snapshot["units"]:
        invited, started, submitted, reminders, paper = snapshot["own"][pk]
        tree_invited, tree_completed = snapshot["tree"][pk]
        rows[pk] = BoardRow(
            agency=BoardAgency(pk, parent_id, depth, code, name, path, scope_path, roster, round),
            invited=invited, started=started, submitted=submitted, paper=paper,
            reminders=reminders, tree_invited=tree_invited, tree_completed=tree_completed,
        )  # fmt: skip
    for row in rows.values():  # units are in path order, so children come out in tree order
        parent = rows.get(row.agency.parent_id)
        if parent is not None:
            parent.children.append(row.agency.pk)
    paths = None if user.is_superuser else role_paths(user, BOARD_ROLES)
    visible = {
        pk
        for pk, row in rows.items()
        if paths is None or any(row.agency.scope_path.startswith(p) for p in paths)
    }
    tops = [pk for pk in rows if pk in visible and rows[pk].agency.parent_id not in visible]
    return BoardTree(rows=rows, visible=visible, tops=tops, refreshed_at=snapshot["at"])


def board_rows(user: User, round: Round) -> list[BoardRow]:
    """Every visible agency's row (tree order), with own and subtree figures."""
    tree = board_tree(user, round)
    return [row for pk, row in tree.rows.items() if pk in tree.visible]


def board_totals(rows: list[BoardRow]) -> dict:
    """Totals of the visible rows' own figures (each person counted once)."""
    invited = sum(r.invited for r in rows)
    completed = sum(r.completed for r in rows)
    return {
        "invited": invited,
        "completed": completed,
        "percent": _percent(completed, invited),
        "below_minimum": sum(1 for r in rows if r.below_minimum),
    }
