"""Who may see which figures: allowed, or denied with a reason the page can show.

Leaders see their subtree once a round is published; admins see every round that has answers.
No rule here reaches an individual answer: dashboards read computed, suppressed figures only.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from berakhlak.models import Role, User
from berakhlak.permissions import ALLOWED, Decision, in_scope
from evaluations.models import Round, RoundStatus

PUBLISHED = (RoundStatus.PUBLISHED, RoundStatus.ARCHIVED)
LIVE = (RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.COMPUTED, *PUBLISHED)


def can_view_dashboard(user: User, round: Round) -> Decision:
    if in_scope(user, round.root, (Role.ADMIN,)):
        return ALLOWED if round.status in LIVE else Decision(False, str(_("Putaran masih draf.")))
    if round.status not in PUBLISHED and not (round.live_to_leaders and round.status in LIVE):
        return Decision(False, str(_("Hasil putaran ini belum dipublikasikan.")))
    return ALLOWED
