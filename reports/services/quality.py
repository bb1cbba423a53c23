"""Instrument quality of a run's round, for the Biro's methodologists (docs/ARCHITECTURE.md §7.5).

One aggregate query over the round's responses (their stored item answers), grouped by agency:
per behaviour item the sum and every pairwise product of its score, and how many answers are
straight-lined (every item given the same answer); the sums add up over the tree like the
index's. Everything for the province; for a unit (its subtree) only its alpha per value and
overall, and only where its individual index is published in the run and it has at least the
group minimum of complete answers. Nothing concerns a person. It is not part of the index
compute (the compute's one scan stays as measured, §7.2): an admin asks for it on the quality
page, a worker computes it (`instrument_quality_build`, a job of §3.1) and it is stored per run.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from berakhlak.jobs import JobKind, heartbeat
from berakhlak.models import User
from evaluations.models import RoundAgency
from reports import stats, suppression
from reports.models import (
    ACTIVE_STATUSES,
    IndexFigure,
    IndexRun,
    InstrumentQuality,
    RunStatus,
    Scope,
)
from surveys.models import InstrumentKind, Item, RoundInstrument


def behaviour_items(round_id: int) -> tuple[list[Item], int]:
    """The round's behaviour items with a value, in order, and the instrument's scale."""
    link = (
        RoundInstrument.objects.filter(round_id=round_id, instrument__kind=InstrumentKind.BEHAVIOUR)
        .select_related("instrument")
        .order_by("pk")
        .first()
    )
    if link is None:
        return [], 0
    items = list(
        Item.objects.filter(instrument=link.instrument, value__isnull=False)
        .select_related("value")
        .order_by("order")
    )
    return items, link.instrument.scale_points


def _three(number: float | None) -> float | None:
    return None if number is None else round(number, 3)


def _measure(run: IndexRun) -> dict | None:
    """The stored fields of the run's instrument quality; None when the round has no behaviour
    items or fewer complete answers than the group minimum."""
    items, scale = behaviour_items(run.round_id)
    if len(items) < 2:
        return None
    codes = [item.code for item in items]
    k = len(items)
    blocks = _blocks(items)
    own = _own_tallies(run.round_id, items, scale, blocks)
    subtrees = _subtrees(run.round_id, own, k, blocks)
    root = RoundAgency.objects.get(round_id=run.round_id, depth=0)
    found = subtrees.get(root.pk) or _Tally(k, blocks)
    m = found.m
    minimum = max(2, suppression.group_minimum(run.round.min_group))
    if m < minimum:
        return None
    cov = stats.covariances(m, found.sums, found.products)
    values = []
    for code in dict.fromkeys(item.value.code for item in items):
        scale_items = [i for i, item in enumerate(items) if item.value.code == code]
        rows = []
        for i in scale_items:
            r = stats.item_rest_correlation(cov, i, scale_items) if len(scale_items) > 1 else None
            rows.append(
                {
                    "code": codes[i],
                    "r": _three(r),
                    "flagged": r is not None and r < stats.ITEM_REST_LOW,
                }
            )
        alpha = stats.cronbach_alpha(cov, scale_items)
        values.append({"code": code, "alpha": _three(alpha), "items": rows})
    alpha = found.alpha_overall(cov)
    share = Decimal(found.flat * 100) / m
    return {
        "responses": m,
        "straight_share": share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        "alpha": None if alpha is None else Decimal(repr(alpha)).quantize(Decimal("0.001")),
        "values": values,
        "units": _units(run, items, subtrees, minimum, root.pk),
    }


# --- the job (docs/ARCHITECTURE.md §3.1) ----------------------------------------------------------

_RESET = {
    "status": RunStatus.QUEUED,
    "error": "",
    "empty": False,
    "computed_at": None,
    "responses": 0,
    "straight_share": None,
    "alpha": None,
    "values": [],
    "units": [],
    "enqueued_at": None,
    "heartbeat_at": None,
    "restarted_at": None,
}


def instrument_quality_request(*, run: IndexRun, by: User | None) -> InstrumentQuality:
    """Ask a worker to compute the run's instrument quality (again); returns its row. While one
    is queued or running, that one is returned and nothing else is asked."""
    with transaction.atomic():
        quality, created = InstrumentQuality.objects.get_or_create(run=run)
        quality = InstrumentQuality.objects.select_for_update().get(pk=quality.pk)
        if quality.is_active and not created:
            return quality
        for name, value in {**_RESET, "requested_by": by, "created_at": timezone.now()}.items():
            setattr(quality, name, value)
        quality.save()
        QUALITY_RUNS.send(quality)
    return quality


def instrument_quality_build(quality_id: int) -> InstrumentQuality | None:
    """Claim the queued row (one worker wins), compute it, store it; None when nothing was
    claimed (a second delivery of the same message)."""
    claimed = InstrumentQuality.objects.filter(pk=quality_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, heartbeat_at=timezone.now()
    )
    if not claimed:
        return None
    quality = InstrumentQuality.objects.select_related("run__round").get(pk=quality_id)
    try:
        with heartbeat(InstrumentQuality, quality_id, status=RunStatus.RUNNING):
            measured = _measure(quality.run)
    except Exception as error:
        InstrumentQuality.objects.filter(pk=quality_id).update(
            status=RunStatus.FAILED, error=str(error)[:2000]
        )
        raise
    InstrumentQuality.objects.filter(pk=quality_id, status=RunStatus.RUNNING).update(
        status=RunStatus.DONE, computed_at=timezone.now(), **(measured or {"empty": True})
    )
    return InstrumentQuality.objects.get(pk=quality_id)


def instrument_quality_compute(run: IndexRun) -> InstrumentQuality | None:
    """Compute the run's instrument quality now, in this process (tests, the shell); None when
    there is nothing to show."""
    quality, _created = InstrumentQuality.objects.update_or_create(run=run, defaults=_RESET)
    built = instrument_quality_build(quality.pk)
    return built if built is not None and built.shown else None


def _build_task(quality: InstrumentQuality) -> tuple:
    from reports.tasks import instrument_quality_build as task

    return task, (quality.pk,)


QUALITY_RUNS = JobKind(
    model=InstrumentQuality,
    active=Q(status__in=ACTIVE_STATUSES),
    task=_build_task,
    requeue={"status": RunStatus.QUEUED},
)


_CODE = re.compile(r"[A-Za-z0-9_]{1,40}")


def _blocks(items: list[Item]) -> list[list[int]]:
    """The items' positions grouped by value, in order (each value's scale)."""
    by_value: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        by_value.setdefault(item.value.code, []).append(i)
    return list(by_value.values())


def _answers_source(round_id: int, codes: list[str]) -> tuple[str, str, tuple, list[str]]:
    """FROM and WHERE text, their parameters, and the expression of each item's answer."""
    if connection.vendor == "postgresql" and all(_CODE.fullmatch(code) for code in codes):
        # One jsonb_to_record per response types the answers; its columns are named after the
        # keys, so the codes become quoted identifiers: only codes of letters, digits and
        # underscores go into the text (others take the portable path below).
        record = ", ".join(f'"{code}" float8' for code in codes)
        source = f"surveys_response s, LATERAL jsonb_to_record(s.answers) AS x({record})"
        params: tuple = (round_id,)
        answer = [f'x."{code}"' for code in codes]
        where = "s.round_id = %s AND "
    else:
        if connection.vendor == "postgresql":
            extract, keys, fence = "(answers ->> %s)::float8", codes, "OFFSET 0"
        else:  # SQLite: json_extract gives NULL for a JSON null
            extract, fence = "CAST(json_extract(answers, %s) AS REAL)", "LIMIT -1 OFFSET 0"
            keys = [f'$."{code}"' for code in codes]
        selected = ", ".join(f"{extract} AS r{i}" for i in range(len(codes)))
        source = (
            f"(SELECT round_agency_id, {selected} FROM surveys_response "  # noqa: S608
            f"WHERE round_id = %s {fence}) s"
        )
        params = (*keys, round_id)
        answer = [f"s.r{i}" for i in range(len(codes))]
        where = ""
    return source, where, params, answer


def _own_tallies(
    round_id: int, items: list[Item], scale: int, blocks: list[list[int]]
) -> dict[int, _Tally]:
    """{round agency id: tally of its own complete answers}: one aggregate query.

    Each item's answer is read out of the JSON once per response (on PostgreSQL by
    `jsonb_to_record` in a LATERAL join, which keeps the parallel scan; elsewhere in a subquery
    behind a fence, `OFFSET 0`, so that the expressions are not pulled up into every aggregate
    that uses them). The aggregates, per agency: each item's scored answer, its
    square, the products of the items of one value (the only covariances a value's alpha and
    the item-rest correlations need), the total and its square (the whole instrument's alpha
    needs only the variance of the total), and the straight-lined answers: 68 for 21 items, not
    the 253 of a full covariance matrix. Complete answers: every item answered, none null."""
    source, where, params, answer = _answers_source(round_id, [item.code for item in items])
    x = [
        f"({scale + 1.0} - {a})" if item.reverse else a
        for a, item in zip(answer, items, strict=True)
    ]
    total = " + ".join(x)
    same = " AND ".join(f"{a} = {answer[0]}" for a in answer[1:])  # raw answers, all equal
    columns = ["COUNT(*)", f"SUM(CASE WHEN {same} THEN 1 ELSE 0 END)"]
    columns += [f"SUM({x[i]})" for i in range(len(items))]
    pairs = [(i, j) for block in blocks for a, i in enumerate(block) for j in block[a:]]
    columns += [f"SUM({x[i]} * {x[j]})" for i, j in pairs]
    columns += [f"SUM({total})", f"SUM(({total}) * ({total}))"]
    complete = " AND ".join(f"{a} IS NOT NULL" for a in answer)
    # Into the text go only ints, names made here and the item codes checked above.
    query = (
        f"SELECT s.round_agency_id, {', '.join(columns)} FROM {source} "  # noqa: S608
        f"WHERE {where}{complete} GROUP BY s.round_agency_id"
    )
    own = {}
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for agency_id, *values in cursor.fetchall():
            own[agency_id] = _Tally.of(values, len(items), blocks, pairs)
    return own


class _Tally:
    """Complete answers of a group: count, straight-lined count, item sums, the products of the
    items of one value (`products[i][j]` for i, j of the same value; the rest stays 0 and is
    never read), and the sum and the sum of squares of the total."""

    def __init__(self, k: int, blocks: list[list[int]]) -> None:
        self.m, self.flat = 0, 0
        self.blocks = blocks
        self.sums = [0.0] * k
        self.products = [[0.0] * k for _ in range(k)]
        self.total, self.total_sq = 0.0, 0.0

    @classmethod
    def of(cls, values: list, k: int, blocks, pairs: list[tuple[int, int]]) -> _Tally:
        tally = cls(k, blocks)
        numbers = [float(v or 0) for v in values]
        tally.m, tally.flat = int(numbers[0]), int(numbers[1])
        tally.sums = numbers[2 : 2 + k]
        for (i, j), product in zip(pairs, numbers[2 + k : 2 + k + len(pairs)], strict=True):
            tally.products[i][j] = tally.products[j][i] = product
        tally.total, tally.total_sq = numbers[-2], numbers[-1]
        return tally

    def add(self, other: _Tally) -> None:
        self.m += other.m
        self.flat += other.flat
        self.total += other.total
        self.total_sq += other.total_sq
        for i, value in enumerate(other.sums):
            self.sums[i] += value
        for block in self.blocks:
            for i in block:
                for j in block:
                    self.products[i][j] += other.products[i][j]

    def alpha_overall(self, cov: list[list[float]]) -> float | None:
        """The whole instrument's alpha: the item variances (the diagonal) against the
        variance of the total."""
        if self.m < 2:
            return None
        variance = (self.total_sq - self.total * self.total / self.m) / (self.m - 1)
        return stats.alpha_from_variances([cov[i][i] for i in range(len(self.sums))], variance)


def _subtrees(
    round_id: int, own: dict[int, _Tally], k: int, blocks: list[list[int]]
) -> dict[int, _Tally]:
    """{agency id: tally of its subtree}, the sums added up from the leaves."""
    agencies = list(
        RoundAgency.objects.filter(round_id=round_id).values_list("pk", "parent_id", "depth")
    )
    subtrees = {pk: _Tally(k, blocks) for pk, _parent, _depth in agencies}
    for pk, parent, _depth in sorted(agencies, key=lambda a: a[2], reverse=True):
        if pk in own:
            subtrees[pk].add(own[pk])
        if parent in subtrees:
            subtrees[parent].add(subtrees[pk])
    return subtrees


def _units(run, items, subtrees: dict[int, _Tally], minimum: int, root_id: int) -> list[dict]:
    """Alpha per value and overall of every unit (subtree) whose individual index is published
    in the run and that has at least `minimum` complete answers (the same cells as the index:
    no unit hidden there is described here)."""
    published = set(
        IndexFigure.objects.filter(
            run=run,
            scope=Scope.SUBTREE,
            dimension="",
            code="INDIVIDUAL",
            suppressed=False,
            value__isnull=False,
        ).values_list("round_agency_id", flat=True)
    )
    names = dict(RoundAgency.objects.filter(pk__in=published).values_list("pk", "code"))
    by_value: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        by_value.setdefault(item.value.code, []).append(i)
    units = []
    for pk, tally in subtrees.items():
        if pk == root_id or pk not in published or tally.m < minimum:
            continue
        cov = stats.covariances(tally.m, tally.sums, tally.products)
        units.append(
            {
                "agency": pk,
                "code": names[pk],
                "m": tally.m,
                "alpha": _three(tally.alpha_overall(cov)),
                "values": {
                    code: _three(stats.cronbach_alpha(cov, idx)) for code, idx in by_value.items()
                },
            }
        )
    return sorted(units, key=lambda u: u["code"])
