"""Writing spreadsheets safely: text that a spreadsheet would run as a formula stays text."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell import WriteOnlyCell

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
