"""Safety checks for an uploaded .xlsx before anything decompresses it."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from typing import IO

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

MAX_ZIP_ENTRIES = 5_000
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class WorkbookError(Exception):
    """The file is not a workbook we will open; the message is for the user."""


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def workbook_open(fileobj: IO[bytes]) -> openpyxl.Workbook:
    """Open an .xlsx read-only, refusing non-xlsx files, macros, encryption and zip bombs.

    Formulas are never evaluated; `sheet_content` reads the value the spreadsheet saved.
    """
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if not head:
        raise WorkbookError(_("Berkas kosong."))
    if head.startswith(OLE_MAGIC):
        raise WorkbookError(
            _(
                "Berkas ini format Excel lama (.xls) atau terlindungi kata sandi. "
                "Buka di Excel, lepaskan kata sandinya, lalu simpan sebagai Excel Workbook (.xlsx)."
            )
        )
    if not head.startswith(b"PK\x03\x04"):
        if _looks_like_text(fileobj.read(4096)):
            fileobj.seek(0)
            raise WorkbookError(
                _(
                    "Berkas ini berupa teks (misalnya CSV), bukan .xlsx. "
                    "Buka di Excel lalu simpan sebagai Excel Workbook (.xlsx)."
                )
            )
        fileobj.seek(0)
        raise WorkbookError(_("Berkas ini bukan berkas Excel .xlsx."))
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if len(entries) > MAX_ZIP_ENTRIES:
                raise WorkbookError(_("Berkas .xlsx berisi terlalu banyak bagian; berkas ditolak."))
            if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
                raise WorkbookError(
                    _("Isi berkas .xlsx terlalu besar setelah dibuka; berkas ditolak.")
                )
            if any(entry.flag_bits & 0x1 for entry in entries):
                raise WorkbookError(_("Berkas terenkripsi; simpan ulang tanpa kata sandi."))
            if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
                raise WorkbookError(_("Berkas zip ini bukan buku kerja Excel (.xlsx)."))
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise WorkbookError(
                    _("Berkas berisi makro (VBA); simpan sebagai .xlsx tanpa makro.")
                )
    except zipfile.BadZipFile:
        raise WorkbookError(_("Berkas .xlsx rusak dan tidak dapat dibuka.")) from None
    fileobj.seek(0)
    try:
        return openpyxl.load_workbook(fileobj, read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds on malformed parts
        raise WorkbookError(_("Berkas .xlsx rusak dan tidak dapat dibaca.")) from None


@dataclass(frozen=True)
class FormulaCell:
    """A formula cell the spreadsheet saved no value for (written by a program, never opened in
    Excel or LibreOffice): its value is unknown, and the cell is refused."""

    formula: str

    def __str__(self) -> str:
        return self.formula


@dataclass(frozen=True)
class ErrorCell:
    """A formula whose saved value is an error such as #REF! or #DIV/0!."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass
class SheetContent:
    """One sheet as a person sees it: each row's saved values (row number -> values), the rows
    hidden or filtered out, and the merged ranges (as (min_col, min_row, max_col, max_row))."""

    rows: dict[int, list] = field(default_factory=dict)
    hidden: set[int] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


class _SavedValueParser(WorkSheetParser):
    """openpyxl's sheet parser reading what a person saw: a formula's saved value (never the
    formula text), hidden rows noted (docs/ARCHITECTURE.md, "Spreadsheets as offices write them")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, data_only=True, **kwargs)
        self.hidden: set[int] = set()

    def parse_row(self, row):
        number, cells = super().parse_row(row)
        if row.get("hidden") in ("1", "true"):
            self.hidden.add(number)
        return number, cells

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        formula = element.find(FORMULA_TAG)
        # A saved result is a <v> with text, or an empty text result (t="str"); openpyxl and
        # other generators write formulas with no <v> or an empty one.
        saved = element.findtext(VALUE_TAG) or element.get("t") == "str"
        if formula is not None and not saved:
            cell["value"] = FormulaCell("=" + (formula.text or ""))
        elif cell["data_type"] == "e":
            cell["value"] = ErrorCell(str(cell["value"]))
        return cell


def sheet_content(sheet) -> SheetContent:
    """Read a read-only worksheet in one pass (see `_SavedValueParser`)."""
    workbook = sheet.parent
    content = SheetContent()
    with sheet._get_source() as source:
        parser = _SavedValueParser(
            source,
            sheet._shared_strings,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            values: list = []
            for cell in cells:
                column = cell["column"]
                if column > len(values):
                    values.extend([None] * (column - len(values)))
                values[column - 1] = cell["value"]
            if any(value is not None for value in values):
                content.rows[number] = values
        content.hidden = parser.hidden
        if parser.merged_cells is not None:
            content.merged = [merged.bounds for merged in parser.merged_cells.mergeCell]
    return content
