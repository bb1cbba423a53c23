"""Evaluator assignments one at a time (the bulk "from roles" lives in lke/services.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from berakhlak.models import Role, RoleGrant, User
from evaluations.models import EvaluatorAssignment, RoundAgency


def evaluators_for(round_agency: RoundAgency) -> QuerySet[User]:
    """Users whose EVALUATOR grant covers the agency: the only ones who may be assigned."""
    path = round_agency.agency.path
    grants = RoleGrant.objects.filter(role=Role.EVALUATOR, agency__active=True).values_list(
        "user_id", "agency__path"
    )
    user_ids = {user_id for user_id, grant_path in grants if path.startswith(grant_path)}
    return (
        User.objects.filter(pk__in=user_ids, is_active=True)
        .select_related("employee")
        .order_by("employee__name", "username")
    )


@transaction.atomic
def evaluator_assign(
    *, round_agency: RoundAgency, evaluator: User, by: User | None = None
) -> EvaluatorAssignment:
    if not evaluators_for(round_agency).filter(pk=evaluator.pk).exists():
        raise ValidationError(
            _("%(who)s tidak memegang peran Evaluator yang mencakup %(unit)s.")
            % {"who": evaluator.display_name(), "unit": round_agency.name}
        )
    assignment, _created = EvaluatorAssignment.objects.get_or_create(
        round_agency=round_agency, evaluator=evaluator, defaults={"assigned_by": by}
    )
    return assignment


@transaction.atomic
def evaluator_unassign(*, round_agency: RoundAgency, evaluator: User) -> bool:
    """Ends the assignment; scores already given stay in the assessment and its audit trail."""
    deleted, _rows = EvaluatorAssignment.objects.filter(
        round_agency=round_agency, evaluator=evaluator
    ).delete()
    return bool(deleted)
