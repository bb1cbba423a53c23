"""What the admin's index panel and the instrument quality page show of a round (docs/ARCHITECTURE.md
§8): the latest run, the run the pages read, and what the admin may do next."""

from __future__ import annotations

from evaluations.models import Round, RoundStatus
from reports.models import ACTIVE_STATUSES, IndexRun, InstrumentQuality
from reports.selectors.figures import run_for_reading
from reports.services.compute import compute_problems


def index_panel_state(round: Round) -> dict:
    """The panel's context: the latest run (waiting or running: the panel polls), the shown run,
    whether "Hitung" and "Publikasikan" are open and, if not, why."""
    latest = IndexRun.objects.for_round(round).order_by("-created_at", "-pk").first()
    shown = run_for_reading(round)
    active = latest is not None and latest.status in ACTIVE_STATUSES
    refusals = compute_problems(round)
    return {
        "round": round,
        "latest": latest,
        "active": active,
        "shown": shown,
        "can_compute": not refusals,
        "compute_refusal": refusals[0] if refusals else "",
        "can_publish": round.status == RoundStatus.COMPUTED
        and not active
        and shown is not None
        and not shown.provisional,
        "published": round.status in (RoundStatus.PUBLISHED, RoundStatus.ARCHIVED),
    }


def instrument_quality_of(run: IndexRun | None) -> InstrumentQuality | None:
    """The stored instrument quality of a run (None: not asked for yet, or no run)."""
    return InstrumentQuality.objects.filter(run=run).first() if run else None
