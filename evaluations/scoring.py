"""LKE scores: criterion = answer value / max x weight; component and institutional index 0-100.

Option answers score in equal steps from 1 (first option) down to 0 (last option): Ya/Tidak 1, 0;
A-B-C 1, 0.5, 0; A-E 1, 0.75, 0.5, 0.25, 0; maturity 5 -> 1 ... 1 -> 0. A percentage scores its
share of 100. Figures stay exact Decimals; rounding happens only for display.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from evaluations.lke.permissions import LKE_DEPTH
from evaluations.models import (
    AnswerKind,
    Assessment,
    AssessmentStatus,
    Criterion,
    Round,
    RoundAgency,
)

# Options of each kind, best first, with their labels.
OPTIONS: dict[str, list[tuple[str, str]]] = {
    AnswerKind.YA_TIDAK: [("YA", "Ya"), ("TIDAK", "Tidak")],
    AnswerKind.ABC: [("A", "A"), ("B", "B"), ("C", "C")],
    AnswerKind.A_E: [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E")],
    AnswerKind.MATURITY_1_5: [("5", "5"), ("4", "4"), ("3", "3"), ("2", "2"), ("1", "1")],
}
HUNDRED = Decimal(100)


class AnswerError(ValueError):
    """The answer does not fit the criterion's answer kind; the message is for the user."""


def answer_options(kind: str) -> list[tuple[str, str]]:
    """(code, label) of the options of a kind, best first; empty for a percentage."""
    return list(OPTIONS.get(kind, []))


def answer_label(kind: str, answer: str) -> str:
    """An answer as people read it: the option's label, a percentage in the active language's
    number style ("80,5%"); "" when unanswered."""
    if not answer:
        return ""
    if kind == AnswerKind.PERCENT:
        try:
            return f"{number_format(Decimal(answer))}%"
        except InvalidOperation:
            return answer
    return dict(OPTIONS.get(kind, [])).get(answer, answer)


def answer_normalise(kind: str, raw: str) -> str:
    """The stored form of an answer, or AnswerError saying what is wrong."""
    raw = (raw or "").strip()
    if not raw:
        raise AnswerError(_("Jawaban belum diisi."))
    if kind == AnswerKind.PERCENT:
        try:
            value = Decimal(raw.replace(",", ".").rstrip("%").strip())
        except InvalidOperation:
            raise AnswerError(_("Isi persentase dengan angka 0 sampai 100.")) from None
        if not value.is_finite() or not (0 <= value <= 100):
            raise AnswerError(_("Isi persentase dengan angka 0 sampai 100."))
        return format(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize(), "f")
    codes = [code for code, _label in OPTIONS[kind]]
    if raw.upper() not in codes:
        raise AnswerError(
            _("Pilih salah satu jawaban: %(options)s.") % {"options": ", ".join(codes)}
        )
    return raw.upper()


def answer_value(kind: str, answer: str) -> Decimal:
    """The answer's value as a fraction of the maximum (0..1)."""
    answer = answer_normalise(kind, answer)
    if kind == AnswerKind.PERCENT:
        return Decimal(answer) / HUNDRED
    codes = [code for code, _label in OPTIONS[kind]]
    steps = len(codes) - 1
    return Decimal(steps - codes.index(answer)) / Decimal(steps)


def criterion_score(criterion: Criterion, answer: str) -> Decimal | None:
    """answer value / max x weight; None while unanswered."""
    if not answer:
        return None
    return answer_value(criterion.answer_kind, answer) * criterion.weight


def display(value: Decimal | None, places: str = "0.01") -> str:
    """A score for people to read, in the active language's number style ("5,00" in Indonesian,
    "5.00" in English), rounded half up to `places`."""
    if value is None:
        return "–"
    rounded = value.quantize(Decimal(places), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=-Decimal(places).as_tuple().exponent)


@dataclass
class ComponentScore:
    component_id: int
    name: str
    weight: Decimal = Decimal(0)
    # Points per kind (self, evaluator, final); a kind is absent while a criterion lacks it.
    points: dict[str, Decimal] = field(default_factory=dict)

    def index(self, which: str) -> Decimal | None:
        """The component on 0-100: its points over its weight."""
        if which not in self.points or not self.weight:
            return None
        return self.points[which] / self.weight * HUNDRED


@dataclass
class WorksheetScore:
    components: list[ComponentScore]
    # Sum of criterion scores per kind (0-100), only once every criterion has an answer of it.
    totals: dict[str, Decimal | None]


WHICH = ("self", "evaluator", "final")


def worksheet_score(
    assessments: Iterable[Assessment], criteria: Iterable[Criterion]
) -> WorksheetScore:
    """Component and institutional figures of one agency.

    A figure exists only once every criterion it covers has an answer of that kind: an index from
    half a worksheet would read as a low score.
    """
    by_criterion = {a.criterion_id: a for a in assessments}
    components: dict[int, ComponentScore] = {}
    missing: set[tuple[int | None, str]] = set()
    sums = dict.fromkeys(WHICH, Decimal(0))
    for criterion in criteria:
        component = components.setdefault(
            criterion.component_id,
            ComponentScore(criterion.component_id, criterion.component.name),
        )
        component.weight += criterion.weight
        assessment = by_criterion.get(criterion.pk)
        answers = assessment_answers(assessment) if assessment else {}
        for which in WHICH:
            score = criterion_score(criterion, answers.get(which, ""))
            if score is None:
                missing.add((criterion.component_id, which))
                missing.add((None, which))
                continue
            component.points[which] = component.points.get(which, Decimal(0)) + score
            sums[which] += score
    for component in components.values():
        for which in WHICH:
            if (component.component_id, which) in missing:
                component.points.pop(which, None)
    totals = {which: None if (None, which) in missing else sums[which] for which in WHICH}
    return WorksheetScore(list(components.values()), totals)


def assessment_answers(assessment: Assessment) -> dict[str, str]:
    """The self, evaluator and final answers that count (final only once final)."""
    return {
        "self": assessment.self_answer if assessment.status != AssessmentStatus.DRAFT else "",
        "evaluator": assessment.evaluator_answer,
        "final": assessment.final_answer if assessment.status == AssessmentStatus.FINAL else "",
    }


def institutional_indices(round: Round) -> Mapping[int, Decimal | None]:
    """{RoundAgency id: institutional index 0-100, or None while not all final} of every agency
    that has an LKE in the round (the agencies at LKE depth, when the round has a worksheet with
    criteria). The keys are the agencies a scope's coverage counts ("LKE dinilai 1 dari 41 unit",
    docs/ARCHITECTURE.md §7.4).

    The provider for `REPORTS_INSTITUTIONAL_INDEX_PROVIDER` (reports/services/compute.py).
    """
    worksheet = getattr(round, "worksheet", None)
    if worksheet is None:
        return {}
    criteria = list(Criterion.objects.filter(component__worksheet=worksheet))
    if not criteria:
        return {}
    weights = {c.pk: c for c in criteria}
    indices: dict[int, Decimal | None] = dict.fromkeys(
        RoundAgency.objects.filter(round=round, depth=LKE_DEPTH).values_list("pk", flat=True)
    )
    per_agency: dict[int, list[Assessment]] = {}
    for assessment in Assessment.objects.filter(
        round_agency__round=round, criterion__in=criteria
    ).only("round_agency_id", "criterion_id", "status", "final_answer"):
        per_agency.setdefault(assessment.round_agency_id, []).append(assessment)
    for agency_id, rows in per_agency.items():
        finals = [a for a in rows if a.status == AssessmentStatus.FINAL]
        if agency_id not in indices or len(finals) != len(criteria):
            continue
        indices[agency_id] = sum(
            (criterion_score(weights[a.criterion_id], a.final_answer) for a in finals),
            Decimal(0),
        )
    return indices
