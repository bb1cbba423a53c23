"""The fast paths of the compute (docs/ARCHITECTURE.md §7.2) give exactly what the plain ones gave:
the cell sums the database keeps (surveys.sums) against the ORM GROUP BY they replaced, the COPY writer against bulk_create, on random
data with empty scores, paper answers, generalised cells and values-selection tallies."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.db.models import Count, F, Q, Sum

from reports import figure_store
from reports.aggregation import ASN_TYPES, Sums, cell_sums
from reports.figures import FIGURE_COLUMNS, figures_build, figures_of_rows
from reports.models import VALUE_CODES, IndexFigure, IndexRun, RunStatus
from reports.services import compute
from surveys.models import VALUE_BITS, Response, ResponseSource, selection_derived
from tests.reports.factories import survey_round


def _orm_scan(round, selection: bool) -> dict:
    """The scan as it was written before (reports.aggregation, ORM aggregates), as reference."""
    aggregates: dict = {
        "n": Count("pk"),
        "paper": Count("pk", filter=Q(source=ResponseSource.PAPER)),
        "e_sum": Sum("score_engagement"),
        "e_n": Count("score_engagement"),
    }
    for code in VALUE_CODES:
        aggregates[f"s_{code}"] = Sum(f"score_{code.lower()}")
        aggregates[f"c_{code}"] = Count(f"score_{code.lower()}")
    if selection:
        aggregates["sel_n"] = Count("current_limiting")
        aggregates["lim_sum"] = Sum("current_limiting")
        for code in VALUE_CODES:
            aggregates[f"h_{code}"] = Sum(F("current_mask").bitand(1 << VALUE_BITS.index(code)))
        aggregates["al_sum"] = Sum("alignment_desired")
        aggregates["al_n"] = Count("alignment_desired")
        aggregates["pe_sum"] = Sum("alignment_personal")
        aggregates["pe_n"] = Count("alignment_personal")
    rows = (
        Response.objects.filter(round_id=round.pk)
        .values("round_agency_id", "asn_type")
        .annotate(**aggregates)
        .order_by()
    )
    result = {}
    for row in rows:
        sums = Sums(n=row["n"], paper=row["paper"])
        sums.value_sum = [float(row[f"s_{c}"] or 0.0) for c in VALUE_CODES]
        sums.value_n = [int(row[f"c_{c}"]) for c in VALUE_CODES]
        sums.engagement_sum = float(row["e_sum"] or 0.0)
        sums.engagement_n = int(row["e_n"])
        if selection:
            sums.selection_n = int(row["sel_n"])
            sums.limiting_sum = int(row["lim_sum"] or 0)
            sums.current_hits = [
                int(row[f"h_{c}"] or 0) >> VALUE_BITS.index(c) for c in VALUE_CODES
            ]
            sums.alignment_sum = float(row["al_sum"] or 0.0)
            sums.alignment_n = int(row["al_n"])
            sums.personal_sum = float(row["pe_sum"] or 0.0)
            sums.personal_n = int(row["pe_n"])
        result[(row["round_agency_id"], row["asn_type"])] = sums
    return result


def _random_responses(round, rng: random.Random, count: int) -> None:
    agencies = list(round.agencies.values_list("pk", flat=True))
    rows = []
    for _ in range(count):
        fields = {}
        for code in VALUE_CODES:
            fields[f"score_{code.lower()}"] = (
                None if rng.random() < 0.1 else rng.choice((0.0, 25.0, 100.0, rng.random() * 100))
            )
        fields["score_engagement"] = None if rng.random() < 0.3 else rng.random() * 100
        if rng.random() < 0.8:
            chosen = [",".join(sorted(rng.sample(VALUE_CODES, 3))) for _ in range(3)]
            fields.update(current_values=chosen[0], personal_values=chosen[1])
            fields.update(desired_values=chosen[2], current_limiting=rng.randint(0, 3))
            fields.update(selection_derived(*chosen))
        rows.append(
            Response(
                round=round,
                round_agency_id=rng.choice(agencies),
                asn_type=rng.choice((*ASN_TYPES, "LAINNYA")),
                source=ResponseSource.PAPER if rng.random() < 0.1 else ResponseSource.WEB,
                **fields,
            )
        )
    Response.objects.bulk_create(rows)


def _same(a: Sums, b: Sums) -> None:
    assert (a.n, a.paper, a.value_n, a.engagement_n) == (b.n, b.paper, b.value_n, b.engagement_n)
    assert (a.selection_n, a.limiting_sum, a.current_hits) == (
        b.selection_n,
        b.limiting_sum,
        b.current_hits,
    )
    assert (a.alignment_n, a.personal_n) == (b.alignment_n, b.personal_n)
    floats = (*a.value_sum, a.engagement_sum, a.alignment_sum, a.personal_sum)
    assert floats == pytest.approx(
        (*b.value_sum, b.engagement_sum, b.alignment_sum, b.personal_sum)
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("selection", [True, False])
def test_stored_cell_sums_equal_the_orm_scan(province, seed, selection):
    round = survey_round(province, selection=True)
    _random_responses(round, random.Random(seed), 300)
    fast, plain = cell_sums(round, selection=selection), _orm_scan(round, selection)
    assert fast.keys() == plain.keys()
    for cell in plain:
        _same(fast[cell], plain[cell])


def test_cell_sums_of_an_empty_round(province):
    assert cell_sums(survey_round(province), selection=True) == {}


def _rows(run) -> list[tuple]:
    return sorted(
        IndexFigure.objects.filter(run=run).values_list(*FIGURE_COLUMNS),
        key=lambda r: tuple("" if v is None else str(v) for v in r),
    )


@pytest.mark.django_db(transaction=True)
def test_copy_writes_what_bulk_create_writes(province):
    """The COPY text of _figures_insert (PostgreSQL) and bulk_create store the same rows, texts
    with tabs, backslashes and newlines included, and read them back through the view as the
    rows they were."""
    round = survey_round(province, selection=True)
    _random_responses(round, random.Random(7), 200)
    run, computed = compute.index_compute_now(round=round)
    assert computed and run.status == RunStatus.DONE
    rows = _rows(run)
    assert rows and len(rows) == IndexFigure.objects.filter(run=run).count()
    odd = "tab\there, back\\slash,\nnew line\r"
    rows.append(
        (
            round.pk,
            "PROVINCE",
            None,
            "ASN_TYPE",
            "LAINNYA",
            "BP",
            None,
            3,
            None,
            True,
            odd,
            "",
            None,
            None,
            None,
        )
    )
    copied = IndexRun.objects.create(round=round, status=RunStatus.FAILED)
    compute._figures_insert(figures_of_rows(rows), copied.pk)
    assert _rows(copied) == sorted(
        rows, key=lambda r: tuple("" if v is None else str(v) for v in r)
    )
    if connection.vendor == "postgresql":
        created = IndexRun.objects.create(round=round, status=RunStatus.FAILED)
        figure_store.store_with_orm(created.pk, figures_of_rows(rows))
        assert _rows(created) == _rows(copied)


def test_figure_rows_are_plain_tuples(province):
    """figures_build hands the writer rows of FIGURE_COLUMNS, nothing per figure but a tuple."""
    from reports.aggregation import tally_round

    round = survey_round(province)
    _random_responses(round, random.Random(3), 50)
    rows = figures_build(
        tallies=tally_round(round, selection=False),
        institutional={},
        pick_count=None,
        engagement=False,
    )
    assert rows and all(type(r) is tuple and len(r) == len(FIGURE_COLUMNS) for r in rows)


def test_a_compute_leaves_no_cycle_for_the_collector(province):
    """The compute pauses the cyclic collector (docs/ARCHITECTURE.md §7.2): what it builds must
    be freed by reference counting as it returns, or the round's tallies would stay in memory
    until a collection (and then cost that collection ~0.1 s at national scale)."""
    import gc

    from reports.aggregation import RoundTallies
    from reports.figures import FigureWriter

    round = survey_round(province, selection=True)
    _random_responses(round, random.Random(4), 60)
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        run, computed = compute.index_compute_now(round=round)
        assert computed and run.status == RunStatus.DONE
        wanted = (RoundTallies, FigureWriter)  # type(), not isinstance(): no lazy object set up
        alive = [o for o in gc.get_objects() if type(o) in wanted]
    finally:
        if enabled:
            gc.enable()
    assert alive == []
