"""Paper and offline answers: sheet `Jawaban` -> sealed answer sheets of a round, all or nothing.

Each row is one person's behaviour answers with only their unit (code of the round's agency
snapshot) and ASN type. Imported sheets wait sealed like web submissions and are released with them
(surveys.services.release), so a small import cannot be read off the database either; how many
sheets each unit got is public (`PaperImport`, on the response board). They count toward the
agency's figures, never toward any person's participation: nothing here touches `Participation`.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from berakhlak.models import AsnType
from berakhlak.refusals import Refused
from berakhlak.roster.planner import asn_type_parse
from berakhlak.roster.reader import Problem, sheet_records
from berakhlak.roster.xlsx import workbook_open
from berakhlak.spreadsheet import row_append_safe
from evaluations.models import Round, RoundAgency
from surveys.models import Instrument, InstrumentKind, PaperImport, ResponseSource, SealedSubmission
from surveys.selectors import Question, Survey, round_instruments, survey_build
from surveys.services.filling import answer_clean, response_fields, submission_seal

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
    sections: list[str] = field(default_factory=list)  # engagement / selection found in the file
    hidden_rows: list[int] = field(default_factory=list)  # hidden or filtered out, imported

    def per_agency(self) -> list[tuple[RoundAgency, int]]:
        counts: dict[int, list] = {}
        for row in self.rows:
            entry = counts.setdefault(row["agency"].pk, [row["agency"], 0])
            entry[1] += 1
        return sorted(((a, n) for a, n in counts.values()), key=lambda pair: pair[0].path)


def behaviour_instrument_of(round: Round) -> Instrument | None:
    return next((i for i in round_instruments(round) if i.kind == InstrumentKind.BEHAVIOUR), None)


# The values selection's three questions, as columns of the sheet: the option codes chosen,
# separated by commas (or semicolons, spaces).
PICK_COLUMNS = {
    "PERSONAL": "nilai_pribadi",
    "CURRENT": "budaya_saat_ini",
    "DESIRED": "budaya_harapan",
}
_PICK_SEPARATORS = re.compile(r"[,;\s]+")


def _answer(raw: object, scale: int) -> int | None:
    """A scale answer as typed or saved: 4, 4.0, "4", "4.0", "4,0", full-width digits."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip().replace(",", ".")
        try:
            raw = float(text)
        except ValueError:
            return None
    if isinstance(raw, int | float):
        return int(raw) if float(raw).is_integer() and 1 <= raw <= scale else None
    return None


def _picks(raw: object) -> list[str]:
    if raw is None:
        return []
    text = unicodedata.normalize("NFKC", str(raw)).upper()
    return [code for code in _PICK_SEPARATORS.split(text) if code]


@dataclass
class _Sections:
    """The round's questions as the sheet's columns: behaviour items always; each engagement
    instrument and the values selection either wholly in the file or not at all."""

    required: list[Question]
    optional: list[list[Question]]

    @classmethod
    def of(cls, survey: Survey) -> _Sections:
        behaviour = [q for q in survey.questions if q.page.slug.startswith("nilai-")]
        optional = [
            [q for q in survey.questions if q.page.slug == page.slug]
            for page in survey.pages
            if page.slug.startswith("keterikatan-")
        ]
        picks = [q for q in survey.questions if q.kind == "pick"]
        if picks:
            optional.append(picks)
        return cls(required=behaviour, optional=optional)


def column_of(question: Question) -> str:
    return PICK_COLUMNS.get(question.key, question.key) if question.kind == "pick" else question.key


def _cell_answer(
    question: Question, raw: object, scale: int, row: int
) -> tuple[object, Problem | None]:
    """One cell by the web survey's rules (surveys.services.filling.answer_clean): every scale
    item 1..scale, exactly K known option codes per selection question."""
    column = column_of(question)
    if question.kind == "pick":
        chosen = _picks(raw)
        try:
            cleaned = answer_clean(question, chosen)
        except ValidationError as error:
            return None, Problem(SHEET, row, column, " ".join(error.messages))
        if len(cleaned) != question.pick_count:
            return None, Problem(
                SHEET,
                row,
                column,
                _("Pilih tepat %(k)s kode pilihan yang berbeda; tertulis %(n)s.")
                % {"k": question.pick_count, "n": len(cleaned)},
            )
        return cleaned, None
    value = _answer(raw, scale)
    if value is None:
        empty = raw in (None, "") or (isinstance(raw, str) and not raw.strip())
        message = (
            _("Jawaban kosong; setiap butir wajib diisi 1 sampai %(scale)s.")
            if empty
            else _("Nilai %(value)s di luar skala; isi bilangan bulat 1 sampai %(scale)s.")
        )
        return None, Problem(SHEET, row, column, message % {"value": raw, "scale": scale})
    return value, None


def content_hash(fileobj: IO[bytes]) -> str:
    """SHA-256 of the file's bytes: the same file imported twice has the same hash."""
    fileobj.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(1 << 20), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def paper_imported_before(digest: str) -> PaperImport | None:
    """The earlier import of a file with this content hash, if any (any round)."""
    return (
        PaperImport.objects.filter(content_sha256=digest)
        .select_related("round")
        .order_by("created_at")
        .first()
    )


def paper_plan(*, round: Round, fileobj: IO[bytes]) -> PaperPlan:
    """Read and check every row; the plan lists every problem (sheet, row, column, message)."""
    plan = PaperPlan()
    instrument = behaviour_instrument_of(round)
    if instrument is None:
        plan.problems.append(
            Problem(SHEET, None, "", _("Putaran ini tidak memiliki instrumen perilaku."))
        )
        return plan
    survey = survey_build(round)
    sections = _Sections.of(survey)
    scale_of = {
        item.code: inst.scale_points for inst in survey.instruments for item in inst.items.all()
    }
    required = [column_of(q) for q in sections.required]
    optional = [column_of(q) for section in sections.optional for q in section]
    workbook = workbook_open(fileobj)
    try:
        records = sheet_records(
            workbook, SHEET, ("kode_unit", "jenis_asn", *required), plan.problems, tuple(optional)
        )
    finally:
        workbook.close()
    if plan.problems and not records:
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
    questions = list(sections.required)
    for section in sections.optional:
        present = [q for q in section if column_of(q) in records[0]]
        if present and len(present) < len(section):
            for question in section:
                if question not in present:
                    plan.problems.append(
                        Problem(
                            SHEET,
                            None,
                            column_of(question),
                            _(
                                "Kolom '%(column)s' tidak ada. Bagian keterikatan dan pemilihan "
                                "nilai diisi lengkap atau tidak dimuat sama sekali."
                            )
                            % {"column": column_of(question)},
                        )
                    )
        elif present:
            questions.extend(section)
            plan.sections.append(section[0].page.heading or section[0].page.title)
    if plan.problems:
        return plan
    plan.hidden_rows = [record["row"] for record in records if record.get("hidden")]
    agencies = {a.code.upper(): a for a in RoundAgency.objects.filter(round=round)}
    for record in records:
        row, problems = record["row"], []
        code = str(record["kode_unit"] or "").strip()
        agency = agencies.get(code.upper())
        if not code:
            problems.append(Problem(SHEET, row, "kode_unit", _("Kode unit kosong.")))
        elif agency is None:
            problems.append(
                Problem(
                    SHEET,
                    row,
                    "kode_unit",
                    _("Kode unit %(code)s tidak ada dalam potret unit putaran ini.")
                    % {"code": code},
                )
            )
        asn_type = asn_type_parse(record["jenis_asn"])
        if asn_type is None:
            problems.append(
                Problem(
                    SHEET,
                    row,
                    "jenis_asn",
                    _("Jenis ASN %(value)s tidak dikenal; pakai salah satu dari: %(choices)s.")
                    % {
                        "value": record["jenis_asn"] or _("(kosong)"),
                        "choices": ", ".join(AsnType.values),
                    },
                )
            )
        answers = {}
        for question in questions:
            value, problem = _cell_answer(
                question, record[column_of(question)], scale_of.get(question.key, 0), row
            )
            if problem:
                problems.append(problem)
            else:
                answers[question.key] = value
        if problems:
            plan.problems.extend(problems)
        else:
            plan.rows.append({"agency": agency, "asn_type": asn_type, "answers": answers})
    return plan


def _survey_answered(round: Round, keys) -> Survey:
    """The round's survey cut to the sections the file holds (a private copy: its pages are
    renumbered), so an instrument not on paper gets no score rather than an empty one."""
    keys = set(keys)
    full = survey_build(round)
    behaviour = [i for i in full.instruments if i.kind == InstrumentKind.BEHAVIOUR][:1]
    instruments = behaviour + [
        i
        for i in full.instruments
        if (i.kind == InstrumentKind.ENGAGEMENT and {item.code for item in i.items.all()} & keys)
        or (i.kind == InstrumentKind.VALUES_SELECTION and "PERSONAL" in keys)
    ]
    pages = [page for page in full.pages if any(q.key in keys for q in page.questions)]
    return Survey(pages=pages, instruments=instruments)


class PaperRepeated(Refused):
    """The same file (content hash) was imported before and the admin did not confirm again;
    `earlier` is that import."""

    def __init__(self, earlier: PaperImport):
        super().__init__(
            _(
                "Berkas yang sama persis sudah pernah diimpor. Tidak ada yang diimpor; unggah "
                "ulang dan centang konfirmasi bila memang harus diimpor lagi."
            ),
            code="paper_repeated",
        )
        self.earlier = earlier


@transaction.atomic
def paper_import(*, round: Round, fileobj: IO[bytes], repeat_confirmed: bool = False) -> int:
    """Apply the file, or nothing at all; returns the number of answer sheets sealed. A file
    imported before (same content hash) is refused unless `repeat_confirmed`."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    digest = content_hash(fileobj)
    earlier = paper_imported_before(digest)
    if earlier is not None and not repeat_confirmed:
        raise PaperRepeated(earlier)
    plan = paper_plan(round=round, fileobj=fileobj)
    if plan.problems:
        raise PaperImportError(plan.problems)
    survey = _survey_answered(round, plan.rows[0]["answers"].keys() if plan.rows else ())
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
        PaperImport(round=round, round_agency=agency, count=count, content_sha256=digest)
        for agency, count in plan.per_agency()
    )
    return len(sheets)


def paper_template_bytes(*, round: Round) -> bytes:
    """An empty `Jawaban` sheet with the round's item codes, instructions and the unit codes."""
    instrument = behaviour_instrument_of(round)
    items = list(instrument.items.order_by("order")) if instrument else []
    scale = instrument.scale_points if instrument else 6
    instruments = round_instruments(round)
    engagement = [i for i in instruments if i.kind == InstrumentKind.ENGAGEMENT]
    engagement_items = [item for i in engagement for item in i.items.order_by("order")]
    selection = next((i for i in instruments if i.kind == InstrumentKind.VALUES_SELECTION), None)
    picks = list(PICK_COLUMNS.values()) if selection else []
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(
        [
            "kode_unit",
            "jenis_asn",
            *[item.code for item in items],
            *[item.code for item in engagement_items],
            *picks,
        ]
    )
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].number_format = "@"
    if engagement_items:
        first = sheet.cell(row=1, column=3 + len(items)).column_letter
        last = sheet.cell(row=1, column=2 + len(items) + len(engagement_items)).column_letter
        points = engagement[0].scale_points
        rule = DataValidation(type="whole", operator="between", formula1="1", formula2=str(points))
        rule.error = _("Isi bilangan bulat 1 sampai %(scale)s.") % {"scale": points}
        sheet.add_data_validation(rule)
        rule.add(f"{first}2:{last}50001")
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
    if engagement_items:
        guide.append(
            [_("Kolom EE (keterikatan): boleh tidak dimuat; bila dimuat, semua butirnya wajib.")]
        )
    if selection:
        guide.append(
            [
                _(
                    "Kolom %(columns)s (pemilihan nilai): tepat %(k)s kode dari sheet Pilihan, "
                    "dipisah koma; boleh tidak dimuat, bila dimuat ketiganya wajib."
                )
                % {"columns": ", ".join(picks), "k": selection.pick_count}
            ]
        )
    guide.append([])
    guide.append([_("kode"), _("pernyataan")])
    for item in [*items, *engagement_items]:
        row_append_safe(guide, [item.code, item.text])
    if selection:
        options = workbook.create_sheet("Pilihan")
        options.append([_("kode"), _("pilihan")])
        for option in selection.options.order_by("order"):
            row_append_safe(options, [option.code, option.text])
    units = workbook.create_sheet("Unit")
    units.append([_("kode_unit"), _("nama unit")])
    for agency in RoundAgency.objects.filter(round=round).order_by("path"):
        row_append_safe(units, [agency.code, agency.name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
