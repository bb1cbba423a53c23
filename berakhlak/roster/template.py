"""The downloadable roster template: the exact headers, one example row, and a help sheet."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from berakhlak.models import Agency, AgencyKind, AsnType
from berakhlak.roster.reader import EMPLOYEE_COLUMNS, EMPLOYEE_SHEET, UNIT_COLUMNS, UNIT_SHEET

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0B4F8A")


def _sheet(workbook, title, columns, examples, widths):
    sheet = workbook.create_sheet(title)
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for example in examples:
        sheet.append(example)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


TEXT_ROWS = 5000  # rows of the NIP and code columns formatted as text beyond the examples


def _text_columns(sheet, *letters: str) -> None:
    """Whole columns as text: the column's own style (Excel, LibreOffice apply it to new cells)
    and every cell down to TEXT_ROWS (some programs look only at the cells)."""
    for letter in letters:
        sheet.column_dimensions[letter].number_format = "@"
        for row in range(2, TEXT_ROWS + 2):
            sheet[f"{letter}{row}"].number_format = "@"


def _root_code() -> str | None:
    """The code of the installation's top unit, if there is one."""
    return (
        Agency.objects.filter(parent__isnull=True, active=True)
        .values_list("code", flat=True)
        .first()
    )


def roster_template_bytes() -> bytes:
    """The template as this installation fills it: the example unit hangs under the real top
    unit's code (a template downloaded and filled in imports as it is); without a top unit yet,
    the example starts with one (kode_induk empty)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    root = _root_code()
    top = [] if root else [["PROVINSI", "Pemerintah Provinsi", "PROVINSI", ""]]
    units = _sheet(
        workbook,
        UNIT_SHEET,
        UNIT_COLUMNS,
        [*top, ["DINKES", "Dinas Kesehatan", "DINAS", root or "PROVINSI"]],
        [18, 48, 14, 18],
    )
    employees = _sheet(
        workbook,
        EMPLOYEE_SHEET,
        EMPLOYEE_COLUMNS,
        [
            [
                "198609262015051001",
                "Ahmad Fauzi, S.Kom.",
                "PNS",
                "DINKES",
                "Pranata Komputer Ahli Pertama",
                "ahmad.fauzi@example.go.id",
            ]
        ],
        [22, 36, 20, 18, 40, 34],
    )
    # NIP and codes as text in every row a person may fill, not only the example's: 18 digits
    # typed into a number cell lose their last three (Excel keeps 15 significant digits), and a
    # code such as 001 loses its zeros.
    _text_columns(units, "A", "D")
    _text_columns(employees, "A", "D")
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
