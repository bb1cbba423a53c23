"""Release: a round's sealed submissions become anonymous responses (docs/ARCHITECTURE.md §5.4).

While a round is open every submission waits sealed (surveys.services.filling.submission_seal). The
release, its own task sent when the round closes and again by a periodic task (never by hand),
writes all of them into `Response` in ONE transaction, in random order (the physical order is the
order of fresh random ids, unrelated to submission), then deletes the sealed rows. So every
released response carries the same transaction id, and neither physical order nor ids follow the
order of submission.

Before writing, unit and ASN type are generalised, per source (web or paper answer sheets look
different), so that every stored (unit, ASN type) cell of a release holds either nothing or at
least the round's minimum group: the small ASN types of a unit are stored together as "LAINNYA"
when they make the minimum together, and go up to the parent unit otherwise; a unit with fewer
responses than the minimum is stored under its parent; a remainder below the minimum at the root is
stored together with sheets borrowed at random from the biggest cell (all of it, if it could not
keep the minimum). Only the rows that must move are touched. What moved is kept, as sums per
(true cell, stored cell), in a sealed `ReleaseCorrection`, which the index computation opens so that
figures stay exactly those of the true cells.

Memory stays bounded at national scale: the first pass opens only the small summaries and counts
the cells; the second opens the full sheets a chunk at a time in the shuffled order. Only the ids
are held, 16 bytes each. A batch below the minimum as a whole waits (still sealed; the indices count
it in memory). A sheet that does not open stops the whole release with the reason, and nothing
changes.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext as _

from berakhlak.jobs import job_send
from berakhlak.pgbulk import copy_in
from berakhlak.refusals import Refused
from evaluations.models import Round, RoundAgency, RoundStatus
from surveys import sealing
from surveys.models import (
    ASN_TYPE_GENERALISED,
    SUMMARY_FIELDS,
    ReleaseCorrection,
    ReleaseStatus,
    Response,
    ResponseRelease,
    ResponseSource,
    SealedSubmission,
)

RELEASABLE_STATUSES = (
    RoundStatus.CLOSED,
    RoundStatus.COMPUTED,
    RoundStatus.PUBLISHED,
    RoundStatus.ARCHIVED,
)
CHUNK = 2000
MASK_BITS = 7  # surveys.models.VALUE_BITS

Cell = tuple[int, str]


class ReleaseRefused(Refused):
    """A sealed row cannot be opened; the release did nothing. `reason` is for the admin."""


@dataclass(frozen=True)
class Summary:
    """What the indices need of one waiting sheet, opened in memory only."""

    id: uuid.UUID  # of the sealed row
    agency: int  # RoundAgency id (true unit)
    asn_type: str
    source: str
    seq: int  # submission order; never stored in the clear
    values: tuple  # SUMMARY_FIELDS, in that order

    @property
    def cell(self) -> Cell:
        return (self.agency, self.asn_type)


@dataclass(frozen=True)
class Sheet:
    """One opened submission with every Response field, in memory only."""

    id: uuid.UUID
    agency: int
    asn_type: str
    source: str
    seq: int
    fields: dict


def _refused(row_id, broken: sealing.SealBroken) -> ReleaseRefused:
    return ReleaseRefused(
        _("Jawaban tersegel %(id)s: %(reason)s.") % {"id": row_id, "reason": broken.reason}
    )


def _context(row: SealedSubmission) -> str:
    return f"{row.round_id}|{row.id}"


def summary_open(row: SealedSubmission) -> Summary:
    try:
        agency, asn_type, source, seq, *values = sealing.unseal(
            row.summary, key_id=row.key_id, purpose="summary", context=_context(row)
        )
    except sealing.SealBroken as broken:
        raise _refused(row.id, broken) from None
    return Summary(row.id, int(agency), str(asn_type), str(source), int(seq), tuple(values))


def sheet_open(row: SealedSubmission) -> Sheet:
    try:
        payload = sealing.unseal(
            row.sealed, key_id=row.key_id, purpose="submission", context=_context(row)
        )
    except sealing.SealBroken as broken:
        raise _refused(row.id, broken) from None
    return Sheet(
        id=row.id,
        agency=int(payload["agency"]),
        asn_type=str(payload["asn_type"]),
        source=str(payload["source"]),
        seq=int(payload["seq"]),
        fields=dict(payload["fields"]),
    )


def sheet_summaries(round: Round | int) -> Iterator[Summary]:
    """Every waiting sheet of the round, as its summary, streamed (ReleaseRefused on the first
    that does not open)."""
    round_id = round if isinstance(round, int) else round.pk
    rows = (
        SealedSubmission.objects.filter(round_id=round_id)
        .only("id", "round_id", "key_id", "summary")
        .iterator(chunk_size=CHUNK)
    )
    yield from _opened(rows, summary_open)


def sealed_sheets(round: Round | int) -> Iterator[Sheet]:
    """Every waiting sheet of the round with all its fields, streamed."""
    round_id = round if isinstance(round, int) else round.pk
    rows = SealedSubmission.objects.filter(round_id=round_id).iterator(chunk_size=CHUNK)
    yield from _opened(rows, sheet_open)


def _opened(rows: Iterator[SealedSubmission], open_: Callable) -> Iterator:
    """Open each row; on a refusal close the database cursor first, while its transaction is
    still alive (a server-side cursor closed after the rollback aborts the caller's transaction
    on PostgreSQL)."""
    try:
        for row in rows:
            yield open_(row)
    finally:
        rows.close()


# --- totals of summaries -------------------------------------------------------------------------


MASK = SUMMARY_FIELDS.index("current_mask")
VALUE_SCORES = 7  # the first seven summary fields are the value scores (surveys.models)


class Totals:
    """Totals of summaries of one cell, as the scan's SUM and COUNT would give them: count, paper
    count, per field the sum and the count of non-empty values, per value bit of current_mask the
    count; for the intervals the squares of the value scores and, of sheets with all seven, the
    sum, square and count of the seven added up ("whole"). Plain arithmetic: it is the hot loop
    of provisional figures over millions of sheets, and what a release note keeps of the sheets
    it moved (notes written before the squares have no "sq": reports.inputs)."""

    __slots__ = ("bits", "count", "n", "paper", "sq", "sum", "whole")

    def __init__(self) -> None:
        width = len(SUMMARY_FIELDS)
        self.n, self.paper = 0, 0
        self.sum, self.count, self.bits = [0.0] * width, [0] * width, [0] * MASK_BITS
        self.sq, self.whole = [0.0] * VALUE_SCORES, [0.0, 0.0, 0]

    def add(self, summary: Summary, sign: int = 1) -> None:
        self.n += sign
        if summary.source == ResponseSource.PAPER:
            self.paper += sign
        total, count = self.sum, self.count
        for i, value in enumerate(summary.values):
            if value is not None:
                total[i] += sign * value
                count[i] += sign
        scores = summary.values[:VALUE_SCORES]
        if None not in scores:
            squares, whole = self.sq, sum(scores)
            for i, value in enumerate(scores):
                squares[i] += sign * value * value
            self.whole[0] += sign * whole
            self.whole[1] += sign * whole * whole
            self.whole[2] += sign
        else:
            for i, value in enumerate(scores):
                if value is not None:
                    self.sq[i] += sign * value * value
        mask = summary.values[MASK]
        if mask:
            for bit in range(MASK_BITS):
                if mask & (1 << bit):
                    self.bits[bit] += sign

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "paper": self.paper,
            "sum": self.sum,
            "count": self.count,
            "bits": self.bits,
            "sq": self.sq,
            "whole": self.whole,
        }


@dataclass(frozen=True)
class Move:
    """Released responses stored under `stored` whose true cell is `true`, with their totals."""

    true: Cell
    stored: Cell
    totals: dict


def release_moves(round: Round | int) -> list[Move]:
    """What every release of the round generalised (opened from the sealed corrections)."""
    round_id = round if isinstance(round, int) else round.pk
    moves = []
    for note in ReleaseCorrection.objects.filter(round_id=round_id).order_by("pk"):
        try:
            entries = sealing.unseal(
                note.sealed,
                key_id=note.key_id,
                purpose="correction",
                context=f"{round_id}|{note.id}",
            )
        except sealing.SealBroken as broken:
            raise ReleaseRefused(
                _("Catatan pelepasan %(id)s: %(reason)s.")
                % {"id": note.id, "reason": broken.reason}
            ) from None
        for true_agency, true_type, agency, asn_type, totals in entries:
            moves.append(Move((int(true_agency), true_type), (int(agency), asn_type), totals))
    return moves


# --- generalisation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Borrow:
    """`count` of the sheets stored in `donor` (of `donor_size`) go to `into` instead."""

    donor: Cell
    donor_size: int
    count: int
    into: Cell


@dataclass
class Plan:
    stored: dict[Cell, Cell] = field(default_factory=dict)  # true cell -> stored cell
    borrow: Borrow | None = None  # true cells missing from `stored` wait


def generalise_plan(
    counts: Mapping[Cell, int],
    *,
    parent: Mapping[int, int | None],
    depth: Mapping[int, int],
    minimum: int,
) -> Plan:
    """Where the sheets of each true (unit, ASN type) cell are stored.

    Bottom-up: a unit with fewer than `minimum` sheets (its own and those lifted from below) hands
    them all to its parent; in a unit with enough, the ASN types with fewer than `minimum` are
    stored together as "LAINNYA" when they make `minimum` together, and otherwise go up to the
    parent with their types. Every stored cell then holds 0 or >= `minimum` sheets; a remainder
    below the minimum at the root borrows from the biggest stored cell; only a whole batch below
    the minimum waits (left out of the plan)."""
    plan = Plan()
    pending: dict[int, list[Cell]] = defaultdict(list)
    for cell, count in counts.items():
        if count:
            pending[cell[0]].append(cell)
    order = sorted(set(parent) | set(pending), key=lambda a: (-depth.get(a, 0), a))
    for agency in order:
        cells = pending.pop(agency, [])
        if not cells:
            continue
        if sum(counts[c] for c in cells) >= minimum:
            by_type: dict[str, list[Cell]] = defaultdict(list)
            for cell in cells:
                by_type[cell[1]].append(cell)
            size = {t: sum(counts[c] for c in members) for t, members in by_type.items()}
            small = [c for t, members in by_type.items() if size[t] < minimum for c in members]
            for asn_type, members in by_type.items():
                if size[asn_type] >= minimum:
                    plan.stored.update((c, (agency, asn_type)) for c in members)
            if sum(counts[c] for c in small) >= minimum:
                plan.stored.update((c, (agency, ASN_TYPE_GENERALISED)) for c in small)
                continue
            cells = small  # too few even together: they go up, with their types
        if not cells:
            continue
        if parent.get(agency) is not None:
            pending[parent[agency]].extend(cells)
        else:  # the root: borrow from a big cell, or these wait
            plan.borrow = _borrow(
                plan, counts, cells, into=(agency, ASN_TYPE_GENERALISED), minimum=minimum
            )
    return plan


def _borrow(
    plan: Plan, counts: Mapping[Cell, int], waiting: list[Cell], *, into: Cell, minimum: int
) -> Borrow | None:
    sizes: Counter = Counter()
    for true, stored in plan.stored.items():
        sizes[stored] += counts[true]
    if not sizes:
        return None  # the whole batch is below the minimum: it waits
    plan.stored.update((c, into) for c in waiting)
    needed = minimum - sum(counts[c] for c in waiting)
    donor = max(sizes, key=lambda c: (sizes[c], c))
    if sizes[donor] >= minimum + needed:
        return Borrow(donor=donor, donor_size=sizes[donor], count=needed, into=into)
    for true, stored in list(plan.stored.items()):
        if stored == donor:
            plan.stored[true] = into
    return None


class _Assign:
    """Per sheet: its stored cell under a plan, choosing the borrowed sheets at random."""

    def __init__(self, plan: Plan, rng: random.Random) -> None:
        self.plan, self.rng = plan, rng
        self.seen = self.taken = 0

    def __call__(self, cell: Cell) -> Cell | None:
        stored = self.plan.stored.get(cell)
        borrow = self.plan.borrow
        if borrow is None or stored != borrow.donor:
            return stored
        left = borrow.donor_size - self.seen
        self.seen += 1
        if self.taken < borrow.count and self.rng.random() * left < borrow.count - self.taken:
            self.taken += 1
            return borrow.into
        return stored


def generalise(
    cells: Sequence[Cell],
    *,
    parent: Mapping[int, int | None],
    depth: Mapping[int, int],
    minimum: int,
) -> list[Cell | None]:
    """The stored cell of each sheet's true cell (None: it waits); see generalise_plan."""
    plan = generalise_plan(Counter(cells), parent=parent, depth=depth, minimum=minimum)
    assign = _Assign(plan, random.SystemRandom())
    return [assign(cell) for cell in cells]


# --- the release ---------------------------------------------------------------------------------


def _record(round_id: int, status: str, **fields) -> ResponseRelease:
    """Log the attempt, but not the same outcome twice in a row (the periodic task repeats)."""
    last = ResponseRelease.objects.filter(round_id=round_id).first()
    if (
        last is not None
        and status != ReleaseStatus.DONE
        and last.status == status
        and last.error == fields.get("error", "")
        and last.held == fields.get("held", 0)
    ):
        return last
    return ResponseRelease.objects.create(round_id=round_id, status=status, **fields)


@dataclass
class _Batch:
    ids: list[bytes] = field(default_factory=list)  # sealed rows to release, shuffled
    plans: dict[str, Plan] = field(default_factory=dict)  # per source
    held: int = 0


def _batch(round: Round) -> _Batch:
    """First pass: open the summaries only, count the cells per source, plan the generalisation."""
    tree = list(RoundAgency.objects.filter(round=round).values_list("pk", "parent_id", "depth"))
    parent = {pk: up for pk, up, _depth in tree}
    depth = {pk: d for pk, _up, d in tree}
    counts: dict[str, Counter] = defaultdict(Counter)
    ids: dict[str, list[bytes]] = defaultdict(list)
    for summary in sheet_summaries(round):
        counts[summary.source][summary.cell] += 1
        ids[summary.source].append(summary.id.bytes)
    batch = _Batch()
    minimum = round.min_group  # never below 3: constraint round_min_group_at_least_3
    for source, by_cell in counts.items():
        plan = generalise_plan(by_cell, parent=parent, depth=depth, minimum=minimum)
        # A plan leaves cells out only when the whole batch of that source is below the minimum.
        if plan.stored:
            batch.plans[source] = plan
            batch.ids.extend(ids[source])
        else:
            batch.held += len(ids[source])
    return batch


def _fresh_ids(count: int) -> list[uuid.UUID]:
    """`count` new random (version 4) ids in increasing order: rows written in this order are
    stored in the order of their ids, which are random."""
    return sorted(uuid.uuid4() for _ in range(count))


def _write(round: Round, batch: _Batch) -> tuple[int, dict]:
    """Second pass: the full sheets, a chunk at a time in the shuffled order."""
    rng = random.SystemRandom()
    rng.shuffle(batch.ids)
    assign = {source: _Assign(plan, rng) for source, plan in batch.plans.items()}
    fresh = iter(_fresh_ids(len(batch.ids)))
    moved: dict[tuple[Cell, Cell], dict] = {}
    written = 0
    with _responses_writer() as responses_insert:
        for start in range(0, len(batch.ids), CHUNK):
            written += _write_chunk(
                batch.ids[start : start + CHUNK], round, assign, fresh, moved, responses_insert
            )
    return written, moved


def _write_chunk(ids: list[bytes], round: Round, assign, fresh, moved, responses_insert) -> int:
    """One chunk of sheets opened, assigned their stored cells and written; returns how many."""
    chunk = [uuid.UUID(bytes=b) for b in ids]
    rows = {r.id: r for r in SealedSubmission.objects.filter(pk__in=chunk)}
    responses = []
    for row_id in chunk:
        sheet = sheet_open(rows[row_id])
        summary = Summary(
            sheet.id,
            sheet.agency,
            sheet.asn_type,
            sheet.source,
            sheet.seq,
            tuple(sheet.fields.get(f) for f in SUMMARY_FIELDS),
        )
        stored = assign[sheet.source](summary.cell)
        responses.append(
            Response(
                id=next(fresh),
                round_id=round.pk,
                round_agency_id=stored[0],
                asn_type=stored[1],
                source=sheet.source,
                **sheet.fields,
            )
        )
        if stored != summary.cell:
            moved.setdefault((summary.cell, stored), Totals()).add(summary)
    responses_insert(responses)
    return len(responses)


STAGING = "release_staging"


@contextmanager
def _responses_writer() -> Iterator[Callable[[list[Response]], None]]:
    """A writer of response chunks, rows in the given order. On PostgreSQL each chunk is COPYd
    (several times faster than INSERT at millions of rows) into a temporary table, and one
    statement moves them all into `Response` at the end, so the cell sums' trigger fires once per
    release, not once per chunk (surveys.sums, docs/ARCHITECTURE.md §7.2). bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        yield lambda responses: Response.objects.bulk_create(responses, batch_size=CHUNK)
        return
    table = connection.ops.quote_name(Response._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGING} (LIKE {table}) ON COMMIT DROP")
    yield _responses_copy
    with connection.cursor() as cursor:
        # Ordered by id, as the chunks were: the physical order stays that of random ids.
        cursor.execute(f"INSERT INTO {table} SELECT * FROM {STAGING} ORDER BY id")  # noqa: S608
        cursor.execute(f"DROP TABLE {STAGING}")


def _responses_copy(responses: list[Response]) -> None:
    fields = list(Response._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    with copy_in(f"COPY {STAGING} ({columns}) FROM STDIN") as copy:
        for response in responses:
            copy.write_row(
                [
                    json.dumps(value) if name in json_fields else value
                    for name, value in ((f.attname, getattr(response, f.attname)) for f in fields)
                ]
            )


def _note(round: Round, moved: dict) -> int:
    entries = [[*true, *stored, t.as_dict()] for (true, stored), t in sorted(moved.items())]
    if entries:
        note = ReleaseCorrection(round_id=round.pk)
        note.key_id, note.sealed = sealing.seal(
            entries, purpose="correction", context=f"{round.pk}|{note.id}"
        )
        note.save(force_insert=True)
    return sum(totals.n for totals in moved.values())


def responses_release(*, round: Round) -> ResponseRelease | None:
    """Release the round's waiting submissions; None when there is nothing waiting.

    Raises ReleaseRefused (after recording the reason) when a sealed row does not open; nothing
    is released then. The round row stays locked meanwhile (a paper import waits)."""
    try:
        with transaction.atomic():
            locked = Round.objects.select_for_update().get(pk=round.pk)
            if locked.status not in RELEASABLE_STATUSES:
                return None
            if not SealedSubmission.objects.filter(round_id=locked.pk).exists():
                return None
            batch = _batch(locked)
            if not batch.ids:
                return _record(locked.pk, ReleaseStatus.HELD, held=batch.held)
            released_ids = [uuid.UUID(bytes=b) for b in batch.ids]
            written, moved = _write(locked, batch)
            generalised = _note(locked, moved)
            for start in range(0, len(released_ids), CHUNK):
                SealedSubmission.objects.filter(pk__in=released_ids[start : start + CHUNK]).delete()
            return _record(
                locked.pk,
                ReleaseStatus.DONE,
                released=written,
                generalised=generalised,
                held=batch.held,
            )
    except ReleaseRefused as refused:
        _record(round.pk, ReleaseStatus.FAILED, error=refused.reason)
        raise


def rounds_waiting_release() -> list[int]:
    """Closed rounds (or later) that still have waiting submissions."""
    waiting = SealedSubmission.objects.filter(round__status__in=RELEASABLE_STATUSES)
    return list(
        Round.objects.filter(pk__in=waiting.values("round_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def releases_send_waiting() -> list[int]:
    """Send the release of every round that still has waiting submissions and whose release is
    not running now (a running release holds the round's row lock; a killed one lost it). The
    sweep of background work (berakhlak.jobs) calls this every minute; returns the rounds sent."""
    from surveys.tasks import responses_release_for_round

    sent = []
    for round_id in rounds_waiting_release():
        with transaction.atomic():
            free = Round.objects.select_for_update(skip_locked=True).filter(pk=round_id).exists()
        if free:
            job_send(responses_release_for_round, round_id)
            sent.append(round_id)
    return sent


def release_on_close(sender, *, round_id: int, before: str, after: str, **kwargs) -> None:
    """A round just closed (the transition has committed): send its release (Redis down: the
    sweeper sends it later)."""
    if after != RoundStatus.CLOSED:
        return
    from surveys.tasks import responses_release_for_round

    job_send(responses_release_for_round, round_id)
