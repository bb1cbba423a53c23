"""The database scan of a round's responses and the exact roll-up of its sums over the agency tree.

One GROUP BY over the round's responses (one row each, docs/ARCHITECTURE.md §7.2) returns, per
(agency, ASN type), the count, the sum and the count of each per-value score and the values-
selection tallies. Every figure of every scope is a mean, so it follows exactly from sums and
counts: subtrees, the province, the agency kinds and the ASN-type breakdowns are added up here,
in Python, over at most (agencies x 4) small rows. No response is loaded into Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import add as _plus

from django.db import connection
from django.db.models import Count, Sum

from berakhlak.models import AsnType
from evaluations.models import Round, RoundAgency
from reports.models import VALUE_CODES
from surveys.models import (
    VALUE_BITS,
    PaperImport,
    Participation,
    ParticipationStatus,
    Response,
)

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


def total(parts) -> Sums:
    result = Sums()
    for part in parts:
        result.add(part)
    return result


# The one scan, in SQL: one row per (agency, ASN type) with the count, the sums and the counts of
# the score columns and the values-selection tallies. Written out rather than built by the ORM:
# the rows go straight into Sums (no dict and no converter per row), and COUNT(*) is cheaper than
# COUNT(id). Float sums are the same SUMs in any formulation (docs/ARCHITECTURE.md §7.2).
SCORE_COLUMNS = tuple(f"score_{code.lower()}" for code in VALUE_CODES)
_SCAN_ANSWERS = (
    "count(*), count(*) FILTER (WHERE source = 'PAPER'), "
    "sum(score_engagement), count(score_engagement), "
    + ", ".join(f"sum({c}), count({c})" for c in SCORE_COLUMNS)
)
# The spread, for the intervals (§7.5): squares per value, and the seven scores added up (NULL
# unless all seven were answered, so SUM and COUNT skip incomplete answers).
_WHOLE = "(" + " + ".join(SCORE_COLUMNS) + ")"
_SCAN_SPREAD = (
    ", ".join(f"sum({c} * {c})" for c in SCORE_COLUMNS)
    + f", sum({_WHOLE}), sum({_WHOLE} * {_WHOLE}), count({_WHOLE})"
)
_SCAN_SELECTION = (
    "count(current_limiting), sum(current_limiting), "
    + ", ".join(f"sum(current_mask & {1 << VALUE_BITS.index(code)})" for code in VALUE_CODES)
    + ", sum(alignment_desired), count(alignment_desired), "
    "sum(alignment_personal), count(alignment_personal)"
)
VALUES = len(VALUE_CODES)


def scan_sql(selection: bool) -> str:
    table = Response._meta.db_table
    selected = f"{_SCAN_ANSWERS}, {_SCAN_SPREAD}"
    if selection:
        selected = f"{selected}, {_SCAN_SELECTION}"
    return (
        f"SELECT round_agency_id, asn_type, {selected} FROM {table} "  # noqa: S608 - constants
        "WHERE round_id = %s GROUP BY round_agency_id, asn_type"
    )


def _sums_of_scan_row(row, selection: bool) -> Sums:
    """Sums from one row of scan_sql (after the two key columns)."""
    sums = Sums(n=row[2], paper=row[3])
    sums.engagement_sum = float(row[4] or 0.0)
    sums.engagement_n = row[5]
    values = row[6 : 6 + 2 * VALUES]
    sums.value_sum = [float(v or 0.0) for v in values[0::2]]
    sums.value_n = list(values[1::2])
    at = 6 + 2 * VALUES
    sums.value_sq = [float(v or 0.0) for v in row[at : at + VALUES]]
    at += VALUES
    sums.whole_sum = float(row[at] or 0.0)
    sums.whole_sq = float(row[at + 1] or 0.0)
    sums.whole_n = row[at + 2]
    at += 3
    if selection:
        sums.selection_n = row[at]
        sums.limiting_sum = int(row[at + 1] or 0)
        hits = row[at + 2 : at + 2 + VALUES]
        sums.current_hits = [
            int(h or 0) >> VALUE_BITS.index(code) for h, code in zip(hits, VALUE_CODES, strict=True)
        ]
        at += 2 + VALUES
        sums.alignment_sum = float(row[at] or 0.0)
        sums.alignment_n = row[at + 1]
        sums.personal_sum = float(row[at + 2] or 0.0)
        sums.personal_n = row[at + 3]
    return sums


def scan_responses(round: Round, *, selection: bool) -> dict[tuple[int, str], Sums]:
    """The one scan: {(round_agency_id, asn_type): Sums} over the round's responses."""
    with connection.cursor() as cursor:
        cursor.execute(scan_sql(selection), [round.pk])
        return {(row[0], row[1]): _sums_of_scan_row(row, selection) for row in cursor.fetchall()}


def paper_counts(round: Round) -> dict[int, int]:
    """Paper answer sheets imported per agency (public counts, whether released yet or not)."""
    rows = (
        PaperImport.objects.filter(round_id=round.pk)
        .values("round_agency_id")
        .annotate(c=Sum("count"))
        .order_by()
    )
    return {r["round_agency_id"]: r["c"] for r in rows}


def submitted_counts(round: Round) -> dict[int, int]:
    """Web submissions per agency, from participation (who took part, counted, never joined)."""
    rows = (
        Participation.objects.filter(round_id=round.pk, status=ParticipationStatus.SUBMITTED)
        .values("round_agency_id")
        .annotate(c=Count("*"))  # COUNT(*): the (round, agency, status) index alone
        .order_by()
    )
    return {r["round_agency_id"]: r["c"] for r in rows}


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
    scanned = scan_responses(round, selection=selection)
    responses = sum(sums.n for sums in scanned.values())
    for cell, sums in (extra or {}).items():
        scanned.setdefault(cell, Sums()).add(sums)
    submitted = submitted_counts(round)
    paper = paper_counts(round)
    for node in nodes.values():
        node.own = {t: scanned.get((node.agency.pk, t), Sums()) for t in ASN_TYPES}
        node.own[""] = total(node.own[t] for t in ASN_TYPES)
        node.submitted = submitted.get(node.agency.pk, 0)
        node.paper = paper.get(node.agency.pk, 0)
    for node in sorted(nodes.values(), key=lambda n: n.agency.depth, reverse=True):
        node.tree = {
            key: total([node.own[key], *(child.tree[key] for child in node.children)])
            for key in ("", *ASN_TYPES)
        }
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
