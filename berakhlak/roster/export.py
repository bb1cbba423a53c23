"""The roster as it stands, in the import's own shape: sheets Unit and Pegawai with the template's
columns, so export -> edit -> import changes only what was edited (docs/ARCHITECTURE.md)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook

from berakhlak.models import Agency, Employee
from berakhlak.roster.reader import EMPLOYEE_COLUMNS, EMPLOYEE_SHEET, UNIT_COLUMNS, UNIT_SHEET
from berakhlak.spreadsheet import HeaderedSheet

UNIT_TEXT_COLUMNS = (0, 3)  # kode, kode_induk
EMPLOYEE_TEXT_COLUMNS = (0, 3)  # nip, kode_unit


def roster_export_bytes() -> bytes:
    """Active units (parents before children) and active employees, as the import reads them."""
    workbook = Workbook(write_only=True)
    units = HeaderedSheet(
        workbook, UNIT_SHEET, list(UNIT_COLUMNS), [18, 48, 14, 18], text_columns=UNIT_TEXT_COLUMNS
    )
    for code, name, kind, parent in (
        Agency.objects.filter(active=True)
        .order_by("path")
        .values_list("code", "name", "kind", "parent__code")
    ):
        units.add([code, name, kind, parent or ""])
    units.finish()
    employees = HeaderedSheet(
        workbook,
        EMPLOYEE_SHEET,
        list(EMPLOYEE_COLUMNS),
        [22, 36, 20, 18, 40, 34],
        text_columns=EMPLOYEE_TEXT_COLUMNS,
    )
    for row in (
        Employee.objects.filter(active=True)
        .order_by("agency__path", "name", "nip")
        .values_list("nip", "name", "asn_type", "agency__code", "position", "email")
        .iterator(chunk_size=2000)
    ):
        employees.add(list(row))
    employees.finish()
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
