"""The admin's index panel on the round page: "Hitung" with live progress, publish, live figures.

Loaded into the round page with htmx; while a run is waiting or running the panel polls itself
every two seconds and stops once the run is done or failed. Every action also works without
JavaScript (plain POST, redirect back to the round page).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from berakhlak.refusals import Refused
from evaluations.models import RoundStatus
from evaluations.selectors import get_round_for_admin
from evaluations.services import round_live_to_leaders_set, round_transition
from reports import selectors
from reports.models import RunTrigger
from reports.selectors import panel
from reports.services.compute import index_compute_request
from reports.services.quality import instrument_quality_request
from reports.stats import ALPHA_LOW, ITEM_REST_LOW

PANEL = "reports/_index_panel.html"
PANEL_PAGE = "reports/index_panel_page.html"


def panel_context(round, *, error: str = "") -> dict:
    return {**panel.index_panel_state(round), "error": error}


def _respond(request, round, *, error: str = ""):
    round.refresh_from_db()
    if request.htmx:
        return render(request, PANEL, panel_context(round, error=error))
    if error:
        messages.error(request, error)
    return redirect("evaluations:round_detail", round.pk)


@login_required
def index_panel(request, pk: int):
    """The panel for htmx; a whole page (title, language) for the round page's no-JS link."""
    round = get_round_for_admin(request.user, pk)
    return render(request, PANEL if request.htmx else PANEL_PAGE, panel_context(round))


@login_required
@require_POST
def index_compute(request, pk: int):
    round = get_round_for_admin(request.user, pk)
    try:
        index_compute_request(round=round, trigger=RunTrigger.MANUAL, by=request.user)
    except Refused as refusal:
        return _respond(request, round, error=str(refusal.reason))
    return _respond(request, round)


@login_required
@require_POST
def index_publish(request, pk: int):
    round = get_round_for_admin(request.user, pk)
    try:
        round_transition(round=round, to=RoundStatus.PUBLISHED, by=request.user)
    except Refused as refusal:  # the round cannot be published yet, with every reason
        return _respond(request, round, error=" ".join(refusal.messages))
    if not request.htmx:
        messages.success(request, _("Hasil dipublikasikan; pimpinan kini melihatnya di dasbor."))
    return _respond(request, round)


@login_required
@require_POST
def index_live_toggle(request, pk: int):
    round = get_round_for_admin(request.user, pk)
    round_live_to_leaders_set(round=round, live=request.POST.get("live") == "1", by=request.user)
    return _respond(request, round)


@login_required
def instrument_quality(request, pk: int):
    """The method page for admins: how well the instrument measured in the round's shown run
    (docs/ARCHITECTURE.md §7.5). POST asks a worker to compute it (one query over the round's
    answers); the page polls while it runs."""
    round = get_round_for_admin(request.user, pk)
    run = selectors.run_for_reading(round)
    if request.method == "POST" and run is not None:
        instrument_quality_request(run=run, by=request.user)
        return redirect("reports:instrument_quality", round.pk)
    quality = panel.instrument_quality_of(run)
    return render(
        request,
        "reports/instrument_quality.html#status"
        if request.htmx
        else "reports/instrument_quality.html",
        {
            "round": round,
            "run": run,
            "quality": quality,
            "alpha_low": ALPHA_LOW,
            "item_low": ITEM_REST_LOW,
        },
    )
