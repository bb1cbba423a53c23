"""What the scan of `Response` does not hold: sealed submissions and released-but-generalised rows.

The index computation adds these, per true (unit, ASN type) cell, to the one GROUP BY over the
released responses (reports.aggregation.tally_round's `extra`), so the figures are those of the
true cells (docs/ARCHITECTURE.md §7.2):
- **moves**: responses a release stored under a generalised cell (an ancestor unit, "LAINNYA") are
  taken out of that cell and put back into their true one, from the sums in the release's sealed
  note (surveys.services.release.release_moves);
- **waiting submissions**: their sealed summaries opened in memory, streamed
  (surveys.services.release.sheet_summaries), never written anywhere in the clear.

While a round is open, provisional figures must not let anyone who keeps copies of them, or of
the database, subtract their way to a few people (docs/ARCHITECTURE.md §5.5). So a provisional run
counts, per true cell, only the OLDEST waiting submissions, and moves that count only in steps of at
least the minimum group, always keeping at least the minimum group of the newest ones out:

    included(cell) stays as it was, unless  count(cell) - minimum >= included_before + minimum,
    in which case it becomes count(cell) - minimum.

Every included set is then empty or >= minimum, two stored runs differ by 0 or >= minimum per cell,
and the final figures differ from any provisional ones by >= minimum per cell (or by a whole cell
that no provisional run ever counted). The included counts of each run are kept on the run
(`IndexRun.basis`): counts, never answers. The excluded newest sheets of a cell are always fewer
than twice the minimum, so a cell is summed in one pass keeping only that many in memory.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from evaluations.models import Round
from reports.aggregation import Sums
from reports.models import VALUE_CODES
from surveys.models import SUMMARY_FIELDS, ReleaseStatus, ResponseRelease
from surveys.services.release import Summary, Totals, release_moves, sheet_summaries

Cell = tuple[int, str]
GENERATION = "_releases"  # basis entry: how many releases the round had when the basis was made
INDEX = {name: i for i, name in enumerate(SUMMARY_FIELDS)}
SCORES = tuple(INDEX[f"score_{code.lower()}"] for code in VALUE_CODES)


def sums_of_totals(totals: Mapping, *, sign: int = 1) -> Sums:
    """Sums from totals of summaries (surveys.services.release.Totals.as_dict): per field the sum
    and the count of non-empty values, as the scan's SUM and COUNT give them."""
    total, count = totals["sum"], totals["count"]
    squares, whole = totals.get("sq"), totals.get("whole")  # absent in notes written before
    spread = squares is not None and whole is not None
    return Sums(
        n=sign * totals["n"],
        paper=sign * totals["paper"],
        value_sum=[sign * total[i] for i in SCORES],
        value_n=[sign * count[i] for i in SCORES],
        engagement_sum=sign * total[INDEX["score_engagement"]],
        engagement_n=sign * count[INDEX["score_engagement"]],
        selection_n=sign * count[INDEX["current_limiting"]],
        limiting_sum=sign * int(total[INDEX["current_limiting"]]),
        current_hits=[sign * totals["bits"][i] for i in range(len(VALUE_CODES))],
        alignment_sum=sign * total[INDEX["alignment_desired"]],
        alignment_n=sign * count[INDEX["alignment_desired"]],
        personal_sum=sign * total[INDEX["alignment_personal"]],
        personal_n=sign * count[INDEX["alignment_personal"]],
        value_sq=[sign * v for v in squares] if spread else [0.0] * len(SCORES),
        whole_sum=sign * whole[0] if spread else 0.0,
        whole_sq=sign * whole[1] if spread else 0.0,
        whole_n=sign * whole[2] if spread else 0,
        spread_known=spread,
    )


def sums_of_summary(summary: Summary) -> Sums:
    totals = Totals()
    totals.add(summary)
    return sums_of_totals(totals.as_dict())


def _add(extra: dict[Cell, Sums], cell: Cell, sums: Sums) -> None:
    extra.setdefault(cell, Sums()).add(sums)


class _Cell:
    """One true cell while streaming: the totals of every sheet, and the newest kept apart."""

    __slots__ = ("everything", "newest")

    def __init__(self) -> None:
        self.everything, self.newest = Totals(), []  # heap of (seq, id, summary)

    def add(self, summary: Summary, keep: int) -> None:
        self.everything.add(summary)
        item = (summary.seq, summary.id.bytes, summary)
        if len(self.newest) < keep:
            heapq.heappush(self.newest, item)
        elif item > self.newest[0]:
            heapq.heapreplace(self.newest, item)

    def first(self, count: int) -> Sums:
        """The sums of the `count` oldest sheets (count >= number of sheets - keep)."""
        totals = self.everything
        for _seq, _id, summary in heapq.nlargest(totals.n - count, self.newest):
            totals.add(summary, sign=-1)
        return sums_of_totals(totals.as_dict())


def provisional_count(count: int, before: int, minimum: int) -> int:
    """How many of a cell's `count` sheets (oldest first) a provisional run counts."""
    before = min(before, count)
    candidate = count - minimum
    return candidate if candidate >= before + minimum else before


def provisional_included(
    summaries: Iterable[Summary], *, before: Mapping[str, int], minimum: int
) -> tuple[dict[Cell, Sums], dict[str, int]]:
    """Per true cell, the sums of the sheets a provisional run counts, and the new basis."""
    keep = 2 * minimum  # more than ever excluded (count - included < 2 x minimum)
    cells: dict[Cell, _Cell] = {}
    for summary in summaries:
        state = cells.get(summary.cell)
        if state is None:
            state = cells[summary.cell] = _Cell()
        state.add(summary, keep)
    included: dict[Cell, Sums] = {}
    basis: dict[str, int] = {}
    for cell, state in sorted(cells.items()):
        key = f"{cell[0]}:{cell[1]}"
        count = provisional_count(state.everything.n, int(before.get(key, 0)), minimum)
        if count:
            basis[key] = count
            included[cell] = state.first(count)
    return included, basis


@dataclass(frozen=True)
class Inputs:
    extra: dict[Cell, Sums]
    basis: dict[str, int]  # provisional runs: included sheets per true cell ("agency:type")


def compute_inputs(
    round: Round, *, provisional: bool, before: Mapping[str, int] | None = None
) -> Inputs:
    """`extra` for tally_round: moves of released responses and the waiting sheets (all of them
    for final figures, the provisional share otherwise). Raises ReleaseRefused when a sealed row
    does not open."""
    extra: dict[Cell, Sums] = {}
    for move in release_moves(round):
        _add(extra, move.stored, sums_of_totals(move.totals, sign=-1))
        _add(extra, move.true, sums_of_totals(move.totals))
    basis: dict[str, int] = {}
    if provisional:
        # A release (the round was closed, then reopened) empties the waiting set: start again.
        generation = ResponseRelease.objects.filter(
            round_id=round.pk, status=ReleaseStatus.DONE
        ).count()
        before = before if before and before.get(GENERATION) == generation else {}
        counted, basis = provisional_included(
            sheet_summaries(round), before=before, minimum=round.min_group
        )
        basis[GENERATION] = generation
        for cell, sums in counted.items():
            _add(extra, cell, sums)
    else:
        for summary in sheet_summaries(round):
            _add(extra, summary.cell, sums_of_summary(summary))
    return Inputs(extra=extra, basis=basis)
