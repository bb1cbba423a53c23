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
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from berakhlak.models import Role, User
from berakhlak.permissions import grants_of
from evaluations.models import Round, RoundAgency, RoundStatus
from surveys.models import PaperImport, Participation, ParticipationStatus

BOARD_ROLES = (Role.ADMIN, Role.CHANGE_AGENT, Role.LEADER)
BOARD_STATUSES = (
    RoundStatus.OPEN,
    RoundStatus.CLOSED,
    RoundStatus.COMPUTED,
    RoundStatus.PUBLISHED,
)
REFRESH_SECONDS = 10  # while the round is open: the board polls at this interval
REFRESH_CLOSED_SECONDS = 60  # afterwards only paper imports still change a count
SNAPSHOT_VERSION = 4
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
    agency_id: int  # the live agency: role grants are on it, the scope is its snapshot subtree
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


def granted_agency_ids(user: User) -> set[int] | None:
    """The agencies the user's board roles are granted on; None: every agency (superuser)."""
    if user.is_superuser:
        return None
    return {agency_id for role, _path, agency_id in grants_of(user) if role in BOARD_ROLES}


def snapshot_paths(units, granted: set[int]) -> list[str]:
    """The snapshot paths of the granted agencies in one round: the board scopes by the round's
    own tree (what was below a unit when the round opened), never by today's, so every count of
    a page (rows, subtree totals, the page's totals) covers the same people after a
    reorganisation (docs/ARCHITECTURE.md §8.3)."""
    return [path for agency_id, path in units if agency_id in granted]


def board_rounds_for_user(user: User) -> QuerySet[Round]:
    """Rounds with a board the user may open: a granted agency is in the round's snapshot."""
    if not user.is_authenticated:
        return Round.objects.none()
    granted = granted_agency_ids(user)
    rounds = Round.objects.filter(status__in=BOARD_STATUSES)
    if granted is not None:
        if not granted:
            return Round.objects.none()
        visible = RoundAgency.objects.filter(agency_id__in=granted).values("round_id")
        rounds = rounds.filter(pk__in=visible)
    return rounds.order_by("-year", "-pk")


def get_board_round_for_user(user: User, pk: int) -> Round:
    round = board_rounds_for_user(user).filter(pk=pk).first()
    if round is None:
        raise Http404
    return round


def board_agencies_for_user(user: User, round: Round) -> QuerySet[RoundAgency]:
    agencies = RoundAgency.objects.filter(round=round).select_related("round").order_by("path")
    granted = granted_agency_ids(user)
    if granted is None:
        return agencies
    # The granted agencies' own paths in this round's tree (the query keeps only those).
    paths = list(
        RoundAgency.objects.filter(round=round, agency_id__in=granted).values_list(
            "path", flat=True
        )
    )
    if not paths:
        return RoundAgency.objects.none()
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return agencies.filter(q)


# --- counts ---------------------------------------------------------------------------------------


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
    fields = ("pk", "parent_id", "depth", "code", "name", "path", "agency_id", "roster_count")
    units = list(RoundAgency.objects.filter(round=round).order_by("path").values_list(*fields))
    counts = _participation_counts(round)
    paper = paper_counts(round)
    own = {pk: (*counts.get(pk, (0, 0, 0, 0)), paper.get(pk, 0)) for pk, *_rest in units}
    tree = {pk: [o[0], o[2] + o[4]] for pk, o in own.items()}  # invited, completed
    children: dict[int, list[int]] = {}
    for pk, parent_id, *_rest in units:  # path order: siblings in creation order
        if parent_id is not None:
            children.setdefault(parent_id, []).append(pk)
    for pk, parent_id, *_rest in sorted(units, key=lambda u: u[2], reverse=True):
        if parent_id in tree:
            tree[parent_id][0] += tree[pk][0]
            tree[parent_id][1] += tree[pk][1]
    return {
        "at": time.time(),
        "units": {u[0]: u for u in units},
        "own": own,
        "tree": {pk: tuple(t) for pk, t in tree.items()},
        "children": children,
    }


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


class BoardTree:
    """A round's snapshot with one reader's scope applied. Rows are built only for the agencies
    a page shows; the totals and the sort keys come from the snapshot's tuples."""

    def __init__(self, user: User, round: Round) -> None:
        snapshot = board_snapshot(round)
        self.round = round
        self.units: dict[int, tuple] = snapshot["units"]
        self.own: dict[int, tuple] = snapshot["own"]
        self.tree: dict[int, tuple] = snapshot["tree"]
        self.children: dict[int, list[int]] = snapshot["children"]
        self.refreshed_at: float = snapshot["at"]
        granted = granted_agency_ids(user)
        if granted is None:
            self.visible = set(self.units)
        else:  # the granted agencies' subtrees in the round's own tree (unit[6]: agency id)
            paths = snapshot_paths(((u[6], u[5]) for u in self.units.values()), granted)
            self.visible = {
                pk for pk, unit in self.units.items() if any(unit[5].startswith(p) for p in paths)
            }
        self.tops = [
            pk
            for pk, unit in self.units.items()
            if pk in self.visible and unit[1] not in self.visible
        ]
        self._rows: dict[int, BoardRow] = {}

    def row(self, pk: int) -> BoardRow:
        if pk not in self._rows:
            _pk, parent_id, depth, code, name, path, agency_id, roster = self.units[pk]
            invited, started, submitted, reminders, paper = self.own[pk]
            tree_invited, tree_completed = self.tree[pk]
            self._rows[pk] = BoardRow(
                agency=BoardAgency(
                    pk, parent_id, depth, code, name, path, agency_id, roster, self.round
                ),
                invited=invited,
                started=started,
                submitted=submitted,
                paper=paper,
                reminders=reminders,
                tree_invited=tree_invited,
                tree_completed=tree_completed,
                children=self.children.get(pk, []),
            )
        return self._rows[pk]

    def completed(self, pk: int) -> int:
        own = self.own[pk]
        return own[2] + own[4]

    def percent(self, pk: int) -> int:
        return _percent(self.completed(pk), self.own[pk][0])

    def path(self, pk: int) -> str:
        return self.units[pk][5]

    def needed(self, pk: int) -> int:
        """RoundAgency.min_respondents_needed on the snapshot's roster (without a model per
        agency: the totals ask it of every visible agency)."""
        roster = self.units[pk][7]
        by_pct = -(-roster * self.round.min_respondents_pct // 100)  # ceiling
        return min(max(self.round.min_respondents, by_pct), roster)

    def below_minimum(self, pk: int) -> bool:
        return bool(self.own[pk][0]) and self.completed(pk) < self.needed(pk)

    def totals(self) -> dict:
        """Totals of the visible agencies' own figures (each person counted once): one pass
        over the snapshot's tuples, with the minimum rule of `needed` inlined."""
        minimum, pct = self.round.min_respondents, self.round.min_respondents_pct
        invited = completed = below = 0
        for pk in self.visible:
            own_invited, _started, submitted, _reminders, paper = self.own[pk]
            invited += own_invited
            completed += submitted + paper
            roster = self.units[pk][7]
            if own_invited and submitted + paper < min(
                max(minimum, -(-roster * pct // 100)), roster
            ):
                below += 1
        return {
            "invited": invited,
            "completed": completed,
            "percent": _percent(completed, invited),
            "below_minimum": below,
        }


def board_tree(user: User, round: Round) -> BoardTree:
    """The snapshot with the reader's scope applied."""
    return BoardTree(user, round)


def board_rows(user: User, round: Round) -> list[BoardRow]:
    """Every visible agency's row (tree order), with own and subtree figures."""
    tree = board_tree(user, round)
    return [tree.row(pk) for pk in tree.units if pk in tree.visible]
