"""The Excel report of one scope: Ringkasan, Per Nilai, Per OPD, LKE, Tingkat Respons.

openpyxl write-only mode (the rows stream out, memory stays flat); numbers are numbers with a
number format, headers frozen and filtered; a suppressed cell holds the text "disembunyikan";
never an individual answer. Every row goes through row_append_safe, so text that a spreadsheet
would run as a formula (=, +, -, @) is stored as text.
"""

from __future__ import annotations

import io
import itertools

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import Workbook

from berakhlak.spreadsheet import ExportSheet, column_dictionary_write
from reports import selectors
from reports.dashboard.units import attach_changes, attach_rank_bands, level, unit_row
from reports.exports import HIDDEN
from reports.models import VALUE_CODES, FigureCode, IndexFigure, Scope
from reports.printing.context import ReportData, report_page

CHUNK = 500  # rows of a level read at a time: the full list, in bounded memory


def _figure(figure: IndexFigure | None):
    """A figure's cell: the number, or the words of why there is none (the dashboard's words)."""
    if figure is None:
        return None
    if figure.suppressed:
        return HIDDEN
    return float(figure.value) if figure.value is not None else (figure.reason_text or None)


def _bounds(figure) -> list:
    """The 95% interval of a shown figure as two numbers; empty for a hidden or empty one (an
    interval is never given for a hidden cell: docs/ARCHITECTURE.md §7.5)."""
    if figure is None or figure.suppressed or getattr(figure, "low", None) is None:
        return [None, None]
    return [float(figure.low), float(figure.high)]


def _significant(change) -> str:
    """Whether a change is larger than the noise: "ya", "tidak", or "" (not judged)."""
    if change is None or change.significant is None:
        return ""
    return _("ya") if change.significant else _("tidak")


def _summary(workbook: Workbook, data: ReportData) -> None:
    sheet = ExportSheet(
        workbook, "Ringkasan", [("keterangan", _("Keterangan"), 34), ("nilai", _("Nilai"), 60)]
    )
    d, run = data.dashboard, data.run
    lines = [
        (_("cakupan"), data.scope_name),
        (_("putaran"), data.round.name),
        (_("status angka"), _("sementara") if run and run.provisional else _("final")),
        (_("versi metode"), run.method_version if run else ""),
        (
            _("dihitung pada"),
            run.finished_at if run and run.finished_at else "",
        ),
    ]
    if run is not None:
        lines += [
            (_("indeks individu"), _figure(d["individual"])),
            (_("indeks individu: batas bawah rentang 95%"), _bounds(d["individual"])[0]),
            (_("indeks individu: batas atas rentang 95%"), _bounds(d["individual"])[1]),
            (_("kategori indeks individu"), getattr(d["individual"], "band", "") or ""),
            (_("indeks gabungan"), _figure(d["composite"])),
            (_("indeks gabungan: batas bawah rentang 95%"), _bounds(d["composite"])[0]),
            (_("indeks gabungan: batas atas rentang 95%"), _bounds(d["composite"])[1]),
            (_("kategori indeks gabungan"), getattr(d["composite"], "band", "") or ""),
            (_("pembanding (putaran terakhir yang dipublikasikan)"), _previous_name(data)),
            (_("perubahan indeks individu"), _change(d["changes"].get("INDIVIDUAL"))),
            (
                _("perubahan indeks individu bermakna secara statistik"),
                _significant(d["changes"].get("INDIVIDUAL")),
            ),
            (_("perubahan indeks gabungan"), _change(d["changes"].get("COMPOSITE"))),
            (
                _("perubahan indeks gabungan bermakna secara statistik"),
                _significant(d["changes"].get("COMPOSITE")),
            ),
            (_("responden"), d["headline"].n),
            (_("tingkat partisipasi (%)"), _figure(d["response_rate"])),
            (_("catatan partisipasi"), d.get("participation_note", "")),
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


def _previous_name(data: ReportData) -> str:
    return data.previous.round.name if data.previous else _("tidak ada")


def _change(change) -> float | None:
    return float(change.delta) if change is not None else None


UNIT_COLUMNS = [("kode_unit", _l("Kode unit"), 14), ("nama_unit", _l("Nama unit"), 44)]


def _value_columns(prefix: str = "", label: str = "%s") -> list[tuple[str, str, int]]:
    return [(f"{prefix}{code}", label % FigureCode(code).label, 12) for code in VALUE_CODES]


def _bound_columns(code: str, label: str) -> list[tuple[str, str, int]]:
    return [
        (f"{code}_bawah95", _("%s: batas bawah 95%%") % label, 12),
        (f"{code}_atas95", _("%s: batas atas 95%%") % label, 12),
    ]


def _per_value(workbook: Workbook, data: ReportData) -> None:
    columns = [
        *UNIT_COLUMNS,
        ("n", _("Responden"), 11),
        *_value_columns(),
        ("indeks_individu", _("Indeks individu"), 15),
        ("kategori", _("Kategori"), 10),
        *_bound_columns("indeks_individu", _("Indeks individu")),
        *(c for code in VALUE_CODES for c in _bound_columns(code, FigureCode(code).label)),
    ]
    sheet = ExportSheet(workbook, "Per Nilai", columns)

    def add(row: selectors.FigureRow) -> None:
        individual = row.get("INDIVIDUAL")
        band = (
            HIDDEN
            if individual is not None and individual.suppressed
            else getattr(individual, "band", "")
        )
        name = row.agency.name if row.agency else data.round.root.name
        bounds = [b for f in row.values() for b in _bounds(f)]
        sheet.add(
            [
                row.code,
                name,
                row.n,
                *(_figure(f) for f in row.values()),
                _figure(individual),
                band or "",
                *_bounds(individual),
                *bounds,
            ]
        )

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
    against = _previous_name(data)
    columns = [
        ("peringkat", _("Peringkat"), 10),
        *UNIT_COLUMNS,
        ("n", _("Responden"), 11),
        ("indeks", _("Indeks (gabungan, atau individu bila gabungan belum ada)"), 16),
        ("kategori", _("Kategori"), 10),
        ("indeks_individu", _("Indeks individu"), 15),
        ("indeks_instansi", _("Indeks instansi (LKE)"), 15),
        ("indeks_gabungan", _("Indeks gabungan"), 15),
        ("perubahan_indeks", _("Perubahan indeks dari %(r)s") % {"r": against}, 16),
        *_value_columns("perubahan_", _("Perubahan %s")),
        *_bound_columns("indeks", _("Indeks")),
        ("perubahan_indeks_bermakna", _("Perubahan indeks bermakna secara statistik"), 16),
        *_bound_columns("indeks_individu", _("Indeks individu")),
        *_bound_columns("indeks_gabungan", _("Indeks gabungan")),
        ("peringkat_rentang", _("Peringkat yang mungkin (rentang 95%)"), 14),
    ]
    sheet = ExportSheet(workbook, "Per OPD", columns)
    if data.run is not None:
        page = report_page(data)
        rows = iter(_level_all(data, "index"))
        while chunk := list(itertools.islice(rows, CHUNK)):
            units = attach_changes(page, [unit_row(item, None) for item in chunk])
            for unit in attach_rank_bands(page, units):
                row = unit.row
                sheet.add(
                    [
                        unit.position,
                        row.code,
                        row.agency.name,
                        row.n,
                        _figure(unit.index),
                        getattr(unit.index, "band", "") or "",
                        _figure(row.get("INDIVIDUAL")),
                        _figure(row.get("INSTITUTIONAL")),
                        _figure(row.get("COMPOSITE")),
                        _change(unit.index_change),
                        *(_change(c) for c in unit.changes),
                        *_bounds(unit.index),
                        _significant(unit.index_change),
                        *_bounds(row.get("INDIVIDUAL")),
                        *_bounds(row.get("COMPOSITE")),
                        unit.rank_text or (str(unit.position) if unit.rank_band else ""),
                    ]
                )
    sheet.finish()


def _lke(workbook: Workbook, data: ReportData) -> None:
    columns = [
        ("komponen", _("Komponen"), 52),
        ("bobot", _("Bobot"), 10),
        ("nilai_akhir", _("Nilai akhir"), 14),
        ("unit_dinilai", _("Unit dinilai"), 14),
    ]
    sheet = ExportSheet(workbook, "LKE", columns)
    for component in data.lke:
        sheet.add(
            [
                component.name,
                float(component.weight),
                float(round(component.final, 1)) if component.final is not None else None,
                component.agencies,
            ]
        )
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
    columns = [
        *UNIT_COLUMNS,
        ("jawaban", _("Jawaban masuk"), 14),
        ("pegawai", _("Jumlah pegawai"), 14),
        ("partisipasi_persen", _("Partisipasi (%)"), 16),
        ("responden_minimum", _("Responden minimum"), 18),
        ("minimum_terpenuhi", _("Minimum terpenuhi"), 18),
    ]
    sheet = ExportSheet(workbook, "Tingkat Respons", columns)
    for row in _participation_rows(data) if data.run is not None else []:
        rate, minimum = row.get("RESPONSE_RATE"), row.get("MIN_RESPONDENTS")
        sheet.add(
            [
                row.code,
                row.agency.name,
                rate.n if rate else None,
                rate.denominator if rate else None,
                _figure(rate),
                minimum.denominator if minimum else None,
                (_("ya") if minimum.n >= (minimum.denominator or 0) else _("tidak"))
                if minimum
                else "",
            ]
        )
    sheet.finish()


def report_xlsx_bytes(data: ReportData) -> bytes:
    workbook = Workbook(write_only=True)
    workbook.column_codes = []  # (sheet, label, code) of every column, for the sheet "Kolom"
    for part in (_summary, _per_value, _per_agency, _lke, _response):
        part(workbook, data)
    column_dictionary_write(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
