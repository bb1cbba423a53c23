"""The port through which action plans read published figures (docs/ARCHITECTURE.md §2).

Plans sit in `evaluations`, below `reports`, so they never import it: `reports` registers its
reader here when it starts (reports/apps.py), as it reads the institutional scores from
evaluations.scoring the other way round. Without `reports` installed a plan sees no figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from evaluations.models import Round


@dataclass(frozen=True)
class PublishedFigure:
    """One figure of an agency's subtree as the final run stored it, with a value (not
    suppressed). Callers decide whether the round is published yet (plans.services)."""

    code: str
    value: Decimal
    band: str


# (round, agency id) -> {code: figure}: the figures of the round's latest final run for the agency
# with the units below it, whole (no breakdown), with a value and not suppressed.
Reader = Callable[[Round, int], dict[str, PublishedFigure]]

_reader: Reader | None = None


def published_figures_reader_set(reader: Reader | None) -> None:
    global _reader  # one registration, at start-up
    _reader = reader


def published_figures(round: Round, agency_id: int) -> dict[str, PublishedFigure]:
    return _reader(round, agency_id) if _reader is not None else {}
