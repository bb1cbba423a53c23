"""Read the roster workbook (sheets ``Unit`` and ``Pegawai``) into plain rows.

Headers are matched case- and space-insensitively and extra columns are ignored. Cell values
are kept raw here; validation lives in planner.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO

from django.utils.translation import gettext as _

from berakhlak.roster.xlsx import workbook_open

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


def sheet_records(
    workbook, sheet_name: str, columns: tuple[str, ...], problems: list[Problem]
) -> list[dict]:
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
    sheet.reset_dimensions()  # some generators write a wrong <dimension>; read every row
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        problems.append(Problem(sheet_name, 1, "", _("Baris judul (header) kosong.")))
        return []
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        positions.setdefault(_key(title), index)
    missing = [column for column in columns if _key(column) not in positions]
    for column in missing:
        problems.append(
            Problem(
                sheet_name,
                1,
                column,
                _("Kolom '%(column)s' tidak ada di baris judul.") % {"column": column},
            )
        )
    if missing:
        return []
    index_of = {column: positions[_key(column)] for column in columns}
    records = []
    for row_number, values in enumerate(rows, start=2):
        if values is None or all(
            v is None or (isinstance(v, str) and not v.strip()) for v in values
        ):
            continue
        record = {"row": row_number}
        for column, index in index_of.items():
            record[column] = values[index] if index < len(values) else None
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
