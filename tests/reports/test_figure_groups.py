"""A run's figures stored one row per group (FigureGroup, a block of columns per code) and read one
row per figure through the view reports_indexfigure (docs/ARCHITECTURE.md §7.2): the migration
moves stored runs into groups and back row for row, the database keeps the rules of a figure per
block (a hidden figure has no value and no interval), and the writers refuse two figures of one
code in a group."""

from __future__ import annotations

import random

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from reports import figure_copy, figure_store
from reports.figures import Figures, Group, figures_of_rows
from reports.models import FIGURE_ORDER, FigureCode, FigureGroup, IndexFigure, IndexRun, RunStatus
from reports.services import compute
from tests.reports.factories import survey_round
from tests.reports.test_compute_fast import _random_responses

BEFORE = [("reports", "0010_indexfigure_agency_first")]
COLUMNS = ", ".join(figure_store.FIGURE_VIEW_COLUMNS[1:])


def _figures(run_id: int) -> list[tuple]:
    """The run's figures in id order, without the id (raw SQL on the view or the old table)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {COLUMNS} FROM reports_indexfigure WHERE run_id = %s ORDER BY id",
            [run_id],
        )
        return [tuple(str(v) if v is not None else None for v in row) for row in cursor]


def _computed_run(province, seed: int = 11) -> IndexRun:
    round = survey_round(province, selection=True, min_group=3)
    _random_responses(round, random.Random(seed), 150)
    run, computed = compute.index_compute_now(round=round)
    assert computed and run.status == RunStatus.DONE
    return run


def test_the_stored_order_names_every_code_once():
    assert sorted(FIGURE_ORDER) == sorted(FigureCode.values)
    assert len(figure_store.PLACE) == len(FIGURE_ORDER) <= figure_store.ID_SPAN


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_stored_runs_into_groups_and_back(province):
    run = _computed_run(province)
    stored = _figures(run.pk)
    hidden = figure_store.FIGURE_VIEW_COLUMNS.index("suppressed") - 1
    assert any(row[hidden] in ("True", "1") for row in stored), "a hidden figure among them"
    assert any(row[-1] is not None for row in stored), "an interval among them"
    groups = FigureGroup.objects.filter(run=run).count()
    assert 0 < groups < len(stored)

    MigrationExecutor(connection).migrate(BEFORE)  # back: the groups become rows again
    assert "reports_figuregroup" not in connection.introspection.table_names()
    assert _figures(run.pk) == stored
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # and forward: rows into groups
    assert "reports_figuregroup" in connection.introspection.table_names()
    assert _figures(run.pk) == stored
    assert FigureGroup.objects.filter(run=run).count() == groups


def test_the_view_shows_each_filled_block_once(province):
    run = _computed_run(province, seed=5)
    figures = list(IndexFigure.objects.filter(run=run))
    blocks = sum(
        getattr(group, f"{code.lower()}_n") is not None
        for group in FigureGroup.objects.filter(run=run)
        for code in FIGURE_ORDER
    )
    assert len(figures) == blocks
    assert len({f.pk for f in figures}) == len(figures)
    assert {f.code for f in figures} <= set(FIGURE_ORDER)
    assert IndexFigure.objects.filter(run=run, code="COMPOSITE").count() == (
        FigureGroup.objects.filter(run=run, composite_n__isnull=False).count()
    )
    run.delete()  # the groups go with their run, and the view's rows with them
    assert not FigureGroup.objects.filter(run_id=run.pk).exists()
    assert not IndexFigure.objects.filter(run_id=run.pk).exists()


def _raw_group(run: IndexRun, key: str, **blocks) -> None:
    """One group of the province's ASN-type breakdown, written with raw SQL."""
    columns = ["run_id", "round_id", "scope", "dimension", "dimension_key", *blocks]
    values = [run.pk, run.round_id, "PROVINCE", "ASN_TYPE", key, *blocks.values()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO reports_figuregroup ({', '.join(columns)}) "
            f"VALUES ({', '.join(['%s'] * len(values))})",
            values,
        )


SHOWN = {"bp_n": 7, "bp_suppressed": False, "bp_reason": "", "bp_band": "B"}


@pytest.mark.parametrize(
    "block",
    [
        {**SHOWN, "bp_suppressed": True, "bp_reason": "small", "bp_value": 70},  # hidden, a value
        {**SHOWN, "bp_suppressed": True, "bp_reason": "", "bp_value": None},  # hidden, no reason
        {**SHOWN, "bp_value": 70, "bp_low": 60, "bp_high": 80, "bp_se": 1, "bp_suppressed": True},
        {**SHOWN, "bp_value": 70, "bp_low": 72, "bp_high": 80, "bp_se": 1},  # the value outside
        {"bp_value": 70},  # a value without the rest of its block
        {**SHOWN, "bp_value": 101},
        {**SHOWN, "bp_value": 70, "bp_band": "E"},
    ],
)
def test_the_database_refuses_a_figure_that_breaks_a_rule(province, block):
    run = IndexRun.objects.create(round=survey_round(province), status=RunStatus.FAILED)
    _raw_group(run, "PNS", **SHOWN, bp_value=70)  # the rules let a plain shown figure in
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_group(run, "PPPK", **block)


def test_two_figures_of_one_code_in_a_group_are_refused(province):
    run = IndexRun.objects.create(round=survey_round(province), status=RunStatus.FAILED)
    row = (
        run.round_id,
        "PROVINCE",
        None,
        "",
        "",
        "BP",
        None,
        3,
        None,
        True,
        "small",
        "",
        None,
        None,
        None,
    )
    if connection.vendor == "postgresql":
        with pytest.raises(ValueError, match="two figures BP"), transaction.atomic():
            figure_copy.store_with_copy(run.pk, figures_of_rows([row, row]))
    with pytest.raises(ValueError, match="two figures BP"):
        figure_store.store_with_orm(run.pk, figures_of_rows([row, row]))
    assert not FigureGroup.objects.filter(run=run).exists()


def test_an_interval_on_a_code_without_one_is_refused(province):
    """Only the value codes, the individual index and the composite store an interval; both
    writers refuse one elsewhere rather than drop it, from rows or from groups made by hand."""
    run = IndexRun.objects.create(round=survey_round(province), status=RunStatus.FAILED)
    row = (run.round_id, "PROVINCE", None, "", "", "ENTROPY", 50, 3, None, False, "", "", 40, 60, 1)
    blocks = [None] * len(FIGURE_ORDER)
    blocks[FIGURE_ORDER.index("ENTROPY")] = row[6:]
    by_hand = figures_of_rows([])._replace(batches=[[Group(row[:5], blocks)]])
    assert isinstance(by_hand, Figures)
    for figures in (lambda: figures_of_rows([row]), lambda: by_hand):
        if connection.vendor == "postgresql":
            with pytest.raises(ValueError, match="ENTROPY"), transaction.atomic():
                figure_copy.store_with_copy(run.pk, figures())
        with pytest.raises(ValueError, match="ENTROPY"):
            figure_store.store_with_orm(run.pk, figures())
    assert not FigureGroup.objects.filter(run=run).exists()
