"""The downloadable roster template: the exact headers, one example row, and a help sheet."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from berakhlak.models import AgencyKind, AsnType
from berakhlak.roster.reader import EMPLOYEE_COLUMNS, EMPLOYEE_SHEET, UNIT_COLUMNS, UNIT_SHEET

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0B4F8A")


def _sheet(workbook, title, columns, example, widths):
    sheet = workbook.create_sheet(title)
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    sheet.append(example)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def roster_template_bytes() -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        UNIT_SHEET,
        UNIT_COLUMNS,
        ["DINKES", "Dinas Kesehatan", "DINAS", "PROV-KALSEL"],
        [18, 48, 14, 18],
    )
    employees = _sheet(
        workbook,
        EMPLOYEE_SHEET,
        EMPLOYEE_COLUMNS,
        [
            "198609262015051001",
            "Ahmad Fauzi, S.Kom.",
            "PNS",
            "DINKES",
            "Pranata Komputer Ahli Pertama",
            "ahmad.fauzi@example.go.id",
        ],
        [22, 36, 20, 18, 40, 34],
    )
    for row in employees.iter_rows(min_col=1, max_col=1):
        for cell in row:
            cell.number_format = "@"  # NIP as text: 18 digits do not survive as a number
    help_sheet = workbook.create_sheet("Petunjuk")
    lines = [
        ["Petunjuk pengisian"],
        ["Sheet Unit: satu baris per unit kerja. kode_induk kosong untuk unit puncak (provinsi)."],
        ["Sheet Pegawai: satu baris per ASN. NIP 18 digit, ditulis sebagai teks."],
        ["Baris contoh boleh dihapus. Kolom tambahan diabaikan."],
        [],
        ["jenis (unit)", "keterangan"],
        *[[value, str(label)] for value, label in AgencyKind.choices],
        [],
        ["jenis_asn", "keterangan"],
        *[[value, str(label)] for value, label in AsnType.choices],
    ]
    for line in lines:
        help_sheet.append(line)
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["B"].width = 60
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
