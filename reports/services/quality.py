"""Instrument quality of a run's round, for the Biro's methodologists (docs/ARCHITECTURE.md §7.5).

One aggregate query over the round's responses (their stored item answers), grouped by agency:
per behaviour item the sum and every pairwise product of its score, and how many answers are
straight-lined (every item given the same answer); the sums add up over the tree like the
index's. Everything for the province; for a unit (its subtree) only its alpha per value and
overall, and only where its individual index is published in the run and it has at least the
group minimum of complete answers. Nothing concerns a person. It is not part of the index
compute (the compute's one scan stays as measured, §7.2): an admin asks for it on the quality
page, and it is stored per run.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, FloatField, Q, Sum, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from evaluations.models import RoundAgency
from reports import stats, suppression
from reports.models import IndexFigure, IndexRun, InstrumentQuality, Scope
from surveys.models import InstrumentKind, Item, Response, RoundInstrument


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


def instrument_quality_compute(run: IndexRun) -> InstrumentQuality | None:
    """Compute and store the run's instrument quality (replacing an earlier one); None when the
    round has no behaviour items or fewer complete answers than the group minimum."""
    items, scale = behaviour_items(run.round_id)
    if len(items) < 2:
        return None
    codes = [item.code for item in items]
    raw = {f"r{i}": Cast(KT(f"answers__{code}"), FloatField()) for i, code in enumerate(codes)}
    scored = [
        (Value(scale + 1.0) - F(f"r{i}")) if item.reverse else F(f"r{i}")
        for i, item in enumerate(items)
    ]
    k = len(items)
    aggregates = {"m": Count("pk")}
    for i in range(k):
        aggregates[f"s{i}"] = Sum(scored[i])
        for j in range(i, k):
            aggregates[f"p{i}_{j}"] = Sum(scored[i] * scored[j], output_field=FloatField())
    aggregates["flat"] = Count("pk", filter=Q(**{f"r{i}": F("r0") for i in range(1, k)}))
    rows = (
        Response.objects.filter(round_id=run.round_id, answers__has_keys=codes)
        .annotate(**raw)
        .values("round_agency_id")
        .annotate(**aggregates)
        .order_by()
    )
    own = {row["round_agency_id"]: _Tally.of(row, k) for row in rows}
    subtrees = _subtrees(run.round_id, own, k)
    root = RoundAgency.objects.get(round_id=run.round_id, depth=0)
    found = subtrees.get(root.pk) or _Tally(k)
    m = found.m
    InstrumentQuality.objects.filter(run=run).delete()
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
    alpha = stats.cronbach_alpha(cov, list(range(k)))
    share = Decimal(found.flat * 100) / m
    return InstrumentQuality.objects.create(
        run=run,
        responses=m,
        straight_share=share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        alpha=None if alpha is None else Decimal(repr(alpha)).quantize(Decimal("0.001")),
        values=values,
        units=_units(run, items, subtrees, minimum, root.pk),
    )


class _Tally:
    """Complete answers of a group: count, straight-lined count, item sums and products."""

    def __init__(self, k: int) -> None:
        self.m, self.flat = 0, 0
        self.sums = [0.0] * k
        self.products = [[0.0] * k for _ in range(k)]

    @classmethod
    def of(cls, row: dict, k: int) -> _Tally:
        tally = cls(k)
        tally.m, tally.flat = row["m"], row["flat"]
        tally.sums = [float(row[f"s{i}"] or 0.0) for i in range(k)]
        for i in range(k):
            for j in range(i, k):
                tally.products[i][j] = tally.products[j][i] = float(row[f"p{i}_{j}"] or 0.0)
        return tally

    def add(self, other: _Tally) -> None:
        self.m += other.m
        self.flat += other.flat
        k = len(self.sums)
        for i in range(k):
            self.sums[i] += other.sums[i]
            for j in range(k):
                self.products[i][j] += other.products[i][j]


def _subtrees(round_id: int, own: dict[int, _Tally], k: int) -> dict[int, _Tally]:
    """{agency id: tally of its subtree}, the sums added up from the leaves."""
    agencies = list(
        RoundAgency.objects.filter(round_id=round_id).values_list("pk", "parent_id", "depth")
    )
    subtrees = {pk: _Tally(k) for pk, _parent, _depth in agencies}
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
                "alpha": _three(stats.cronbach_alpha(cov, list(range(len(items))))),
                "values": {
                    code: _three(stats.cronbach_alpha(cov, idx)) for code, idx in by_value.items()
                },
            }
        )
    return sorted(units, key=lambda u: u["code"])
