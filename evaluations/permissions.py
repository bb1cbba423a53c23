"""Who may do what with an evaluation round: allowed, or denied with a reason the page can show."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from berakhlak.models import Role, User
from berakhlak.permissions import ALLOWED, Decision, in_scope, is_province_admin
from evaluations.models import Round, RoundStatus
from evaluations.selectors import rounds_for_admin


def can_create_round(user: User) -> Decision:
    if is_province_admin(user):
        return ALLOWED
    return Decision(False, str(_("Putaran evaluasi hanya dibuat oleh Admin Biro Organisasi.")))


def can_list_rounds(user: User) -> Decision:
    """The round list is for admins who create rounds or administer one (others get a 404)."""
    if can_create_round(user) or rounds_for_admin(user).exists():
        return ALLOWED
    return Decision(False, str(_("Hanya Admin Biro Organisasi yang dapat mengelola putaran ini.")))


def can_manage_round(user: User, round: Round) -> Decision:
    """Admins whose grant covers the round's whole tree configure and move it."""
    if in_scope(user, round.root, (Role.ADMIN,)):
        return ALLOWED
    return Decision(False, str(_("Hanya Admin Biro Organisasi yang dapat mengelola putaran ini.")))


def can_edit_round(user: User, round: Round) -> Decision:
    decision = can_manage_round(user, round)
    if not decision:
        return decision
    if round.status != RoundStatus.DRAFT:
        return Decision(
            False,
            str(
                _(
                    "Pengaturan tidak dapat diubah lagi karena putaran sudah dibuka; "
                    "angka yang sudah dikumpulkan harus tetap dapat ditelusuri."
                )
            ),
        )
    return ALLOWED
