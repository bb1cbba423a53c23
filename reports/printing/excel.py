"""The Excel report of one scope: Ringkasan, Per Nilai, Per OPD, LKE, Tingkat Respons.

openpyxl write-only mode (the rows stream out, memory stays flat); numbers are numbers with a
number format, headers frozen and filtered; a suppressed cell holds the text "disembunyikan";
never an individual answer. Every row goes through row_append_safe, so text that a spreadsheet
would run as a formula (=, +, -, @) is stored as text.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from berakhlak.spreadsheet import FORMULA_TRIGGERS
from reports import selectors
from reports.dashboard import level, unit_row
from reports.exports import HIDDEN
from reports.models import VALUE_CODES, IndexFigure, Scope
from reports.printing.context import ReportData, report_page

CHUNK = 500  # rows of a level read at a time: the full list, in bounded memory

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0B4F8A")
ONE_DECIMAL = "0.0"


def _figure(figure: IndexFigure | None):
    """A figure's cell: the number, or the words of why there is none (the dashboard's words)."""
    if figure is None:
        return None
    if figure.suppressed:
        return HIDDEN
    return float(figure.value) if figure.value is not None else (figure.reason_text or None)


class _Sheet:
    """A write-only sheet with a styled, frozen, filtered header and typed cells."""

    def __init__(self, workbook: Workbook, title: str, header: list[str], widths: list[int]):
        self.sheet = workbook.create_sheet(title)
        self.columns = len(header)
        self.rows = 0
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.freeze_panes = "A2"
        self._append(header, header=True)

    def _append(self, values, *, header: bool = False) -> None:
        cells = []
        for value in values:
            cell = WriteOnlyCell(self.sheet, value=value)
            if header:
                cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            elif isinstance(value, float):
                cell.number_format = ONE_DECIMAL
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


def _summary(workbook: Workbook, data: ReportData) -> None:
    sheet = _Sheet(workbook, "Ringkasan", [_("keterangan"), _("nilai")], [34, 60])
    d, run = data.dashboard, data.run
    lines = [
        (_("cakupan"), data.scope_name),
        (_("putaran"), data.round.name),
        (_("status angka"), _("sementara") if run and run.provisional else _("final")),
        (_("versi metode"), run.method_version if run else ""),
        (
            _("dihitung pada"),
            run.finished_at.isoformat(timespec="minutes") if run and run.finished_at else "",
        ),
    ]
    if run is not None:
        lines += [
            (_("indeks individu"), _figure(d["individual"])),
            (_("kategori indeks individu"), getattr(d["individual"], "band", "") or ""),
            (_("indeks gabungan"), _figure(d["composite"])),
            (_("kategori indeks gabungan"), getattr(d["composite"], "band", "") or ""),
            (_("responden"), d["headline"].n),
            (_("tingkat partisipasi (%)"), _figure(d["response_rate"])),
            (
                _("nilai yang perlu perhatian"),
                ", ".join(f"{code} {f.value}" for code, _l, f in d["weak"]),
            ),
        ]
    lines += [
        (_("bobot survei / LKE (%)"), f"{data.round.weight_survey} / {data.round.weight_lke}"),
        (_("kelompok minimum"), data.minimum),
    ]
    for line in lines:
        sheet.add(line)
    sheet.finish()


def _per_value(workbook: Workbook, data: ReportData) -> None:
    header = ["kode_unit", "nama_unit", "n", *VALUE_CODES, "indeks_individu", "kategori"]
    sheet = _Sheet(workbook, "Per Nilai", header, [14, 44, 8, *[8] * 7, 15, 10])

    def add(row: selectors.FigureRow) -> None:
        individual = row.get("INDIVIDUAL")
        band = (
            HIDDEN
            if individual is not None and individual.suppressed
            else getattr(individual, "band", "")
        )
        name = row.agency.name if row.agency else data.round.root.name
        sheet.add([row.code, name, row.n, *(_figure(f) for f in row.values()), _figure(individual), band or ""])  # fmt: skip

    if data.run is not None:
        for row in selectors.figure_rows(data.run, scope=Scope.SUBTREE):
            if data.agency is None or row.agency.path.startswith(data.agency.path):
                add(row)
        if data.is_province:
            add(selectors.province_row(data.run))
    sheet.finish()


def _level_all(data: ReportData, order: str):
    """Every unit of the level below the scope, best first, CHUNK rows per query."""
    page, offset = report_page(data), 0
    while True:
        found = level(page, order=order, offset=offset, limit=CHUNK)
        yield from found.rows
        if found.next_offset is None:
            return
        offset = found.next_offset


def _per_agency(workbook: Workbook, data: ReportData) -> None:
    header = ["peringkat", "kode_unit", "nama_unit", "n", "indeks", "kategori", "indeks_individu", "indeks_instansi", "indeks_gabungan"]  # fmt: skip
    sheet = _Sheet(workbook, "Per OPD", header, [10, 14, 44, 8, 10, 10, 15, 15, 15])
    if data.run is not None:
        for item in _level_all(data, "index"):
            unit = unit_row(item, None)
            row = unit.row
            sheet.add([
                unit.position, row.code, row.agency.name, row.n, _figure(unit.index),
                getattr(unit.index, "band", "") or "", _figure(row.get("INDIVIDUAL")),
                _figure(row.get("INSTITUTIONAL")), _figure(row.get("COMPOSITE")),
            ])  # fmt: skip
    sheet.finish()


def _lke(workbook: Workbook, data: ReportData) -> None:
    sheet = _Sheet(workbook, "LKE", ["komponen", "bobot", "nilai_akhir", "unit_dinilai"], [52, 10, 14, 14])  # fmt: skip
    for component in data.lke:
        sheet.add([
            component.name, float(component.weight),
            float(round(component.final, 1)) if component.final is not None else None,
            component.agencies,
        ])  # fmt: skip
    sheet.finish()


def _participation_rows(data: ReportData):
    """The province's OPDs, or the agency and every unit below it, in tree order."""
    rows = selectors.figure_rows(
        data.run, scope=Scope.SUBTREE, codes=("RESPONSE_RATE", "MIN_RESPONDENTS")
    )
    if data.agency is None:
        return [r for r in rows if r.agency and r.agency.depth == 1]
    return [r for r in rows if r.agency and r.agency.path.startswith(data.agency.path)]


def _response(workbook: Workbook, data: ReportData) -> None:
    header = ["kode_unit", "nama_unit", "jawaban", "pegawai", "partisipasi_persen", "responden_minimum", "minimum_terpenuhi"]  # fmt: skip
    sheet = _Sheet(workbook, "Tingkat Respons", header, [14, 44, 10, 10, 18, 18, 18])
    for row in _participation_rows(data) if data.run is not None else []:
        rate, minimum = row.get("RESPONSE_RATE"), row.get("MIN_RESPONDENTS")
        sheet.add([
            row.code, row.agency.name, rate.n if rate else None,
            rate.denominator if rate else None, _figure(rate),
            minimum.denominator if minimum else None,
            (_("ya") if minimum.n >= (minimum.denominator or 0) else _("tidak")) if minimum else "",
        ])  # fmt: skip
    sheet.finish()


def report_xlsx_bytes(data: ReportData) -> bytes:
    workbook = Workbook(write_only=True)
    for part in (_summary, _per_value, _per_agency, _lke, _response):
        part(workbook, data)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
