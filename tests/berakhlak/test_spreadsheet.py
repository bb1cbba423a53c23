"""The one sheet writer: formula-like text stays text, also after a person edits the cell."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook, load_workbook

from berakhlak.spreadsheet import HeaderedSheet, row_append_safe


def _saved(workbook) -> Workbook:
    buffer = BytesIO()
    workbook.save(buffer)
    return load_workbook(BytesIO(buffer.getvalue()))


def test_formula_like_text_is_text_with_the_quote_prefix_in_both_writers():
    workbook = Workbook(write_only=True)
    sheet = HeaderedSheet(workbook, "Data", ["a", "b", "c"], text_columns=[2])
    sheet.add(["=1+1", "Biasa", "001"])
    sheet.finish()
    plain = workbook.create_sheet("Polos")
    row_append_safe(plain, ["+62 811", "-", 5])
    book = _saved(workbook)
    risky = book["Data"]["A2"]
    assert risky.data_type == "s" and risky.value == "=1+1" and risky.quotePrefix
    assert not book["Data"]["B2"].quotePrefix
    code = book["Data"]["C2"]
    assert code.value == "001" and code.number_format == "@"
    assert book["Polos"]["A1"].quotePrefix and book["Polos"]["B1"].quotePrefix
    assert book["Polos"]["C1"].value == 5 and not book["Polos"]["C1"].quotePrefix
