"""Instrument quality of a run's round, for the Biro's methodologists (docs/ARCHITECTURE.md §7.5).

One aggregate query over the round's responses (their stored item answers): per behaviour item
the sum and every pairwise product of its score, and how many answers are straight-lined (every
item given the same answer). Province level only, and only from at least the group minimum of
complete answers: no figure here concerns a unit or a person. It is not part of the index
compute (the compute's one scan stays as measured, §7.2): an admin asks for it on the quality
page, and it is stored per run.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, FloatField, Q, Sum, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from reports import stats, suppression
from reports.models import IndexRun, InstrumentQuality
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
    found = (
        Response.objects.filter(round_id=run.round_id, answers__has_keys=codes)
        .annotate(**raw)
        .aggregate(**aggregates)
    )
    m = found["m"]
    InstrumentQuality.objects.filter(run=run).delete()
    if m < max(2, suppression.group_minimum(run.round.min_group)):
        return None
    sums = [float(found[f"s{i}"]) for i in range(k)]
    products = [[0.0] * k for _ in range(k)]
    for i in range(k):
        for j in range(i, k):
            products[i][j] = products[j][i] = float(found[f"p{i}_{j}"])
    cov = stats.covariances(m, sums, products)
    values = []
    for code in dict.fromkeys(item.value.code for item in items):
        scale_items = [i for i, item in enumerate(items) if item.value.code == code]
        rows = []
        for i in scale_items:
            r = stats.item_rest_correlation(cov, i, scale_items) if len(scale_items) > 1 else None
            rows.append(
                {"code": codes[i], "r": _three(r), "flagged": r is not None and r < stats.ITEM_REST_LOW}
            )  # fmt: skip
        alpha = stats.cronbach_alpha(cov, scale_items)
        values.append({"code": code, "alpha": _three(alpha), "items": rows})
    alpha = stats.cronbach_alpha(cov, list(range(k)))
    share = Decimal(found["flat"] * 100) / m
    return InstrumentQuality.objects.create(
        run=run,
        responses=m,
        straight_share=share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        alpha=None if alpha is None else Decimal(repr(alpha)).quantize(Decimal("0.001")),
        values=values,
    )
