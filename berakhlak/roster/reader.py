"""Read the roster workbook (sheets ``Unit`` and ``Pegawai``) into plain rows.

Headers are matched case- and space-insensitively and extra columns are ignored. Cell values
are kept raw here; validation lives in planner.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO

from django.utils.translation import gettext as _
from openpyxl.worksheet.cell_range import CellRange

from berakhlak.roster.xlsx import ErrorCell, FormulaCell, SheetContent, sheet_content, workbook_open

UNIT_SHEET = "Unit"
EMPLOYEE_SHEET = "Pegawai"
UNIT_COLUMNS = ("kode", "nama", "jenis", "kode_induk")
EMPLOYEE_COLUMNS = ("nip", "nama", "jenis_asn", "kode_unit", "jabatan", "email")


@dataclass(frozen=True)
class Problem:
    """One reason the file is refused: sheet, Excel row number (None: whole sheet), column."""

    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f"{self.sheet}" + (f", baris {self.row}" if self.row else "")
        where += f", kolom {self.column}" if self.column else ""
        return f"{where}: {self.message}"


@dataclass
class RosterData:
    units: list[dict] = field(default_factory=list)
    employees: list[dict] = field(default_factory=list)

    def hidden_rows(self) -> dict[str, list[int]]:
        """Rows hidden or filtered out in the file (imported like the others), per sheet."""
        found = {
            UNIT_SHEET: [r["row"] for r in self.units if r.get("hidden")],
            EMPLOYEE_SHEET: [r["row"] for r in self.employees if r.get("hidden")],
        }
        return {sheet: rows for sheet, rows in found.items() if rows}


class RosterReadError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _key(text: object) -> str:
    return re.sub(r"[\s_]+", "", str(text or "")).lower()


def _find_sheet(workbook, wanted: str):
    for name in workbook.sheetnames:
        if _key(name) == _key(wanted):
            return workbook[name]
    return None


HEADER_SEARCH_ROWS = 10  # a title (and blank rows) above the header are skipped


def _header_row(content: SheetContent, columns: tuple[str, ...]) -> tuple[int, list]:
    """The first row (of the first few with content) holding every wanted column; else the one
    holding most of them. Returns (row number, values)."""
    wanted = {_key(column) for column in columns}
    best: tuple[int, int, list] | None = None
    for number in sorted(content.rows)[:HEADER_SEARCH_ROWS]:
        values = content.rows[number]
        found = len(wanted & {_key(value) for value in values})
        if best is None or found > best[0]:
            best = (found, number, values)
        if found == len(wanted):
            break
    return best[1], best[2]


def _merged_problems(
    sheet_name: str, content: SheetContent, header_row: int, index_of: dict[str, int]
) -> list[Problem]:
    """Merged cells in the header or in a column we read: a merged header puts the title over
    one column only, a merged data cell leaves the rows below it empty."""
    problems = []
    read = {index + 1: column for column, index in index_of.items()}
    for min_col, min_row, max_col, max_row in content.merged:
        if max_row < header_row:
            continue  # a merged title above the header
        where = CellRange(min_col=min_col, min_row=min_row, max_col=max_col, max_row=max_row)
        touched = [read[c] for c in range(min_col, max_col + 1) if c in read]
        if not touched:
            continue  # over columns the import ignores
        if min_row <= header_row:
            problems.append(
                Problem(
                    sheet_name,
                    header_row,
                    touched[0],
                    _(
                        "Sel judul digabung (%(range)s). Pisahkan sel gabungan di baris judul: "
                        "satu judul untuk setiap kolom."
                    )
                    % {"range": where.coord},
                )
            )
            continue
        problems.append(
            Problem(
                sheet_name,
                min_row,
                touched[0],
                _(
                    "Sel digabung (%(range)s). Pisahkan sel gabungan dan isi nilainya di setiap baris."
                )
                % {"range": where.coord},
            )
        )
    return problems


def _cell_problem(value: object) -> str | None:
    if isinstance(value, FormulaCell):
        return _(
            "Rumus %(formula)s tidak punya nilai tersimpan. Buka berkas di Excel atau "
            "LibreOffice lalu simpan ulang, atau salin dan tempel sebagai nilai."
        ) % {"formula": value.formula[:60]}
    if isinstance(value, ErrorCell):
        return _("Rumus di sel ini menghasilkan galat %(code)s.") % {"code": value.code}
    return None


def sheet_records(
    workbook,
    sheet_name: str,
    columns: tuple[str, ...],
    problems: list[Problem],
    optional: tuple[str, ...] = (),
) -> list[dict]:
    """The rows below the header as {"row": Excel row, column: saved value, "hidden": bool}.

    `optional` columns are read when the header has them (a record has their key only then).

    The header is found in the first rows (a title row above it is fine); merged header or data
    cells, formulas without a saved value and formula errors are added to `problems` with their
    row and column, and such rows are left out. Hidden and filtered-out rows are read like the
    others and flagged (docs/ARCHITECTURE.md, "Spreadsheets as offices write them").
    """
    sheet = _find_sheet(workbook, sheet_name)
    if sheet is None:
        problems.append(
            Problem(
                sheet_name,
                None,
                "",
                _("Sheet '%(sheet)s' tidak ditemukan dalam berkas.") % {"sheet": sheet_name},
            )
        )
        return []
    content = sheet_content(sheet)
    if not content.rows:
        problems.append(Problem(sheet_name, 1, "", _("Baris judul (header) kosong.")))
        return []
    header_row, header = _header_row(content, columns)
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        positions.setdefault(_key(title), index)
    missing = [column for column in columns if _key(column) not in positions]
    for column in missing:
        problems.append(
            Problem(
                sheet_name,
                header_row,
                column,
                _("Kolom '%(column)s' tidak ada di baris judul.") % {"column": column},
            )
        )
    if missing:
        return []
    index_of = {column: positions[_key(column)] for column in columns}
    index_of.update(
        {column: positions[_key(column)] for column in optional if _key(column) in positions}
    )
    merged = _merged_problems(sheet_name, content, header_row, index_of)
    problems.extend(merged)
    if any(p.row == header_row for p in merged):
        return []
    records = []
    for row_number in sorted(content.rows):
        if row_number <= header_row:
            continue
        values = content.rows[row_number]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        record = {"row": row_number, "hidden": row_number in content.hidden}
        refused = False
        for column, index in index_of.items():
            value = values[index] if index < len(values) else None
            message = _cell_problem(value)
            if message:
                problems.append(Problem(sheet_name, row_number, column, message))
                refused = True
            record[column] = value
        if not refused:
            records.append(record)
    return records


def roster_read(fileobj: IO[bytes]) -> RosterData:
    """Read both sheets; raise RosterReadError listing every sheet or header problem."""
    workbook = workbook_open(fileobj)
    try:
        problems: list[Problem] = []
        units = sheet_records(workbook, UNIT_SHEET, UNIT_COLUMNS, problems)
        employees = sheet_records(workbook, EMPLOYEE_SHEET, EMPLOYEE_COLUMNS, problems)
    finally:
        workbook.close()
    if problems:
        raise RosterReadError(problems)
    return RosterData(units=units, employees=employees)
