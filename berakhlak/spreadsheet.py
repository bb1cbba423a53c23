"""Writing spreadsheets: text that a spreadsheet would run as a formula stays text, and every
export a person opens has the same shape (ExportSheet): readable headers, frozen and filtered,
numbers as numbers, dates as dates, and the codes behind the headers in a sheet "Kolom"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

# A cell starting with one of these is a formula (or becomes one on edit) in Excel and LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def row_append_safe(sheet, values: Iterable[object]) -> None:
    """Append a row to a worksheet (normal or write-only); risky strings are typed as text."""
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
            cell.data_type = "s"
        cells.append(cell)
    sheet.append(cells)


HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0B4F8A")
ONE_DECIMAL = "0.0"
DATE = "dd/mm/yyyy"
DATE_TIME = "dd/mm/yyyy hh:mm"
DICTIONARY_SHEET = "Kolom"


def excel_time(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored (UTC) time as the local time an Excel cell holds (Excel dates carry no zone)."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


class ExportSheet:
    """A write-only sheet with a styled, frozen, filtered header a person reads and typed cells.

    `columns`: (code, label, width) each. The header shows the labels in the active language;
    the codes (stable names for scripts) are listed with their labels in the sheet "Kolom"."""

    def __init__(self, workbook, title: str, columns: list[tuple[str, str, int]]):
        self.sheet = workbook.create_sheet(title)
        self.columns = len(columns)
        self.rows = 0
        for index, (_code, _label, width) in enumerate(columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.freeze_panes = "A2"
        self._append([str(label) for _code, label, _width in columns], header=True)
        dictionary = getattr(workbook, "column_codes", None)
        if dictionary is not None:
            dictionary.extend((title, str(label), code) for code, label, _width in columns)

    def _append(self, values, *, header: bool = False) -> None:
        cells = []
        for value in values:
            cell = WriteOnlyCell(self.sheet, value=value)
            if header:
                cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            elif isinstance(value, float):
                cell.number_format = ONE_DECIMAL
            elif isinstance(value, dt.datetime):
                cell.number_format = DATE_TIME
            elif isinstance(value, dt.date):
                cell.number_format = DATE
            elif isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
                cell.data_type = "s"  # text, never a formula
            cells.append(cell)
        self.sheet.append(cells)
        self.rows += 1

    def add(self, values) -> None:
        self._append(values)

    def finish(self) -> None:
        if self.rows > 1:
            last = get_column_letter(self.columns)
            self.sheet.auto_filter.ref = f"A1:{last}{self.rows}"


def column_dictionary_write(workbook) -> None:
    """The last sheet: each sheet's headers with the stable code behind each (the workbook must
    have been given `workbook.column_codes = []` before its sheets were made)."""
    sheet = ExportSheet(
        workbook,
        DICTIONARY_SHEET,
        [("lembar", _("Lembar"), 18), ("kolom", _("Kolom"), 60), ("kode", _("Kode"), 22)],
    )
    for line in workbook.column_codes:
        if line[0] != DICTIONARY_SHEET:
            sheet.add(list(line))
    sheet.finish()
