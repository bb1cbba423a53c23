"""An LKE worksheet to and from Excel: one sheet `Kriteria`, one row per criterion, all or nothing.

Components are the distinct values of column `komponen`, in the order they first appear; criteria
keep the order of their rows. An import replaces the whole worksheet and is refused, with every
problem by row and column, unless the weights sum to exactly 100.
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from berakhlak.roster.reader import Problem, sheet_records
from berakhlak.roster.xlsx import workbook_open
from berakhlak.spreadsheet import row_append_safe
from evaluations import scoring
from evaluations.lke.selectors import WEIGHT_TOTAL, worksheet_criteria
from evaluations.lke.worksheet_edit import worksheet_contents_replace, worksheet_create_empty
from evaluations.models import AnswerKind, Round, Worksheet

SHEET, HELP_SHEET = "Kriteria", "Petunjuk"
COLUMNS = (
    "komponen",
    "uraian_komponen",
    "kode",
    "pertanyaan",
    "petunjuk",
    "bukti_diminta",
    "bukti_wajib",
    "jenis_jawaban",
    "bobot",
)
YES = {"ya", "y", "yes", "1", "true", "benar", "wajib"}
NO = {"tidak", "t", "no", "0", "false", "salah", ""}


class WorksheetImportError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems[:20]))
        self.problems = problems


def worksheet_export_bytes(worksheet: Worksheet | None) -> bytes:
    """The worksheet as a workbook; with None, an empty template with the help sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    row_append_safe(sheet, COLUMNS)
    if worksheet is not None:
        for c in worksheet_criteria(worksheet):
            row_append_safe(
                sheet,
                [
                    c.component.name,
                    c.component.description,
                    c.code,
                    c.question,
                    c.guidance,
                    c.evidence_asked,
                    "ya" if c.evidence_required else "tidak",
                    c.answer_kind,
                    float(c.weight),
                ],
            )
    help_sheet = workbook.create_sheet(HELP_SHEET)
    row_append_safe(help_sheet, ["jenis_jawaban", _("arti")])
    for value, label in AnswerKind.choices:
        row_append_safe(help_sheet, [value, str(label)])
    row_append_safe(help_sheet, [])
    row_append_safe(
        help_sheet,
        ["bobot", _("Angka lebih dari 0; jumlah bobot semua kriteria harus tepat 100.")],
    )
    row_append_safe(help_sheet, ["bukti_wajib", _("'ya' atau 'tidak'.")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _answer_kind(value: object) -> str | None:
    text = _text(value)
    by_key = {v.upper(): v for v in AnswerKind.values}
    by_key.update({str(label).upper(): v for v, label in AnswerKind.choices})
    return by_key.get(text.upper())


def _weight(value: object) -> Decimal | None:
    try:
        weight = Decimal(_text(value).replace(",", "."))
    except InvalidOperation:
        return None
    if (
        not weight.is_finite()
        or weight <= 0
        or weight > 100
        or weight != weight.quantize(Decimal("0.01"))
    ):
        return None
    return weight


@transaction.atomic
def worksheet_upload_import(*, round: Round, by, fileobj: IO[bytes]) -> dict[str, int]:
    """Import a workbook into the round's worksheet, made empty first when the round has none.
    All or nothing: a refused import (WorkbookError, WorksheetImportError, ValidationError) rolls
    back, so it leaves no empty worksheet behind either."""
    worksheet = Worksheet.objects.filter(round=round).first()
    target = worksheet or worksheet_create_empty(round=round, by=by)
    return worksheet_import(worksheet=target, fileobj=fileobj, by=by)


def worksheet_import(*, worksheet: Worksheet, fileobj: IO[bytes], by=None) -> dict[str, int]:
    """Replace the worksheet's components and criteria from a workbook, or change nothing."""
    problems: list[Problem] = []
    workbook = workbook_open(fileobj)
    try:
        records = sheet_records(workbook, SHEET, COLUMNS, problems)
    finally:
        workbook.close()
    if problems:
        raise WorksheetImportError(problems)
    components: dict[str, dict] = {}
    codes: dict[str, int] = {}
    total = Decimal(0)
    for record in records:
        row = record["row"]

        def problem(column: str, message: str, row=row) -> None:
            problems.append(Problem(SHEET, row, column, message))

        name = _text(record["komponen"])
        if not name:
            problem("komponen", _("Nama komponen wajib diisi."))
        code = _text(record["kode"])[:16]
        if not code:
            problem("kode", _("Kode wajib diisi."))
        elif code.upper() in codes:
            problem(
                "kode",
                _("Kode %(code)s dipakai dua kali (juga di baris %(other)s).")
                % {"code": code, "other": codes[code.upper()]},
            )
        else:
            codes[code.upper()] = row
        question = _text(record["pertanyaan"])
        if not question:
            problem("pertanyaan", _("Pertanyaan wajib diisi."))
        kind = _answer_kind(record["jenis_jawaban"])
        if kind is None:
            problem(
                "jenis_jawaban",
                _("Jenis jawaban %(v)s tidak dikenal; pakai salah satu dari: %(all)s.")
                % {
                    "v": _text(record["jenis_jawaban"]) or _("(kosong)"),
                    "all": ", ".join(AnswerKind.values),
                },
            )
        weight = _weight(record["bobot"])
        if weight is None:
            problem(
                "bobot", _("Bobot harus angka lebih dari 0 sampai 100, paling banyak dua desimal.")
            )
        else:
            total += weight
        required = _text(record["bukti_wajib"]).lower()
        if required not in YES | NO:
            problem("bukti_wajib", _("Isi 'ya' atau 'tidak', bukan %(v)s.") % {"v": required})
        entry = components.setdefault(
            name,
            {"name": name[:200], "description": _text(record["uraian_komponen"]), "criteria": []},
        )
        entry["criteria"].append(
            {
                "code": code,
                "question": question,
                "guidance": _text(record["petunjuk"]),
                "evidence_asked": _text(record["bukti_diminta"]),
                "evidence_required": required in YES,
                "answer_kind": kind,
                "weight": weight,
            }
        )
    if not records:
        problems.append(Problem(SHEET, None, "", _("Sheet Kriteria tidak berisi satu baris pun.")))
    elif total != WEIGHT_TOTAL and not any(p.column == "bobot" for p in problems):
        problems.append(
            Problem(
                SHEET,
                None,
                "bobot",
                _("Jumlah bobot semua kriteria harus 100; di berkas ini %(total)s.")
                % {"total": scoring.display(total)},
            )
        )
    if problems:
        raise WorksheetImportError(problems)
    worksheet_contents_replace(worksheet=worksheet, components=list(components.values()), by=by)
    return {"components": len(components), "criteria": len(records)}
