"""Release: a round's sealed submissions become anonymous responses (docs/ARCHITECTURE.md §5.4).

While a round is open every submission waits sealed (surveys.services.filling.submission_seal). The
release, run by the index computation of a closed round and by a periodic task (never by hand),
opens all of them in memory and writes them into `Response` in ONE transaction, in random order
(sorted by fresh random ids), then deletes the sealed rows. So every released response carries the
same transaction id, and neither physical order nor ids follow the order of submission.

Before writing, unit and ASN type are generalised, per source (web or paper answer sheets look
different), so that every stored (unit, ASN type) cell of a release holds either nothing or at
least the round's minimum group: the small ASN types of a unit are stored together as "LAINNYA"
when they make the minimum together, and go up to the parent unit otherwise; a unit with fewer
responses than the minimum is stored under its parent; a remainder below the minimum at the root is
stored together with sheets borrowed from the biggest cell (all of it, if it could not keep the
minimum). Only the few rows that must move are touched. What was generalised is kept in a sealed `ReleaseCorrection`,
which the index computation opens so that figures stay exactly those of the true cells.

A release whose batch at the root is still below the minimum holds those sheets back (they stay
sealed; the indices still count them, in memory). A sheet that does not open stops the whole
release with the reason, and nothing changes.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from evaluations.models import Round, RoundAgency, RoundStatus
from surveys import sealing
from surveys.models import (
    ASN_TYPE_GENERALISED,
    ReleaseCorrection,
    ReleaseStatus,
    Response,
    ResponseRelease,
    SealedSubmission,
)

RELEASABLE_STATUSES = (
    RoundStatus.CLOSED,
    RoundStatus.COMPUTED,
    RoundStatus.PUBLISHED,
    RoundStatus.ARCHIVED,
)
BATCH = 2000


class ReleaseRefused(Exception):
    """A sealed row cannot be opened; the release did nothing. `reason` is for the admin."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Sheet:
    """One opened submission, in memory only."""

    id: uuid.UUID  # of the sealed row
    agency: int  # RoundAgency id (true unit)
    asn_type: str
    source: str
    seq: int  # submission order; never stored in the clear
    fields: dict  # Response fields: answers, scores, values-selection summary


@dataclass(frozen=True)
class Move:
    """A released response stored under a generalised cell, with its true one."""

    response_id: uuid.UUID
    agency: int
    asn_type: str


def _sheet_open(row: SealedSubmission) -> Sheet:
    try:
        payload = sealing.unseal(
            row.sealed, key_id=row.key_id, purpose="submission", context=f"{row.round_id}|{row.id}"
        )
    except sealing.SealBroken as broken:
        raise ReleaseRefused(
            _("Jawaban tersegel %(id)s: %(reason)s.") % {"id": row.id, "reason": broken.reason}
        ) from None
    return Sheet(
        id=row.id,
        agency=int(payload["agency"]),
        asn_type=str(payload["asn_type"]),
        source=str(payload["source"]),
        seq=int(payload["seq"]),
        fields=dict(payload["fields"]),
    )


def sealed_sheets(
    round: Round | int, *, rows: Iterable[SealedSubmission] | None = None
) -> list[Sheet]:
    """Every waiting submission of the round, opened in memory (ReleaseRefused on the first that
    does not open)."""
    round_id = round if isinstance(round, int) else round.pk
    if rows is None:
        rows = SealedSubmission.objects.filter(round_id=round_id).iterator(chunk_size=BATCH)
    return [_sheet_open(row) for row in rows]


def release_moves(round: Round | int) -> list[Move]:
    """The true cells of every generalised response of the round (opened from the corrections)."""
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
        moves.extend(Move(uuid.UUID(rid), int(agency), str(t)) for rid, agency, t in entries)
    return moves


# --- generalisation ------------------------------------------------------------------------------


def generalise(
    cells: Sequence[tuple[int, str]],
    *,
    parent: Mapping[int, int | None],
    depth: Mapping[int, int],
    minimum: int,
) -> list[tuple[int, str] | None]:
    """The stored (unit, ASN type) of each true cell in `cells`, or None when it must wait.

    Bottom-up: a unit with fewer than `minimum` sheets (its own and those lifted from below) hands
    them all to its parent; in a unit with enough, the ASN types with fewer than `minimum` are
    stored together as "LAINNYA" when they make `minimum` together, and otherwise go up to the
    parent with their types. Every stored cell then holds 0 or >= `minimum` of these sheets; a
    remainder below the minimum at the root borrows from the biggest stored cell; only a whole
    batch below the minimum waits (None)."""
    stored: list[tuple[int, str] | None] = [None] * len(cells)
    pending: dict[int, list[int]] = defaultdict(list)
    for index, (agency, _asn_type) in enumerate(cells):
        pending[agency].append(index)
    order = sorted(set(parent) | set(pending), key=lambda a: (-depth.get(a, 0), a))
    for agency in order:
        indices = pending.pop(agency, [])
        if not indices:
            continue
        up = parent.get(agency)
        if len(indices) >= minimum:
            by_type: dict[str, list[int]] = defaultdict(list)
            for index in indices:
                by_type[cells[index][1]].append(index)
            small = [i for members in by_type.values() if len(members) < minimum for i in members]
            for asn_type, members in by_type.items():
                if len(members) >= minimum:
                    for index in members:
                        stored[index] = (agency, asn_type)
            if len(small) >= minimum:
                for index in small:
                    stored[index] = (agency, ASN_TYPE_GENERALISED)
                continue
            indices = small  # too few even together: they go up, with their types
        if not indices:
            continue
        if up is not None:
            pending[up].extend(indices)
        else:  # the root: borrow from a big cell, or these wait
            _borrow(stored, indices, cell=(agency, ASN_TYPE_GENERALISED), minimum=minimum)
    return stored


def _borrow(
    stored: list[tuple[int, str] | None], waiting: list[int], *, cell: tuple[int, str], minimum: int
) -> None:
    """Fewer than `minimum` sheets reached the root: store them as one root cell together with
    sheets taken from the biggest stored cell (all of it, if it could not keep `minimum`)."""
    needed = minimum - len(waiting)
    sizes: dict[tuple[int, str], list[int]] = defaultdict(list)
    for index, stored_cell in enumerate(stored):
        if stored_cell is not None:
            sizes[stored_cell].append(index)
    if not sizes:
        return  # the whole batch is below the minimum: it waits
    donor = max(sizes, key=lambda c: (len(sizes[c]), c))
    taken = sizes[donor][:needed] if len(sizes[donor]) >= minimum + needed else sizes[donor]
    for index in [*waiting, *taken]:
        stored[index] = cell


# --- the release ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    responses: list[Response]
    moves: list[list]
    released_ids: list[uuid.UUID]
    held: int


def _plan(round: Round, sheets: list[Sheet]) -> _Plan:
    tree = list(RoundAgency.objects.filter(round=round).values_list("pk", "parent_id", "depth"))
    parent = {pk: parent_id for pk, parent_id, _depth in tree}
    depth = {pk: d for pk, _parent_id, d in tree}
    minimum = round.min_group  # never below 3: constraint round_min_group_at_least_3
    responses, moves, released, held = [], [], [], 0
    by_source: dict[str, list[Sheet]] = defaultdict(list)
    for sheet in sheets:
        by_source[sheet.source].append(sheet)
    shuffle = random.SystemRandom().shuffle
    for source in sorted(by_source):
        group = by_source[source]
        shuffle(group)  # which sheets a small cell borrows must not follow submission order
        cells = generalise(
            [(s.agency, s.asn_type) for s in group], parent=parent, depth=depth, minimum=minimum
        )
        for sheet, cell in zip(group, cells, strict=True):
            if cell is None:
                held += 1
                continue
            response = Response(
                id=uuid.uuid4(),
                round_id=round.pk,
                round_agency_id=cell[0],
                asn_type=cell[1],
                source=source,
                **sheet.fields,
            )
            responses.append(response)
            released.append(sheet.id)
            if cell != (sheet.agency, sheet.asn_type):
                moves.append([str(response.id), sheet.agency, sheet.asn_type])
    responses.sort(key=lambda r: r.id)  # random ids: the stored order says nothing
    return _Plan(responses=responses, moves=moves, released_ids=released, held=held)


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


def responses_release(*, round: Round) -> ResponseRelease | None:
    """Release the round's waiting submissions; None when there is nothing waiting.

    Raises ReleaseRefused (after recording the reason) when a sealed row does not open; nothing
    is released then."""
    try:
        with transaction.atomic():
            locked = Round.objects.select_for_update().get(pk=round.pk)
            if locked.status not in RELEASABLE_STATUSES:
                return None
            rows = list(SealedSubmission.objects.select_for_update().filter(round_id=locked.pk))
            if not rows:
                return None
            plan = _plan(locked, sealed_sheets(locked, rows=rows))
            if not plan.responses:
                return _record(locked.pk, ReleaseStatus.HELD, held=plan.held)
            Response.objects.bulk_create(plan.responses, batch_size=BATCH)
            if plan.moves:
                note = ReleaseCorrection(round_id=locked.pk)
                note.key_id, note.sealed = sealing.seal(
                    plan.moves, purpose="correction", context=f"{locked.pk}|{note.id}"
                )
                note.save(force_insert=True)
            SealedSubmission.objects.filter(pk__in=plan.released_ids).delete()
            return _record(
                locked.pk,
                ReleaseStatus.DONE,
                released=len(plan.responses),
                generalised=len(plan.moves),
                held=plan.held,
            )
    except ReleaseRefused as refused:
        _record(round.pk, ReleaseStatus.FAILED, error=refused.reason)
        raise


def responses_release_due() -> list[int]:
    """The periodic safety net: release every closed round that still has waiting submissions.
    Returns the ids of the rounds released now."""
    released = []
    waiting = SealedSubmission.objects.filter(round__status__in=RELEASABLE_STATUSES)
    for round in Round.objects.filter(pk__in=waiting.values("round_id")).order_by("pk"):
        try:
            result = responses_release(round=round)
        except ReleaseRefused:
            continue  # recorded; shown to the admin on the round page
        if result is not None and result.status == ReleaseStatus.DONE:
            released.append(round.pk)
    return released
