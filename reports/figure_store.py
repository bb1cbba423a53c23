"""How a run's figures are stored: one FigureGroup row per group (run, scope, agency, breakdown)
with a block of columns per figure code, and the view `reports_indexfigure` that shows them one
row per figure (IndexFigure), which is what every reader reads (docs/ARCHITECTURE.md §7.2).
Written here by the ORM (SQLite; tests and seeds), by COPY in reports.figure_copy.

Writing a run is most of what a compute costs at national scale: ~9,800 wide rows cost the
database a fifth of ~107,000 narrow ones (a fifth of the index entries, a ninth of the rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from reports.figures import FIGURE_COLUMNS, PLACE, Figures, figures_of_rows
from reports.models import (
    FIGURE_ORDER,
    FIGURE_PARTS,
    INTERVAL_CODES,
    INTERVAL_PARTS,
    FigureGroup,
    IndexFigure,
    figure_column,
    figure_parts,
)

GROUP_TABLE = "reports_figuregroup"
FIGURE_VIEW = "reports_indexfigure"
# A group's own columns, then each code's block (FIGURE_ORDER, figure_parts), in table order.
GROUP_COLUMNS = ("run_id", "round_id", "scope", "round_agency_id", "dimension", "dimension_key")
BLOCK_COLUMNS = tuple(
    figure_column(code, part) for code in FIGURE_ORDER for part in figure_parts(code)
)
# The view's columns: IndexFigure's (the writer's rows under their run, with an id).
FIGURE_VIEW_COLUMNS = ("id", "run_id", *FIGURE_COLUMNS)
assert FIGURE_VIEW_COLUMNS[1:7] == GROUP_COLUMNS
# A figure's id in the view: its group's id x ID_SPAN + the code's place in FIGURE_ORDER.
ID_SPAN = 32
assert len(FIGURE_ORDER) <= ID_SPAN

assert tuple(PLACE) == FIGURE_ORDER


# --- the view ----------------------------------------------------------------------------------


def figures_select_sql() -> str:
    """The groups as one row per figure (FIGURE_VIEW_COLUMNS): one SELECT per code, UNION ALL.
    A reader's condition on the code leaves one branch (PostgreSQL drops the others at
    planning: their code is a constant), conditions on run and agency reach the groups' index."""
    branches = []
    for place, code in enumerate(FIGURE_ORDER):
        interval = (
            [figure_column(code, part) for part in INTERVAL_PARTS]
            if code in INTERVAL_CODES
            else ["NULL", "NULL", "NULL"]
        )
        block = [figure_column(code, part) for part in ("value", "n", "denominator")]
        block += [figure_column(code, part) for part in ("suppressed", "reason", "band")]
        values = [f"id * {ID_SPAN} + {place}", *GROUP_COLUMNS, f"'{code}'", *block, *interval]
        columns = [
            f"{value} AS {name}" for value, name in zip(values, FIGURE_VIEW_COLUMNS, strict=True)
        ]
        branches.append(
            f"SELECT {', '.join(columns)} FROM {GROUP_TABLE} "  # noqa: S608 - names are ours
            f"WHERE {figure_column(code, 'n')} IS NOT NULL"
        )
    return "\nUNION ALL\n".join(branches)


def create_view_sql() -> str:
    return f"CREATE VIEW {FIGURE_VIEW} ({', '.join(FIGURE_VIEW_COLUMNS)}) AS\n" + (
        figures_select_sql()
    )


def drop_view_sql() -> str:
    return f"DROP VIEW IF EXISTS {FIGURE_VIEW}"


def groups_from_figures_sql(figure_table: str) -> str:
    """INSERT the groups of a table of one row per figure (IndexFigure's columns): what the
    migration to the groups runs over the old table, on both databases."""
    picks = []
    for code in FIGURE_ORDER:
        for part in figure_parts(code):
            if part == "suppressed":  # no max() of a boolean on PostgreSQL
                picks.append(
                    f"MAX(CASE WHEN code = '{code}' THEN "
                    f"CASE WHEN suppressed THEN 1 ELSE 0 END END) = 1"
                )
            else:
                picks.append(f"MAX(CASE WHEN code = '{code}' THEN {part} END)")
    keys = ", ".join(GROUP_COLUMNS)
    return (
        f"INSERT INTO {GROUP_TABLE} ({keys}, {', '.join(BLOCK_COLUMNS)}) "  # noqa: S608 - ours
        f"SELECT {keys}, {', '.join(picks)} FROM {figure_table} "
        f"GROUP BY {keys} ORDER BY MIN(id)"
    )


# --- reading groups directly -------------------------------------------------------------------

_PARTS = FIGURE_PARTS + INTERVAL_PARTS
_NO_INTERVAL = (None, None, None)


def group_figures(groups, codes) -> Iterator[tuple[int | None, str, str, tuple]]:
    """The figures of `codes` in the groups of a FigureGroup queryset, read from only their
    columns: (agency id, dimension, code, the figure's nine parts in FIGURE_PARTS +
    INTERVAL_PARTS order) for each filled block. For the pages' hot reads, which need a few
    codes of many groups: one stored row per group instead of one view row per figure."""
    codes = tuple(dict.fromkeys(codes))
    columns = [figure_column(code, part) for code in codes for part in figure_parts(code)]
    spans = []
    at = 2
    for code in codes:
        width = len(figure_parts(code))
        spans.append((code, at, at + width, width == len(_PARTS)))
        at += width
    for row in groups.values_list("round_agency_id", "dimension", *columns):
        for code, start, end, with_interval in spans:
            if row[start + 1] is None:  # no `n`: the group has no such figure
                continue
            parts = row[start:end] if with_interval else (*row[start:end], *_NO_INTERVAL)
            yield row[0], row[1], code, parts


# --- writing -----------------------------------------------------------------------------------


def _group_model(run_id: int, where: tuple, blocks: list) -> FigureGroup:
    round_id, scope, agency, dimension, key = where
    values = {}
    for code, parts in zip(FIGURE_ORDER, blocks, strict=True):
        if parts is None:
            continue
        if len(parts) != _PARTS_OF_ROW or (
            code not in INTERVAL_CODES and parts[6:] != _NO_INTERVAL
        ):
            raise ValueError(f"a figure {code} with parts it cannot store: {parts}")
        for name, value in zip(figure_parts(code), parts, strict=False):
            values[figure_column(code, name)] = value
    return FigureGroup(
        run_id=run_id,
        round_id=round_id,
        scope=scope,
        round_agency_id=agency,
        dimension=dimension,
        dimension_key=key,
        **values,
    )


# A block's parts: FIGURE_PARTS, then INTERVAL_PARTS.
_PARTS_OF_ROW = 9
BULK_BATCH = 500


def store_with_orm(run_id: int, figures: Figures) -> None:
    """Write a run's figures under `run_id` by bulk_create (SQLite; tests on both databases)."""
    groups = [
        _group_model(run_id, group.where, figures.blocks(group))
        for batch in figures.batches
        for group in batch
    ]
    FigureGroup.objects.bulk_create(groups, batch_size=BULK_BATCH)


def store_figures(figures: Iterable[IndexFigure]) -> None:
    """Write unsaved IndexFigure objects (tests, seeds): grouped by run, then as store_with_orm."""
    by_run: dict[int, list[tuple]] = {}
    for figure in figures:
        by_run.setdefault(figure.run_id, []).append(
            tuple(getattr(figure, name) for name in FIGURE_COLUMNS)
        )
    for run_id, rows in by_run.items():
        store_with_orm(run_id, figures_of_rows(rows))
