"""Demo step of the institutional assessment (LKE): the default worksheet and evaluator assignments.

`seed_demo` discovers `<app>.demo` in INSTALLED_APPS order (berakhlak, evaluations, surveys, ...),
so on a first seed this step runs before surveys/demo.py creates the demo round and finds nothing
to do. It is idempotent; `lke_demo_prepare()` is exposed so that the survey's demo step (or any
later step) can call it right after the round is opened.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from berakhlak.demo import DEMO_ACCOUNTS, demo_admin, demo_step
from berakhlak.models import User
from evaluations.lke.opening import (
    assessments_ensure,
    evaluator_assignments_from_grants,
    worksheet_create_default,
    worksheet_freeze,
)
from evaluations.lke.selectors import lke_agencies, worksheet_is_editable
from evaluations.models import (
    AnswerKind,
    Assessment,
    AssessmentStatus,
    Round,
    RoundStatus,
    Worksheet,
)
from evaluations.scoring import OPTIONS


@transaction.atomic
def lke_demo_prepare() -> list[str]:
    """Give every draft or open round the default worksheet; freeze and assign where it is due."""
    admin = demo_admin()
    lines = []
    today = timezone.localdate()
    for round in Round.objects.filter(status__in=(RoundStatus.DRAFT, RoundStatus.OPEN)):
        created = not Worksheet.objects.filter(round=round).exists()
        worksheet = worksheet_create_default(round=round, by=admin)
        if not worksheet_is_editable(worksheet, today) and worksheet.frozen_at is None:
            worksheet_freeze(worksheet=worksheet, by=admin)
        assigned = (
            evaluator_assignments_from_grants(round=round, by=admin)
            if round.status == RoundStatus.OPEN
            else 0
        )
        lines.append(
            f"LKE '{round.name}': {'dibuat' if created else 'sudah ada'}, "
            f"{assigned} penugasan evaluator baru"
        )
    return lines or ["belum ada putaran; LKE dibuat saat putaran demo ada (lke_demo_prepare)"]


def _demo_answer(kind: str, agency: int, criterion: int) -> str:
    """A deterministic, varied answer: most agencies answer well, some criteria less so."""
    step = (agency * 7 + criterion * 3) % 10  # 0-9
    if kind == AnswerKind.PERCENT:
        return str(55 + 5 * step)
    options = [code for code, _label in OPTIONS[kind]]
    return options[min(len(options) - 1, step // 4)]


@transaction.atomic
def lke_demo_score(round: Round) -> list[str]:
    """Every LKE agency of `round` fully scored (self, evaluator and final answers, FINAL), so
    that the demo's previous round publishes a composite and the leaders see a trend. Written
    directly: demo data, not a review anyone did (the audit trail says nothing of it)."""
    evaluator_nip = next(a.nip for a in DEMO_ACCOUNTS if a.key == "evaluator")
    evaluator = User.objects.filter(username=evaluator_nip).first()
    agencies = list(lke_agencies(round).order_by("path"))
    for agency in agencies:
        assessments_ensure(round_agency=agency)
    rows = list(
        Assessment.objects.filter(round_agency__in=agencies)
        .exclude(status=AssessmentStatus.FINAL)
        .select_related("criterion")
    )
    for row in rows:
        answer = _demo_answer(row.criterion.answer_kind, row.round_agency_id, row.criterion_id)
        row.self_answer = row.evaluator_answer = row.final_answer = answer
        row.status, row.evaluator = AssessmentStatus.FINAL, evaluator
        row.final_reason = "Nilai demo"
    Assessment.objects.bulk_update(
        rows,
        ["self_answer", "evaluator_answer", "final_answer", "status", "evaluator", "final_reason"],
        batch_size=500,
    )
    return [f"LKE '{round.name}': {len(agencies)} unit dinilai final ({len(rows)} kriteria)"]


@demo_step("lke")
def seed_demo_lke(**_kwargs) -> list[str]:
    return lke_demo_prepare()
