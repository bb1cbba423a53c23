"""Demo step of the institutional assessment (LKE): the default worksheet and evaluator assignments.

`seed_demo` discovers `<app>.demo` in INSTALLED_APPS order (berakhlak, evaluations, surveys, ...),
so on a first seed this step runs before surveys/demo.py creates the demo round and finds nothing
to do. It is idempotent; `lke_demo_prepare()` is exposed so that the survey's demo step (or any
later step) can call it right after the round is opened.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from berakhlak.demo import DEMO_ACCOUNTS, demo_step
from berakhlak.models import User
from evaluations.lke.services import (
    evaluator_assignments_from_grants,
    worksheet_create_default,
    worksheet_freeze,
    worksheet_is_editable,
)
from evaluations.models import Round, RoundStatus, Worksheet


@transaction.atomic
def lke_demo_prepare() -> list[str]:
    """Give every draft or open round the default worksheet; freeze and assign where it is due."""
    admin = User.objects.filter(username=DEMO_ACCOUNTS[0].nip).first()
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


@demo_step("lke")
def seed_demo_lke(**_kwargs) -> list[str]:
    return lke_demo_prepare()
