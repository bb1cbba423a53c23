"""Who may do what with action plans: the agency's change agents and leaders edit, its leaders
approve, the round's admins see every plan (docs/ARCHITECTURE.md §9)."""

from __future__ import annotations

from berakhlak.models import Role, User
from berakhlak.permissions import in_scope
from evaluations.models import Round, RoundAgency


def can_edit(user: User, round_agency: RoundAgency) -> bool:
    return in_scope(user, round_agency.agency, (Role.CHANGE_AGENT, Role.LEADER))


def can_approve(user: User, round_agency: RoundAgency) -> bool:
    return in_scope(user, round_agency.agency, (Role.LEADER,))


def is_admin(user: User, round: Round) -> bool:
    return in_scope(user, round.root, (Role.ADMIN,))


def can_view(user: User, round_agency: RoundAgency) -> bool:
    return can_edit(user, round_agency) or is_admin(user, round_agency.round)


__all__ = ["can_approve", "can_edit", "can_view", "is_admin"]
