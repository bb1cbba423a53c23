"""What the scan of `Response` does not hold: sealed submissions and released-but-generalised rows.

The index computation adds these, per true (unit, ASN type) cell, to the one GROUP BY over the
released responses (reports.aggregation.tally_round's `extra`), so the figures are those of the
true cells (docs/ARCHITECTURE.md §7.2):
- **moves**: a released response stored under a generalised cell (an ancestor unit, "LAINNYA") is
  taken out of that cell and put back into its true one (surveys.services.release.release_moves);
- **waiting submissions**: opened in memory (surveys.services.release.sealed_sheets), never
  written anywhere in the clear.

While a round is open, provisional figures must not let anyone who keeps copies of them, or of
the database, subtract their way to a few people (docs/ARCHITECTURE.md §5.5). So a provisional run
counts, per true cell, only the OLDEST waiting submissions, and moves that count only in steps of at
least the minimum group, always keeping at least the minimum group of the newest ones out:

    included(cell) stays as it was, unless  count(cell) - minimum >= included_before + minimum,
    in which case it becomes count(cell) - minimum.

Every included set is then empty or >= minimum, two stored runs differ by 0 or >= minimum per cell,
and the final figures differ from any provisional ones by >= minimum per cell (or by a whole cell
that no provisional run ever counted). The included counts of each run are kept on the run
(`IndexRun.basis`): counts, never answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from evaluations.models import Round
from reports.aggregation import Sums
from reports.models import VALUE_CODES
from surveys.models import VALUE_BITS, ReleaseStatus, Response, ResponseRelease, ResponseSource
from surveys.services.release import Sheet, release_moves, sealed_sheets

Cell = tuple[int, str]
GENERATION = "_releases"  # basis entry: how many releases the round had when the basis was made
SCORE_FIELDS = tuple(f"score_{code.lower()}" for code in VALUE_CODES)
ROW_FIELDS = (
    *SCORE_FIELDS,
    "score_engagement",
    "current_limiting",
    "current_mask",
    "alignment_desired",
    "alignment_personal",
    "source",
)


def sums_of_row(row: Mapping, *, sign: int = 1) -> Sums:
    """The tallies of one response (a dict of Response fields), as the scan would count it."""
    sums = Sums(n=sign, paper=sign if row.get("source") == ResponseSource.PAPER else 0)
    for i, field in enumerate(SCORE_FIELDS):
        score = row.get(field)
        if score is not None:
            sums.value_sum[i] = sign * float(score)
            sums.value_n[i] = sign
    if row.get("score_engagement") is not None:
        sums.engagement_sum = sign * float(row["score_engagement"])
        sums.engagement_n = sign
    if row.get("current_limiting") is not None:
        sums.selection_n = sign
        sums.limiting_sum = sign * int(row["current_limiting"])
    mask = row.get("current_mask")
    if mask:
        sums.current_hits = [sign if mask & (1 << VALUE_BITS.index(c)) else 0 for c in VALUE_CODES]
    if row.get("alignment_desired") is not None:
        sums.alignment_sum = sign * float(row["alignment_desired"])
        sums.alignment_n = sign
    if row.get("alignment_personal") is not None:
        sums.personal_sum = sign * float(row["alignment_personal"])
        sums.personal_n = sign
    return sums


def _add(extra: dict[Cell, Sums], cell: Cell, sums: Sums) -> None:
    extra.setdefault(cell, Sums()).add(sums)


def _moves_extra(round: Round, extra: dict[Cell, Sums]) -> None:
    moves = {move.response_id: move for move in release_moves(round)}
    if not moves:
        return
    rows = Response.objects.filter(round_id=round.pk, id__in=list(moves)).values(
        "id", "round_agency_id", "asn_type", *ROW_FIELDS
    )
    for row in rows.iterator(chunk_size=2000):
        move = moves[row["id"]]
        _add(extra, (row["round_agency_id"], row["asn_type"]), sums_of_row(row, sign=-1))
        _add(extra, (move.agency, move.asn_type), sums_of_row(row))


def _sheet_row(sheet: Sheet) -> dict:
    return {**sheet.fields, "source": sheet.source}


@dataclass(frozen=True)
class Inputs:
    extra: dict[Cell, Sums]
    basis: dict[str, int]  # provisional runs: included sheets per true cell ("agency:type")
    waiting: int  # sheets still sealed
    included: int  # of those, counted by this run


def provisional_included(
    sheets: Iterable[Sheet], *, before: Mapping[str, int], minimum: int
) -> tuple[list[Sheet], dict[str, int]]:
    """The oldest sheets of each true cell that a provisional run may count, and the new basis."""
    by_cell: dict[str, list[Sheet]] = defaultdict(list)
    for sheet in sheets:
        by_cell[f"{sheet.agency}:{sheet.asn_type}"].append(sheet)
    included: list[Sheet] = []
    basis: dict[str, int] = {}
    for cell, members in sorted(by_cell.items()):
        members.sort(key=lambda s: (s.seq, str(s.id)))
        old = min(int(before.get(cell, 0)), len(members))
        candidate = len(members) - minimum
        count = candidate if candidate >= old + minimum else old
        if count:
            basis[cell] = count
            included.extend(members[:count])
    return included, basis


def compute_inputs(
    round: Round, *, provisional: bool, before: Mapping[str, int] | None = None
) -> Inputs:
    """`extra` for tally_round: moves of released responses and the waiting sheets (all of them
    for final figures, the provisional share otherwise). Raises ReleaseRefused when a sealed row
    does not open."""
    extra: dict[Cell, Sums] = {}
    _moves_extra(round, extra)
    sheets = sealed_sheets(round)
    basis: dict[str, int] = {}
    counted = sheets
    if provisional:
        # A release (the round was closed, then reopened) empties the waiting set: start again.
        generation = ResponseRelease.objects.filter(
            round_id=round.pk, status=ReleaseStatus.DONE
        ).count()
        before = before if before and before.get(GENERATION) == generation else {}
        counted, basis = provisional_included(sheets, before=before, minimum=round.min_group)
        basis[GENERATION] = generation
    for sheet in counted:
        _add(extra, (sheet.agency, sheet.asn_type), sums_of_row(_sheet_row(sheet)))
    return Inputs(extra=extra, basis=basis, waiting=len(sheets), included=len(counted))
