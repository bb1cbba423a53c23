"""Excel export of a snapshot: aggregates per agency and value, never an answer (docs/ARCHITECTURE.md §8, §10).

Sheet `Per Nilai`: one row per agency code (the agency with the units below it) and the province
row `PROVINSI`; a suppressed cell holds the text "disembunyikan". Written in openpyxl's
write-only mode; text that a spreadsheet would run as a formula stays text.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook

from berakhlak.spreadsheet import row_append_safe
from reports import selectors, suppression
from reports.models import VALUE_CODES, IndexFigure, IndexRun, Scope

SHEET = "Per Nilai"
COLUMNS = ["kode_unit", "n", *VALUE_CODES, "indeks_individu", "kategori"]
HIDDEN = "disembunyikan"


def _cell(figure: IndexFigure | None) -> Decimal | float | str | None:
    if figure is None:
        return None
    if figure.suppressed:
        return HIDDEN
    return float(figure.value) if figure.value is not None else None


def _row(row: selectors.FigureRow) -> list:
    individual = row.get("INDIVIDUAL")
    band = individual.band if individual is not None and not individual.suppressed else ""
    if individual is not None and individual.suppressed:
        band = HIDDEN
    return [row.code, row.n, *(_cell(f) for f in row.values()), _cell(individual), band]


def indices_workbook_write(*, run: IndexRun, path) -> int:
    """Write the workbook; returns the number of data rows of `Per Nilai`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    row_append_safe(sheet, COLUMNS)
    rows = selectors.figure_rows(run, scope=Scope.SUBTREE)
    for row in rows:
        row_append_safe(sheet, _row(row))
    row_append_safe(sheet, _row(selectors.province_row(run)))
    notes = workbook.create_sheet("Keterangan")
    round = run.round
    minimum = suppression.group_minimum(round.min_group)
    for line in (
        ["putaran", round.name],
        ["status putaran", round.get_status_display()],
        ["perhitungan", run.pk],
        ["dihitung pada", run.finished_at.isoformat() if run.finished_at else ""],
        ["sementara (survei masih dibuka)", "ya" if run.provisional else "tidak"],
        ["versi metode", run.method_version],
        ["cakupan baris unit", "unit beserta unit di bawahnya"],
        ["bobot survei / LKE", f"{round.weight_survey} / {round.weight_lke}"],
        [
            "kategori",
            f"A >= {round.band_a_min}; B >= {round.band_b_min}; C >= {round.band_c_min}; D di bawahnya",
        ],
        [HIDDEN, suppression.display_text(minimum)],
    ):
        row_append_safe(notes, line)
    workbook.save(path)
    return len(rows) + 1
