"""A round's sums per cell and their exact roll-up over the agency tree.

The database keeps, per stored (agency, ASN type) cell, the count, the sum, the count and the
sum of squares of each per-value score and the values-selection tallies of the round's released
responses (surveys.sums: what one GROUP BY over them gives, kept by triggers as they are written;
docs/ARCHITECTURE.md §7.2). Every figure of every scope is a mean, so it follows exactly from
sums and counts: subtrees, the province, the agency kinds and the ASN-type breakdowns are added up here,
in Python, over at most (agencies x 4) small rows. No response is loaded into Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import add as _plus

from django.db import connection
from django.db.models import Count, Sum

from berakhlak.models import AsnType
from berakhlak.pgbulk import pipelined_rows
from evaluations.models import Round, RoundAgency
from reports.models import VALUE_CODES
from surveys import sums as cell_columns
from surveys.models import PaperImport, Participation, ParticipationStatus

ASN_TYPES = tuple(AsnType.values)


@dataclass(slots=True)
class Sums:
    """Additive tallies of a group of responses: adding two groups adds their sums."""

    n: int = 0
    paper: int = 0
    value_sum: list[float] = field(default_factory=lambda: [0.0] * len(VALUE_CODES))
    value_n: list[int] = field(default_factory=lambda: [0] * len(VALUE_CODES))
    engagement_sum: float = 0.0
    engagement_n: int = 0
    selection_n: int = 0
    limiting_sum: int = 0
    current_hits: list[int] = field(default_factory=lambda: [0] * len(VALUE_CODES))
    alignment_sum: float = 0.0
    alignment_n: int = 0
    personal_sum: float = 0.0
    personal_n: int = 0
    # For the intervals (docs/ARCHITECTURE.md §7.5): per value the sum of squared scores, and of
    # the respondents who answered all seven values the sum, the sum of squares and the count of
    # their seven scores added up (the individual index's spread). `spread_known` is False where
    # a part came from a release note written before these sums (no interval then).
    value_sq: list[float] = field(default_factory=lambda: [0.0] * len(VALUE_CODES))
    whole_sum: float = 0.0
    whole_sq: float = 0.0
    whole_n: int = 0
    spread_known: bool = True

    def add(self, other: Sums) -> None:
        # Element by element in C (map), in place: the same additions in the same order as a
        # loop, at a fraction of its cost; the roll-up adds some 30,000 of these (§7.2).
        self.n += other.n
        self.paper += other.paper
        self.value_sum[:] = map(_plus, self.value_sum, other.value_sum)
        self.value_n[:] = map(_plus, self.value_n, other.value_n)
        self.current_hits[:] = map(_plus, self.current_hits, other.current_hits)
        self.value_sq[:] = map(_plus, self.value_sq, other.value_sq)
        self.engagement_sum += other.engagement_sum
        self.engagement_n += other.engagement_n
        self.selection_n += other.selection_n
        self.limiting_sum += other.limiting_sum
        self.alignment_sum += other.alignment_sum
        self.alignment_n += other.alignment_n
        self.personal_sum += other.personal_sum
        self.personal_n += other.personal_n
        self.whole_sum += other.whole_sum
        self.whole_sq += other.whole_sq
        self.whole_n += other.whole_n
        self.spread_known = self.spread_known and other.spread_known


VALUES = len(VALUE_CODES)


def _sums_of_row(row, selection: bool) -> Sums:
    """Sums from one row of surveys.sums.read_sql (after the two key columns). Its columns are
    NOT NULL and come as int (counts) and float (sums): taken as they are."""
    sums = Sums(n=row[2], paper=row[3])
    sums.engagement_sum, sums.engagement_n = row[4], row[5]
    at = 6 + 2 * VALUES
    sums.value_sum, sums.value_n = list(row[6:at:2]), list(row[7:at:2])
    sums.value_sq = list(row[at : at + VALUES])
    at += VALUES
    sums.whole_sum, sums.whole_sq, sums.whole_n = row[at : at + 3]
    at += 3
    if selection:
        sums.selection_n, sums.limiting_sum = row[at], row[at + 1]
        sums.current_hits = list(row[at + 2 : at + 2 + VALUES])
        at += 2 + VALUES
        sums.alignment_sum, sums.alignment_n, sums.personal_sum, sums.personal_n = row[at:]
    return sums


def cell_sums(round: Round, *, selection: bool) -> dict[tuple[int, str], Sums]:
    """{(round_agency_id, asn_type): Sums} of the round's released responses, as the database
    keeps them per stored cell (surveys.sums): ~8,000 rows at national scale however many
    responses there are; the same as one GROUP BY over them (docs/ARCHITECTURE.md §7.2)."""
    with _reads([_cells_read(round, selection)]) as reads:
        return _cells(next(reads), selection)


def _cells_read(round: Round, selection: bool) -> tuple[str, list]:
    columns = cell_columns.COLUMNS if selection else cell_columns.ANSWERS
    return cell_columns.read_sql(columns), [round.pk]


def _cells(rows: list[tuple], selection: bool) -> dict[tuple[int, str], Sums]:
    return {(row[0], row[1]): _sums_of_row(row, selection) for row in rows}


@contextmanager
def _reads(reads: list[tuple[str, list]]) -> Iterator[Iterator[list[tuple]]]:
    """Every row of each read in turn, in the caller's transaction. On PostgreSQL in binary
    (half the time of the text for the cell sums' ~8,000 rows of 43 columns) and pipelined:
    the server runs the next read while the caller works on the rows of the one before
    (docs/ARCHITECTURE.md §7.2)."""
    if connection.vendor == "postgresql":
        with pipelined_rows(reads) as rows:
            yield rows
        return

    def one_by_one():
        for sql, params in reads:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                yield cursor.fetchall()

    yield one_by_one()


def _sql(queryset) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _paper_query(round: Round):
    return (
        PaperImport.objects.filter(round_id=round.pk)
        .values_list("round_agency_id")
        .annotate(c=Sum("count"))
        .order_by()
    )


def _submitted_query(round: Round):
    """Web submissions per agency, from participation (who took part, counted, never joined)."""
    return (
        Participation.objects.filter(round_id=round.pk, status=ParticipationStatus.SUBMITTED)
        .values_list("round_agency_id")
        .annotate(c=Count("*"))  # COUNT(*): the (round, agency, status) index alone
        .order_by()
    )


def paper_counts(round: Round) -> dict[int, int]:
    """Paper answer sheets imported per agency (public counts, whether released yet or not)."""
    return dict(_paper_query(round))


@dataclass
class Node:
    agency: RoundAgency
    children: list[Node] = field(default_factory=list)
    own: dict[str, Sums] = field(default_factory=dict)  # "" and each ASN type
    tree: dict[str, Sums] = field(default_factory=dict)
    submitted: int = 0
    paper: int = 0  # imported paper sheets (public counts, surveys.PaperImport)
    tree_submitted: int = 0
    tree_paper: int = 0
    tree_roster: int = 0

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def completed(self) -> int:
        return self.submitted + self.paper

    @property
    def tree_completed(self) -> int:
        return self.tree_submitted + self.tree_paper


@dataclass
class RoundTallies:
    round: Round
    nodes: dict[int, Node]
    root: Node
    by_kind: dict[str, Sums]
    kind_members: dict[str, list[int]]
    responses: int = 0  # rows the scan counted (released responses of the round)
    submitted: int = 0  # web submissions counted (participations SUBMITTED)

    @property
    def province(self) -> Node:
        return self.root

    def ordered(self) -> list[Node]:
        return sorted(self.nodes.values(), key=lambda n: n.agency.path)


def tally_round(
    round: Round, *, selection: bool, extra: Mapping[tuple[int, str], Sums] | None = None
) -> RoundTallies:
    """Scan the round and add up every scope: own agency, subtree, province, agency kind.

    `extra`: per (agency id, ASN type) tallies added to the scanned ones before anything is rolled
    up (reports.inputs: sealed submissions, generalised responses put back in their true cells)."""
    agencies = list(RoundAgency.objects.filter(round=round).order_by("depth", "path"))
    for agency in agencies:
        agency.round = round  # min_respondents_needed reads the round's thresholds
    nodes = {a.pk: Node(agency=a) for a in agencies}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.agency.parent_id)
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
    if len(roots) != 1:
        raise ValueError(f"round {round.pk} has {len(roots)} root agencies in its snapshot")
    reads = [
        _cells_read(round, selection),
        _sql(_submitted_query(round)),
        _sql(_paper_query(round)),
    ]
    with _reads(reads) as rows:
        scanned = _cells(next(rows), selection)
        responses = sum(sums.n for sums in scanned.values())
        for cell, sums in (extra or {}).items():
            scanned.setdefault(cell, Sums()).add(sums)
        _roll_up(nodes, scanned)  # while the server counts the submissions
        submitted, paper = dict(next(rows)), dict(next(rows))
    for node in sorted(nodes.values(), key=lambda n: n.agency.depth, reverse=True):
        node.submitted = submitted.get(node.agency.pk, 0)
        node.paper = paper.get(node.agency.pk, 0)
        node.tree_submitted = node.submitted + sum(c.tree_submitted for c in node.children)
        node.tree_paper = node.paper + sum(c.tree_paper for c in node.children)
        node.tree_roster = node.agency.roster_count + sum(c.tree_roster for c in node.children)
    by_kind: dict[str, Sums] = defaultdict(Sums)
    kind_members: dict[str, list[int]] = defaultdict(list)
    for node in nodes.values():
        by_kind[node.agency.kind].add(node.own[""])
        kind_members[node.agency.kind].append(node.agency.pk)
    return RoundTallies(
        round=round,
        nodes=nodes,
        root=roots[0],
        by_kind=dict(by_kind),
        kind_members=dict(kind_members),
        responses=responses,
        submitted=sum(submitted.values()),
    )


def _roll_up(nodes: dict[int, Node], scanned: Mapping[tuple[int, str], Sums]) -> None:
    """Every node's own and subtree sums, "" and per ASN type. A total of one part is that part
    itself, not a copy: a leaf's subtree is its own staff, a unit with staff of one type has that
    type's Sums as its own, a parent with one answering unit its unit's (nine in ten agencies
    are leaves); a cell without responses is one shared empty Sums, left out of every total. Nothing
    changes a Sums once rolled up, and adding zeros changes no sum: the totals are the ones
    adding every part would give."""
    empty = Sums()
    for node in nodes.values():
        pk = node.agency.pk
        node.own = {t: scanned.get((pk, t), empty) for t in ASN_TYPES}
        node.own[""] = _total([node.own[t] for t in ASN_TYPES], empty)
    for node in sorted(nodes.values(), key=lambda n: n.agency.depth, reverse=True):
        if node.children:
            node.tree = {
                key: _total([node.own[key], *(child.tree[key] for child in node.children)], empty)
                for key in ("", *ASN_TYPES)
            }
        else:
            node.tree = node.own


def _total(parts: list[Sums], empty: Sums) -> Sums:
    present = [part for part in parts if part is not empty]
    if len(present) <= 1:
        return present[0] if present else empty
    result = Sums()
    for part in present:
        result.add(part)
    return result
