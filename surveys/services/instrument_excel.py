"""Instrument items (and values-selection options) to and from Excel, all or nothing."""

from __future__ import annotations

import io
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from berakhlak.models import BehaviourGuide, CoreValue
from berakhlak.roster.reader import Problem, sheet_records
from berakhlak.roster.xlsx import workbook_open
from berakhlak.spreadsheet import row_append_safe
from surveys.models import Instrument, InstrumentKind
from surveys.services.instruments import instrument_contents_replace

ITEM_SHEET, OPTION_SHEET = "Butir", "Pilihan"
ITEM_COLUMNS = ("kode", "urutan", "pernyataan", "panduan", "terbalik")
OPTION_COLUMNS = ("kode", "urutan", "teks", "nilai", "penghambat")
# Optional: a workbook without them (an older export) imports with the English texts empty.
ITEM_ENGLISH, OPTION_ENGLISH = ("pernyataan_en",), ("teks_en",)
YES = {"ya", "y", "yes", "1", "true", "benar"}
NO = {"tidak", "t", "no", "0", "false", "salah", ""}


class InstrumentImportError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems[:20]))
        self.problems = problems


def instrument_export_bytes(instrument: Instrument) -> bytes:
    workbook = Workbook(write_only=True)
    items = workbook.create_sheet(ITEM_SHEET)
    row_append_safe(items, ITEM_COLUMNS + ITEM_ENGLISH)
    for item in instrument.items.select_related("guide").order_by("order"):
        row_append_safe(
            items,
            [
                item.code,
                item.order,
                item.text,
                item.guide.code if item.guide else "",
                "ya" if item.reverse else "tidak",
                item.text_en,
            ],
        )
    if instrument.kind == InstrumentKind.VALUES_SELECTION:
        options = workbook.create_sheet(OPTION_SHEET)
        row_append_safe(options, OPTION_COLUMNS + OPTION_ENGLISH)
        for option in instrument.options.select_related("value").order_by("order"):
            row_append_safe(
                options,
                [
                    option.code,
                    option.order,
                    option.text,
                    option.value.code if option.value else "",
                    "ya" if option.limiting else "tidak",
                    option.text_en,
                ],
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _yes_no(value: object, sheet: str, row: int, column: str, problems: list[Problem]) -> bool:
    text = _text(value).lower()
    if text in YES:
        return True
    if text not in NO:
        problems.append(
            Problem(sheet, row, column, _("Isi 'ya' atau 'tidak', bukan %(v)s.") % {"v": value})
        )
    return False


def _order(value: object, sheet: str, row: int, problems: list[Problem]) -> int:
    try:
        number = int(float(_text(value)))
    except ValueError:
        problems.append(Problem(sheet, row, "urutan", _("Urutan harus berupa angka.")))
        return 0
    if number < 1:
        problems.append(Problem(sheet, row, "urutan", _("Urutan harus 1 atau lebih.")))
    return number


def _unique_code(
    code: str, seen: dict[str, int], sheet: str, row: int, problems: list[Problem]
) -> None:
    if not code:
        problems.append(Problem(sheet, row, "kode", _("Kode wajib diisi.")))
    elif code.upper() in seen:
        problems.append(
            Problem(
                sheet,
                row,
                "kode",
                _("Kode %(code)s dipakai dua kali (juga di baris %(other)s).")
                % {"code": code, "other": seen[code.upper()]},
            )
        )
    else:
        seen[code.upper()] = row


def _records(workbook, sheet: str, columns: tuple, english: tuple, problems: list) -> list[dict]:
    """The sheet's rows with the English columns when the header has them, else without."""
    trial: list[Problem] = []
    rows = sheet_records(workbook, sheet, columns + english, trial)
    if not trial:
        return rows
    rows = sheet_records(workbook, sheet, columns, problems)
    return [{**row, **dict.fromkeys(english, "")} for row in rows]


def instrument_import(*, instrument: Instrument, fileobj: IO[bytes], by=None) -> dict[str, int]:
    """Replace the instrument's items (and options) from a workbook, or change nothing."""
    selection = instrument.kind == InstrumentKind.VALUES_SELECTION
    problems: list[Problem] = []
    workbook = workbook_open(fileobj)
    try:
        item_rows = (
            _records(workbook, ITEM_SHEET, ITEM_COLUMNS, ITEM_ENGLISH, problems)
            if not selection
            else []
        )
        option_rows = (
            _records(workbook, OPTION_SHEET, OPTION_COLUMNS, OPTION_ENGLISH, problems)
            if selection
            else []
        )
    finally:
        workbook.close()
    if problems:
        raise InstrumentImportError(problems)
    guides = {g.code.upper(): g for g in BehaviourGuide.objects.select_related("value")}
    values = {v.code.upper(): v for v in CoreValue.objects.all()}
    items, options, seen = [], [], {}
    for record in item_rows:
        row = record["row"]
        code, text, guide_code = (
            _text(record["kode"]),
            _text(record["pernyataan"]),
            _text(record["panduan"]).upper(),
        )
        _unique_code(code, seen, ITEM_SHEET, row, problems)
        if not text:
            problems.append(Problem(ITEM_SHEET, row, "pernyataan", _("Pernyataan wajib diisi.")))
        guide = guides.get(guide_code)
        if instrument.kind == InstrumentKind.BEHAVIOUR and guide is None:
            problems.append(
                Problem(
                    ITEM_SHEET,
                    row,
                    "panduan",
                    _("Panduan perilaku %(code)s tidak dikenal; pakai kode BP1 sampai KL3.")
                    % {"code": guide_code or _("(kosong)")},
                )
            )
        items.append(
            {
                "code": code,
                "order": _order(record["urutan"], ITEM_SHEET, row, problems),
                "text": text,
                "guide": guide,
                "value": guide.value if guide else None,
                "reverse": _yes_no(record["terbalik"], ITEM_SHEET, row, "terbalik", problems),
                "text_en": _text(record["pernyataan_en"]),
            }
        )
    for record in option_rows:
        row = record["row"]
        code, text, value_code = (
            _text(record["kode"]),
            _text(record["teks"]),
            _text(record["nilai"]).upper(),
        )
        _unique_code(code, seen, OPTION_SHEET, row, problems)
        if not text:
            problems.append(Problem(OPTION_SHEET, row, "teks", _("Teks pilihan wajib diisi.")))
        limiting = _yes_no(record["penghambat"], OPTION_SHEET, row, "penghambat", problems)
        value = values.get(value_code)
        if limiting == bool(value_code) or (value_code and value is None):
            problems.append(
                Problem(
                    OPTION_SHEET,
                    row,
                    "nilai",
                    _(
                        "Isi kode nilai (BP, AK, KO, HA, LO, AD, KL) atau tandai sebagai perilaku "
                        "penghambat, tidak keduanya."
                    ),
                )
            )
        options.append(
            {
                "code": code,
                "order": _order(record["urutan"], OPTION_SHEET, row, problems),
                "text": text[:200],
                "value": value,
                "limiting": limiting,
                "text_en": _text(record["teks_en"])[:200],
            }
        )
    if not items and not options:
        sheet = OPTION_SHEET if selection else ITEM_SHEET
        problems.append(
            Problem(
                sheet,
                None,
                "",
                _("Sheet %(sheet)s tidak berisi satu baris pun.") % {"sheet": sheet},
            )
        )
    if selection and 0 < len(options) < instrument.pick_count:
        problems.append(
            Problem(
                OPTION_SHEET,
                None,
                "",
                _("Jumlah pilihan harus paling sedikit K = %(k)s.") % {"k": instrument.pick_count},
            )
        )
    if problems:
        raise InstrumentImportError(problems)
    for rows in (items, options):
        rows.sort(key=lambda r: r["order"])
        for order, row in enumerate(rows, start=1):
            row["order"] = order
    instrument_contents_replace(instrument=instrument, items=items, options=options, by=by)
    return {"items": len(items), "options": len(options)}
