"""Helpers shared by the LKE views."""

from __future__ import annotations

from django.http import Http404

from evaluations.lke import permissions
from evaluations.models import Round
from evaluations.selectors import get_round_for_admin


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def round_for_worksheet_admin(user, pk: int) -> Round:
    """The round whose LKE worksheet the user manages; 404 for anyone else."""
    round = get_round_for_admin(user, pk)
    if not permissions.can_manage_worksheet(user, round):
        raise Http404
    return round
