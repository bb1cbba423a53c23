"""The LKE recap an evaluator works with, as PMPRB evaluators do: per agency every criterion with
the self, evaluator and final answer, their points, the reason of the final score and the number
of evidence files; for the province one row per agency and the same detail for all of them.

Excel (openpyxl write-only, Indonesian headers frozen and filtered, numbers as numbers) and PDF
(WeasyPrint through berakhlak/pdf.py). Built inside the request: an agency's recap is one row per
criterion (tens), the province's PDF one row per agency; the province's detail, one row per
agency and criterion, goes only into the workbook.

Points count as everywhere in the LKE (`scoring.assessment_answers`): a self answer once
submitted, the evaluator's answer, the final answer once final. A row the reader may not see (a
draft, for an evaluator) shows its status and nothing else.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from berakhlak.models import User
from berakhlak.spreadsheet import HeaderedSheet
from evaluations import scoring
from evaluations.lke import permissions, selectors
from evaluations.models import Assessment, AssessmentStatus, Criterion, Round, RoundAgency

S = AssessmentStatus
WHICH = scoring.WHICH  # self, evaluator, final


@dataclass
class RecapLine:
    criterion: Criterion
    status: str = S.DRAFT
    answers: dict[str, str] = field(default_factory=dict)
    points: dict[str, Decimal | None] = field(default_factory=dict)
    reason: str = ""
    evidence: int = 0
    visible: bool = True

    @property
    def status_label(self) -> str:
        return str(dict(S.choices).get(self.status, self.status))

    def answer_text(self, which: str) -> str:
        return scoring.answer_label(self.criterion.answer_kind, self.answers.get(which, ""))

    @property
    def cells(self) -> list[tuple[str, str]]:
        """(answer, points) of self, evaluator and final, as people read them."""
        return [
            (
                self.answer_text(which),
                "" if self.points.get(which) is None else scoring.display(self.points[which]),
            )
            for which in WHICH
        ]


@dataclass
class AgencyRecap:
    round_agency: RoundAgency
    lines: list[RecapLine]
    totals: dict[str, Decimal | None]
    components: list[dict]

    @property
    def submitted(self) -> int:
        return sum(1 for line in self.lines if line.status != S.DRAFT)

    @property
    def final(self) -> int:
        return sum(1 for line in self.lines if line.status == S.FINAL)

    @property
    def evidence(self) -> int:
        return sum(line.evidence for line in self.lines)

    @property
    def band(self) -> str:
        return self.round_agency.round.band_for(self.totals.get("final"))

    @property
    def totals_display(self) -> dict[str, str]:
        return {
            which: "" if value is None else scoring.display(value)
            for which, value in self.totals.items()
        }


def _annotated(assessments):
    return assessments.select_related("criterion__component").annotate(
        evidence_count=Count(
            "evidence",
            filter=Q(evidence__superseded_at__isnull=True, evidence__withdrawn_at__isnull=True),
        )
    )


def _recap(
    round_agency: RoundAgency, criteria: list[Criterion], rows: list[Assessment], sees_drafts: bool
) -> AgencyRecap:
    by_criterion = {a.criterion_id: a for a in rows}
    lines = []
    for criterion in criteria:
        assessment = by_criterion.get(criterion.pk)
        line = RecapLine(criterion)
        if assessment is not None:
            line.status = assessment.status
            line.visible = sees_drafts or assessment.status != S.DRAFT
        if assessment is not None and line.visible:
            line.answers = scoring.assessment_answers(assessment)
            line.points = {
                which: scoring.criterion_score(criterion, line.answers[which]) for which in WHICH
            }
            line.reason = assessment.final_reason if assessment.status == S.FINAL else ""
            line.evidence = assessment.evidence_count
        lines.append(line)
    visible = [a for a in rows if sees_drafts or a.status != S.DRAFT]
    score = scoring.worksheet_score(visible, criteria)
    components = [
        {
            "name": c.name,
            "weight": c.weight,
            "final": c.points.get("final"),
            "final_display": scoring.display(c.points["final"]) if "final" in c.points else "",
        }
        for c in score.components
    ]
    return AgencyRecap(round_agency, lines, score.totals, components)


def _sees_drafts(user: User, round_agency: RoundAgency) -> bool:
    return permissions.is_round_admin(user, round_agency.round) or permissions.is_agency_agent(
        user, round_agency
    )


def agency_recap(user: User, round_agency: RoundAgency) -> AgencyRecap:
    """The recap of one agency as `user` may read it (the caller checked `can_view_recap`)."""
    worksheet = selectors.worksheet_of(round_agency.round)
    criteria = list(selectors.worksheet_criteria(worksheet)) if worksheet else []
    rows = list(_annotated(Assessment.objects.filter(round_agency=round_agency)))
    return _recap(round_agency, criteria, rows, _sees_drafts(user, round_agency))


def province_recaps(round: Round) -> list[AgencyRecap]:
    """Every LKE agency of the round, for the admin (`can_view_province_recap`): two queries for
    the assessments and the criteria, whatever the number of agencies."""
    worksheet = selectors.worksheet_of(round)
    criteria = list(selectors.worksheet_criteria(worksheet)) if worksheet else []
    per_agency: dict[int, list[Assessment]] = {}
    for assessment in _annotated(Assessment.objects.filter(round_agency__round=round)):
        per_agency.setdefault(assessment.round_agency_id, []).append(assessment)
    agencies = selectors.lke_agencies(round).select_related("round").order_by("code")
    return [_recap(ra, criteria, per_agency.get(ra.pk, []), True) for ra in agencies]


# --- Excel ---------------------------------------------------------------------------------------

DETAIL_WIDTHS = [28, 9, 50, 8, 14, 14, 10, 14, 10, 14, 10, 40, 9]


def _detail_header() -> list[str]:
    return [
        _("Komponen"),
        _("Kode"),
        _("Kriteria"),
        _("Bobot"),
        _("Status"),
        _("Jawaban mandiri"),
        _("Poin mandiri"),
        _("Jawaban evaluator"),
        _("Poin evaluator"),
        _("Jawaban akhir"),
        _("Poin akhir"),
        _("Alasan nilai akhir"),
        _("Jumlah bukti"),
    ]


def _detail_values(line: RecapLine) -> list:
    c = line.criterion
    values = [str(c.component), c.code, c.question, c.weight, line.status_label]
    for which in WHICH:
        values += [line.answer_text(which), line.points.get(which)]
    return [*values, line.reason, line.evidence if line.visible else None]


def _info_sheet(workbook: Workbook, lines: list[tuple[str, object]]) -> None:
    sheet = HeaderedSheet(workbook, _("Keterangan"), [_("Keterangan"), _("Isi")], [30, 60])
    for line in lines:
        sheet.add(line)
    sheet.finish()


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def agency_recap_xlsx(recap: AgencyRecap) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = HeaderedSheet(workbook, _("Rekap LKE"), _detail_header(), DETAIL_WIDTHS)
    for line in recap.lines:
        sheet.add(_detail_values(line))
    sheet.finish()
    ra = recap.round_agency
    _info_sheet(
        workbook,
        [
            (_("Unit"), f"{ra.code} {ra.name}"),
            (_("Putaran"), ra.round.name),
            (_("Dibuat pada"), timezone.now()),
            (_("Kriteria diajukan"), recap.submitted),
            (_("Kriteria final"), recap.final),
            (_("Indeks mandiri"), recap.totals.get("self")),
            (_("Indeks evaluator"), recap.totals.get("evaluator")),
            (_("Indeks akhir"), recap.totals.get("final")),
            (_("Kategori"), recap.band),
            (_("Catatan"), _("Indeks ada setelah setiap kriteria memiliki jawaban jenis itu.")),
        ],
    )
    return _save(workbook)


def _summary_header() -> list[str]:
    return [
        _("Kode unit"),
        _("Nama unit"),
        _("Jumlah kriteria"),
        _("Kriteria diajukan"),
        _("Kriteria final"),
        _("Indeks mandiri"),
        _("Indeks evaluator"),
        _("Indeks akhir"),
        _("Kategori"),
        _("Jumlah bukti"),
    ]


def province_recap_xlsx(round: Round, recaps: list[AgencyRecap]) -> bytes:
    workbook = Workbook(write_only=True)
    summary = HeaderedSheet(
        workbook, _("Ringkasan"), _summary_header(), [12, 40, 10, 10, 10, 12, 12, 12, 10, 10]
    )
    for recap in recaps:
        ra = recap.round_agency
        summary.add(
            [
                ra.code,
                ra.name,
                len(recap.lines),
                recap.submitted,
                recap.final,
                recap.totals.get("self"),
                recap.totals.get("evaluator"),
                recap.totals.get("final"),
                recap.band,
                recap.evidence,
            ]
        )
    summary.finish()
    detail = HeaderedSheet(
        workbook,
        _("Rincian"),
        [_("Kode unit"), _("Nama unit"), *_detail_header()],
        [12, 36, *DETAIL_WIDTHS],
    )
    for recap in recaps:
        ra = recap.round_agency
        for line in recap.lines:
            detail.add([ra.code, ra.name, *_detail_values(line)])
    detail.finish()
    _info_sheet(
        workbook,
        [
            (_("Cakupan"), round.root.name),
            (_("Putaran"), round.name),
            (_("Dibuat pada"), timezone.now()),
            (_("Unit ber-LKE"), len(recaps)),
            (
                _("Unit dengan indeks akhir"),
                sum(1 for r in recaps if r.totals.get("final") is not None),
            ),
        ],
    )
    return _save(workbook)


# --- PDF -----------------------------------------------------------------------------------------


def agency_recap_pdf(recap: AgencyRecap) -> bytes:
    from berakhlak.pdf import html_to_pdf

    html = render_to_string(
        "evaluations/lke/recap_pdf.html",
        {"recap": recap, "round": recap.round_agency.round, "now": timezone.localtime()},
    )
    return html_to_pdf(html)


def province_recap_pdf(round: Round, recaps: list[AgencyRecap]) -> bytes:
    from berakhlak.pdf import html_to_pdf

    html = render_to_string(
        "evaluations/lke/recap_province_pdf.html",
        {
            "round": round,
            "recaps": recaps,
            "scored": sum(1 for r in recaps if r.totals.get("final") is not None),
            "now": timezone.localtime(),
        },
    )
    return html_to_pdf(html)
