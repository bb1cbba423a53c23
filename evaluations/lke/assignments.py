"""Evaluator assignments one at a time (the bulk "from roles" lives in lke/services.py)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from berakhlak.audit import records_actor
from berakhlak.models import Role, RoleGrant, User
from berakhlak.refusals import Refused
from evaluations.models import EvaluatorAssignment, RoundAgency


def _evaluator_grants() -> list[tuple[int, str]]:
    return list(
        RoleGrant.objects.filter(role=Role.EVALUATOR, agency__active=True).values_list(
            "user_id", "agency__path"
        )
    )


def evaluators_for(round_agency: RoundAgency) -> QuerySet[User]:
    """Users whose EVALUATOR grant covers the agency: the only ones who may be assigned."""
    path = round_agency.agency.path
    user_ids = {uid for uid, grant_path in _evaluator_grants() if path.startswith(grant_path)}
    return (
        User.objects.filter(pk__in=user_ids, is_active=True)
        .select_related("employee")
        .order_by("employee__name", "username")
    )


def evaluator_candidates(round_agencies) -> dict[int, list[User]]:
    """evaluators_for of many agencies at once (two queries), keyed by round agency id."""
    grants = _evaluator_grants()
    users = {
        u.pk: u
        for u in User.objects.filter(
            pk__in={uid for uid, _p in grants}, is_active=True
        ).select_related("employee")
    }
    return {
        ra.pk: sorted(
            {
                users[uid]
                for uid, path in grants
                if ra.agency.path.startswith(path) and uid in users
            },
            key=lambda u: u.display_name(),
        )
        for ra in round_agencies
    }


@records_actor()
@transaction.atomic
def evaluator_assign(
    *, round_agency: RoundAgency, evaluator: User, by: User | None = None
) -> EvaluatorAssignment:
    if not evaluators_for(round_agency).filter(pk=evaluator.pk).exists():
        raise Refused(
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
