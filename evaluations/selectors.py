"""Scoped reads for evaluation rounds; a round outside the user's scope is a 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from berakhlak.models import Agency, Role, User
from berakhlak.permissions import role_paths
from evaluations.models import Round, RoundAgency


def _admin_roots(user: User) -> QuerySet[Agency]:
    """Root agencies (trees) the user administers as a whole."""
    if user.is_superuser:
        return Agency.objects.filter(parent__isnull=True)
    paths = role_paths(user, (Role.ADMIN,))
    if not paths:
        return Agency.objects.none()
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return Agency.objects.filter(q, parent__isnull=True)


def rounds_for_admin(user: User) -> QuerySet[Round]:
    if not user.is_authenticated:
        return Round.objects.none()
    return Round.objects.filter(root__in=_admin_roots(user)).select_related("root")


def get_round_for_admin(user: User, pk: int) -> Round:
    round = rounds_for_admin(user).filter(pk=pk).first()
    if round is None:
        raise Http404
    return round


def round_agency_summary(round: Round) -> dict:
    """How many agencies and employees the round's snapshot holds (empty before opening)."""
    rows = RoundAgency.objects.filter(round=round)
    return {
        "agencies": rows.count(),
        "roster": sum(rows.values_list("roster_count", flat=True)),
    }


def admin_root_agencies(user: User) -> QuerySet[Agency]:
    return _admin_roots(user).order_by("name")
