"""Opening a round's LKE: the worksheet, the assessments, the evaluators (docs/ARCHITECTURE.md §6).

The worksheet can be edited (`evaluations.lke.worksheet_edit`) until the round's evidence window
opens; then it is frozen and every LKE agency gets one assessment row per criterion, in one step
(`worksheet_freeze`, which `assessments_create` completes). The admin's "Bekukan", the beat task
`evaluations.lke_open_due` and the opening of a round take that step, so no page writes when it is
read. The evaluators come from the EVALUATOR grants (`evaluator_assignments_from_grants`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from berakhlak.audit import audit_change, records_actor
from berakhlak.models import Role, RoleGrant, User
from berakhlak.refusals import Refused
from evaluations.lke.defaults import DEFAULT_WORKSHEET
from evaluations.lke.selectors import (
    lke_agencies,
    worksheet_criteria,
    worksheet_is_editable,
    worksheet_problems,
)
from evaluations.models import (
    Assessment,
    Component,
    Criterion,
    EvaluatorAssignment,
    Round,
    RoundAgency,
    RoundStatus,
    Worksheet,
)

# --- worksheet --------------------------------------------------------------------------------


def worksheet_weight_total(worksheet: Worksheet) -> Decimal:
    return sum((c.weight for c in worksheet_criteria(worksheet)), Decimal(0))


@records_actor()
@transaction.atomic
def worksheet_create_default(*, round: Round, by: User | None = None) -> Worksheet:
    """The seven default components with their criteria; returns the existing worksheet if any."""
    existing = Worksheet.objects.filter(round=round).first()
    if existing is not None:
        return existing
    worksheet = Worksheet.objects.create(round=round, created_by=by)
    for c_order, (name, description, rows) in enumerate(DEFAULT_WORKSHEET, start=1):
        component = Component.objects.create(
            worksheet=worksheet, order=c_order, name=name, description=description
        )
        Criterion.objects.bulk_create(
            Criterion(
                component=component,
                order=order,
                code=f"{c_order}.{order}",
                question=question,
                guidance=guidance,
                evidence_asked=asked,
                answer_kind=kind,
                weight=Decimal(weight),
            )
            for order, (question, guidance, asked, kind, weight) in enumerate(rows, start=1)
        )
    # The criteria went in as bulk inserts, which the audit log does not see row by row.
    audit_change(
        worksheet, {"criteria": ("", _("bawaan: %(n)s kriteria") % {"n": _default_count()})}
    )
    return worksheet


def _default_count() -> int:
    return sum(len(rows) for _name, _description, rows in DEFAULT_WORKSHEET)


@records_actor()
@transaction.atomic
def worksheet_freeze(*, worksheet: Worksheet, by: User | None = None) -> Worksheet:
    worksheet = Worksheet.objects.select_for_update().select_related("round").get(pk=worksheet.pk)
    if worksheet.frozen_at is not None:
        return worksheet
    problems = worksheet_problems(worksheet)
    if problems:
        raise Refused(problems)
    worksheet.frozen_at = timezone.now()
    worksheet.save(update_fields=["frozen_at"])
    assessments_create(worksheet=worksheet)
    return worksheet


def worksheet_ready(round: Round, today: dt.date | None = None) -> Worksheet | None:
    """The round's worksheet, frozen now if the evidence window has opened; None if not usable yet."""
    worksheet = Worksheet.objects.filter(round=round).select_related("round").first()
    if worksheet is None:
        return None
    if worksheet.frozen_at is None:
        if worksheet_is_editable(worksheet, today) or worksheet_problems(worksheet):
            return None
        worksheet = worksheet_freeze(worksheet=worksheet)
    return worksheet


def assessments_create(*, worksheet: Worksheet) -> int:
    """Create the missing assessment rows (one per criterion) of every LKE agency of the frozen
    worksheet's round; returns how many. Cheap when nothing is missing (one counting query)."""
    criteria = list(worksheet_criteria(worksheet).values_list("pk", flat=True))
    if worksheet.frozen_at is None or not criteria:
        return 0
    short = (
        lke_agencies(worksheet.round)
        .annotate(rows=Count("assessments"))
        .filter(rows__lt=len(criteria))
    )
    created = 0
    for round_agency in short:
        created += assessments_ensure(round_agency=round_agency, criteria=criteria)
    return created


def assessments_ensure(*, round_agency: RoundAgency, criteria: list[int] | None = None) -> int:
    """Create one agency's missing assessment rows; returns how many (the demo and tests call it
    directly; the LKE opens through `lke_open_due` / `worksheet_freeze`)."""
    if criteria is None:
        worksheet = worksheet_ready(round_agency.round)
        if worksheet is None:
            return 0
        criteria = list(worksheet_criteria(worksheet).values_list("pk", flat=True))
    have = set(
        Assessment.objects.filter(round_agency=round_agency).values_list("criterion_id", flat=True)
    )
    missing = [
        Assessment(round_agency=round_agency, criterion_id=pk) for pk in criteria if pk not in have
    ]
    Assessment.objects.bulk_create(missing, ignore_conflicts=True, batch_size=1000)
    return len(missing)


def lke_open_due(*, today: dt.date | None = None, round: Round | None = None) -> int:
    """Open the LKE of every open round whose evidence window has begun (or of one round): freeze
    its worksheet and create each LKE agency's assessment rows; returns the rows created.

    Idempotent. The beat task `evaluations.lke_open_due` runs it every five minutes and opening a
    round runs it for that round, so that no page has to write when it is read
    (docs/ARCHITECTURE.md §6)."""
    rounds = Round.objects.filter(status=RoundStatus.OPEN, worksheet__isnull=False)
    if round is not None:
        rounds = rounds.filter(pk=round.pk)
    created = 0
    for each in rounds:
        before = Assessment.objects.filter(round_agency__round=each).count()
        worksheet = worksheet_ready(each, today)  # freezing creates the rows
        if worksheet is not None:
            assessments_create(worksheet=worksheet)  # and rows missing from earlier versions
            created += Assessment.objects.filter(round_agency__round=each).count() - before
    return created


# --- evaluator assignments --------------------------------------------------------------------


@records_actor()
@transaction.atomic
def evaluator_assignments_from_grants(*, round: Round, by: User | None = None) -> int:
    """Assign every evaluator to each LKE agency their EVALUATOR grant covers; returns new rows."""
    grants = list(
        RoleGrant.objects.filter(role=Role.EVALUATOR, agency__active=True).values_list(
            "user_id", "agency__path"
        )
    )
    existing = set(
        EvaluatorAssignment.objects.filter(round_agency__round=round).values_list(
            "round_agency_id", "evaluator_id"
        )
    )
    new = []
    for round_agency in lke_agencies(round):
        for user_id, path in grants:
            key = (round_agency.pk, user_id)
            if round_agency.agency.path.startswith(path) and key not in existing:
                existing.add(key)
                new.append(
                    EvaluatorAssignment(
                        round_agency=round_agency, evaluator_id=user_id, assigned_by=by
                    )
                )
    EvaluatorAssignment.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
