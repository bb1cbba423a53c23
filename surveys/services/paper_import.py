"""Paper and offline answers: sheet `Jawaban` -> sealed answer sheets of a round, all or nothing.

Each row is one person's behaviour answers with only their unit (code of the round's agency
snapshot) and ASN type. Imported sheets wait sealed like web submissions and are released with them
(surveys.services.release), so a small import cannot be read off the database either; how many
sheets each unit got is public (`PaperImport`, on the response board). They count toward the
agency's figures, never toward any person's participation: nothing here touches `Participation`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from berakhlak.models import AsnType
from berakhlak.roster.planner import asn_type_parse
from berakhlak.roster.reader import Problem, sheet_records
from berakhlak.roster.xlsx import workbook_open
from berakhlak.spreadsheet import row_append_safe
from evaluations.models import Round, RoundAgency
from surveys.models import Instrument, InstrumentKind, PaperImport, ResponseSource, SealedSubmission
from surveys.selectors import Survey, round_instruments, survey_build
from surveys.services.filling import response_fields, submission_seal

SHEET = "Jawaban"
MAX_ROWS = 50_000


class PaperImportError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems[:20]))
        self.problems = problems


@dataclass
class PaperPlan:
    rows: list[dict] = field(default_factory=list)  # {"agency": RoundAgency, "asn_type", "answers"}
    problems: list[Problem] = field(default_factory=list)

    def per_agency(self) -> list[tuple[RoundAgency, int]]:
        counts: dict[int, list] = {}
        for row in self.rows:
            entry = counts.setdefault(row["agency"].pk, [row["agency"], 0])
            entry[1] += 1
        return sorted(((a, n) for a, n in counts.values()), key=lambda pair: pair[0].path)


def behaviour_instrument_of(round: Round) -> Instrument | None:
    return next((i for i in round_instruments(round) if i.kind == InstrumentKind.BEHAVIOUR), None)


def _answer(raw: object, scale: int) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return int(raw) if float(raw).is_integer() and 1 <= raw <= scale else None
    if isinstance(raw, str) and raw.strip().isdigit():
        value = int(raw.strip())
        return value if 1 <= value <= scale else None
    return None


def paper_plan(*, round: Round, fileobj: IO[bytes]) -> PaperPlan:
    """Read and check every row; the plan lists every problem (sheet, row, column, message)."""
    plan = PaperPlan()
    instrument = behaviour_instrument_of(round)
    if instrument is None:
        plan.problems.append(
            Problem(SHEET, None, "", _("Putaran ini tidak memiliki instrumen perilaku."))
        )
        return plan
    codes = list(instrument.items.order_by("order").values_list("code", flat=True))
    scale = instrument.scale_points
    workbook = workbook_open(fileobj)
    try:
        records = sheet_records(workbook, SHEET, ("kode_unit", "jenis_asn", *codes), plan.problems)
    finally:
        workbook.close()
    if plan.problems:
        return plan
    if len(records) > MAX_ROWS:
        plan.problems.append(
            Problem(
                SHEET,
                None,
                "",
                _("Paling banyak %(n)s baris per berkas; bagi berkas ini.") % {"n": MAX_ROWS},
            )
        )
        return plan
    if not records:
        plan.problems.append(
            Problem(SHEET, None, "", _("Sheet Jawaban tidak berisi satu baris jawaban pun."))
        )
        return plan
    agencies = {a.code.upper(): a for a in RoundAgency.objects.filter(round=round)}
    for record in records:
        row, problems = record["row"], []
        code = str(record["kode_unit"] or "").strip()
        agency = agencies.get(code.upper())
        if not code:
            problems.append(Problem(SHEET, row, "kode_unit", _("Kode unit kosong.")))
        elif agency is None:
            problems.append(
                Problem(SHEET, row, "kode_unit",
                        _("Kode unit %(code)s tidak ada dalam potret unit putaran ini.") % {"code": code})
            )  # fmt: skip
        asn_type = asn_type_parse(record["jenis_asn"])
        if asn_type is None:
            problems.append(
                Problem(SHEET, row, "jenis_asn",
                        _("Jenis ASN %(value)s tidak dikenal; pakai salah satu dari: %(choices)s.")
                        % {"value": record["jenis_asn"] or _("(kosong)"), "choices": ", ".join(AsnType.values)})
            )  # fmt: skip
        answers = {}
        for item_code in codes:
            raw = record[item_code]
            value = _answer(raw, scale)
            if value is None:
                message = (
                    _("Jawaban kosong; setiap butir wajib diisi 1 sampai %(scale)s.")
                    if raw in (None, "") or (isinstance(raw, str) and not raw.strip())
                    else _("Nilai %(value)s di luar skala; isi bilangan bulat 1 sampai %(scale)s.")
                )
                problems.append(
                    Problem(SHEET, row, item_code, message % {"value": raw, "scale": scale})
                )
            else:
                answers[item_code] = value
        if problems:
            plan.problems.extend(problems)
        else:
            plan.rows.append({"agency": agency, "asn_type": asn_type, "answers": answers})
    return plan


def _behaviour_survey(round: Round) -> Survey:
    full = survey_build(round)  # a private copy: the pages are renumbered below
    behaviour = [i for i in full.instruments if i.kind == InstrumentKind.BEHAVIOUR][:1]
    pages = [page for page in full.pages if page.slug.startswith("nilai-")]
    return Survey(pages=pages, instruments=behaviour)


@transaction.atomic
def paper_import(*, round: Round, fileobj: IO[bytes]) -> int:
    """Apply the file, or nothing at all; returns the number of answer sheets sealed."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    plan = paper_plan(round=round, fileobj=fileobj)
    if plan.problems:
        raise PaperImportError(plan.problems)
    survey = _behaviour_survey(round)
    sheets = [
        submission_seal(
            round_id=round.pk,
            round_agency_id=row["agency"].pk,
            asn_type=row["asn_type"],
            source=ResponseSource.PAPER,
            fields=response_fields(survey, row["answers"]),
        )
        for row in plan.rows
    ]
    SealedSubmission.objects.bulk_create(sheets, batch_size=2000)
    PaperImport.objects.bulk_create(
        PaperImport(round=round, round_agency=agency, count=count)
        for agency, count in plan.per_agency()
    )
    return len(sheets)


def paper_template_bytes(*, round: Round) -> bytes:
    """An empty `Jawaban` sheet with the round's item codes, instructions and the unit codes."""
    instrument = behaviour_instrument_of(round)
    items = list(instrument.items.order_by("order")) if instrument else []
    scale = instrument.scale_points if instrument else 6
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(["kode_unit", "jenis_asn", *[item.code for item in items]])
    sheet.freeze_panes = "C2"
    asn = DataValidation(
        type="list", formula1='"' + ",".join(AsnType.values) + '"', allow_blank=True
    )
    answers = DataValidation(type="whole", operator="between", formula1="1", formula2=str(scale))
    answers.error = _("Isi bilangan bulat 1 sampai %(scale)s.") % {"scale": scale}
    sheet.add_data_validation(asn)
    sheet.add_data_validation(answers)
    asn.add("B2:B50001")
    if items:
        last = sheet.cell(row=1, column=2 + len(items)).column_letter
        answers.add(f"C2:{last}50001")
    guide = workbook.create_sheet("Petunjuk")
    for line in (
        [_("Satu baris untuk setiap lembar jawaban kertas. Jangan menulis nama atau NIP.")],
        [_("kode_unit: kode unit dari sheet Unit (potret unit saat putaran dibuka).")],
        [_("jenis_asn: %(choices)s.") % {"choices": ", ".join(AsnType.values)}],
        [
            _(
                "Kolom butir: jawaban 1 (Sangat tidak sesuai) sampai %(scale)s (Sangat sesuai), semua wajib."
            )
            % {"scale": scale}
        ],
        [
            _(
                "Impor bersifat semua atau tidak sama sekali: satu kesalahan membatalkan seluruh berkas."
            )
        ],
    ):
        guide.append(line)
    guide.append([])
    guide.append([_("kode"), _("pernyataan")])
    for item in items:
        row_append_safe(guide, [item.code, item.text])
    units = workbook.create_sheet("Unit")
    units.append([_("kode_unit"), _("nama unit")])
    for agency in RoundAgency.objects.filter(round=round).order_by("path"):
        row_append_safe(units, [agency.code, agency.name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
