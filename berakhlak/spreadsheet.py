"""Writing spreadsheets: text that a spreadsheet would run as a formula stays text, and every
export a person opens has one shape (HeaderedSheet): a styled header row, frozen and filtered,
numbers as numbers, dates and times as Excel dates in local time. ExportSheet adds stable column
codes behind readable headers, listed in a last sheet "Kolom" (column_dictionary_write)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

# The content type of every .xlsx this project serves or stores; the one definition, here at the
# bottom of the import direction (docs/ARCHITECTURE.md §2) so that every app can import it.
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula (or becomes one on edit) in Excel and LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(sheet, value: object) -> WriteOnlyCell:
    """A cell for `value`; text a spreadsheet would run as a formula is stored as text and styled
    with the quote prefix, so it stays text when a person edits the cell (LibreOffice and Excel
    drop the plain text type on edit; docs/ARCHITECTURE.md, "Spreadsheets as offices write them")."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def row_append_safe(sheet, values: Iterable[object]) -> None:
    """Append a row to a worksheet (normal or write-only); risky strings are typed as text."""
    sheet.append([_safe_cell(sheet, value) for value in values])


class HeaderedSheet:
    """A write-only sheet a person works with: a bold header row that stays frozen and carries the
    filter, numbers as numbers (with a number format), dates and times as real Excel dates in
    local time, and risky text kept as text (as `row_append_safe`). Columns in `text_columns`
    (0-based: codes, NIPs) are formatted as text, so a value typed there later stays text."""

    HEADER_FONT = {"bold": True, "color": "FFFFFF"}
    HEADER_FILL = "0B4F8A"

    def __init__(
        self,
        workbook,
        title: str,
        header: list[str],
        widths: list[int] | None = None,
        *,
        text_columns: Iterable[int] = (),
    ):
        self.sheet = workbook.create_sheet(title[:31])
        self.text_columns = set(text_columns)
        self.columns = len(header)
        self.rows = 0
        for index, width in enumerate(widths or [], start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.freeze_panes = "A2"
        font, fill = Font(**self.HEADER_FONT), PatternFill("solid", fgColor=self.HEADER_FILL)
        cells = []
        for value in header:
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.font, cell.fill = font, fill
            cells.append(cell)
        self.sheet.append(cells)
        self.rows = 1

    def add(self, values: Iterable[object], *, number_format: str = "0.00") -> None:
        cells = []
        for index, value in enumerate(values):
            if index in self.text_columns:
                cell = _safe_cell(self.sheet, None if value is None else str(value))
                cell.number_format = "@"
                cells.append(cell)
                continue
            if isinstance(value, Decimal):
                value = float(value)
            if isinstance(value, dt.datetime):
                if timezone.is_aware(value):
                    value = timezone.make_naive(timezone.localtime(value))
                cell = WriteOnlyCell(self.sheet, value=value)
                cell.number_format = "dd/mm/yyyy hh:mm"
            elif isinstance(value, dt.date):
                cell = WriteOnlyCell(self.sheet, value=value)
                cell.number_format = "dd/mm/yyyy"
            else:
                cell = _safe_cell(self.sheet, value)
                if isinstance(value, float):
                    cell.number_format = number_format
            cells.append(cell)
        self.sheet.append(cells)
        self.rows += 1

    def finish(self) -> None:
        """Put the filter on the header (over the rows written); call once, before saving."""
        self.sheet.auto_filter.ref = f"A1:{get_column_letter(self.columns)}{max(self.rows, 2)}"


DICTIONARY_SHEET = "Kolom"
ONE_DECIMAL = "0.0"


class ExportSheet(HeaderedSheet):
    """A HeaderedSheet whose columns are (code, label, width): the header shows the labels in the
    active language, and the codes (stable names for scripts) are recorded for the sheet "Kolom"
    when the workbook was given `workbook.column_codes = []`. Figures have one decimal."""

    def __init__(self, workbook, title: str, columns: list[tuple[str, str, int]]):
        labels = [str(label) for _code, label, _width in columns]
        super().__init__(workbook, title, labels, [width for _c, _l, width in columns])
        dictionary = getattr(workbook, "column_codes", None)
        if dictionary is not None:
            dictionary.extend((title, str(label), code) for code, label, _width in columns)

    def add(self, values: Iterable[object], *, number_format: str = ONE_DECIMAL) -> None:
        super().add(values, number_format=number_format)


def column_dictionary_write(workbook) -> None:
    """The last sheet: each sheet's headers with the stable code behind each."""
    sheet = ExportSheet(
        workbook,
        DICTIONARY_SHEET,
        [("lembar", _("Lembar"), 18), ("kolom", _("Kolom"), 60), ("kode", _("Kode"), 22)],
    )
    for line in workbook.column_codes:
        if line[0] != DICTIONARY_SHEET:
            sheet.add(list(line))
    sheet.finish()
