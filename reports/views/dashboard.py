"""Pages of the indices. The method page is public by design (docs/ARCHITECTURE.md §10)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from berakhlak.models import AsnType, Role
from berakhlak.permissions import roles_of
from evaluations.models import Round, RoundStatus
from reports import selectors, suppression
from reports.dashboard.parts import fragments, page_parts, trail
from reports.dashboard.scope import dashboard_scope, page_for
from reports.filters import DashboardFilter
from reports.formulas import individual_index, round_half_up
from reports.models import METHOD_VERSION, VALUE_CODES

NATIONAL_2022 = dict(
    zip(VALUE_CODES, ("57.9", "74.1", "56.7", "63.8", "65.8", "38.9", "69.4"), strict=True)
)


def method(request):
    """How every figure is computed, in plain Indonesian; numbers from the latest published round
    (or the defaults when none is published yet)."""
    published = (
        Round.objects.filter(status__in=(RoundStatus.PUBLISHED, RoundStatus.ARCHIVED))
        .order_by("-year", "-pk")
        .first()
    )
    settings_round = published or Round()
    example = {code: Decimal(v) for code, v in NATIONAL_2022.items()}
    context = {
        "round": settings_round,
        "published": published,
        "method_version": METHOD_VERSION,
        "minimum": suppression.group_minimum(settings_round.min_group),
        "comment_minimum": suppression.comment_minimum(
            settings_round.min_comment_group, settings_round.min_group
        ),
        "absolute_minimum": suppression.ABSOLUTE_MINIMUM,
        "example": [
            (code, value, settings_round.band_for(value)) for code, value in example.items()
        ],
        "example_index": round_half_up(individual_index(example)),
    }
    return render(request, "reports/method.html", context)


@login_required
def dashboard(request, pk: int | None = None):
    """Leaders' overview of one scope; ?unit=CODE drills down, ?jenis_asn=PNS and ?jenis_unit=DINAS
    filter, ?cari= searches the level below, ?mulai= pages it. An htmx request for the level
    (target "units") or for its next rows (target "units-more") gets only that fragment."""
    chosen = request.GET.get("putaran", "")
    if pk is None and chosen.isdigit():  # the round picker's form (no select acts on change)
        return redirect("reports:dashboard_round", pk=int(chosen))
    rounds = selectors.dashboard_rounds_for_user(request.user)
    if not rounds:
        if pk is not None or not roles_of(request.user) & {Role.ADMIN, Role.LEADER}:
            raise Http404
        return render(request, "reports/dashboard.html", {"rounds": [], "round": None})
    round = rounds[0] if pk is None else next((r for r in rounds if r.pk == pk), None)
    if round is None:
        raise Http404
    focus, sees_province = selectors.dashboard_focus_for_user(
        request.user, round, request.GET.get("unit", "")
    )
    filters = DashboardFilter(request.GET).chosen()
    scope = dashboard_scope(request.user, round)
    run = selectors.run_for_reading(round)
    context = {
        "rounds": rounds,
        "round": round,
        "run": run,
        "focus": focus,
        "sees_province": sees_province,
        "asn_type": filters["asn_type"],
        "asn_types": AsnType.choices,
        "agency_kind": filters["agency_kind"],
        "value_codes": VALUE_CODES,
    }
    if run is None:
        context["trail"] = trail(round, focus, scope)
        return render(request, "reports/dashboard.html", context)
    page = page_for(round, run, focus, offset=_offset(request.GET.get("mulai", "")), **filters)
    context["search"], context["offset"] = page.search, page.offset
    target = request.htmx.target if request.htmx else None
    if target in ("units", "units-more"):
        part = "units" if target == "units" else "rows"
        return _varies(HttpResponse(fragments(page, scope, context, (part,))[part]["html"]))
    context.update(page_parts(page, scope, context))
    return _varies(render(request, "reports/dashboard.html", context))


def _varies(response):
    # One address, a page or a fragment by the htmx headers: no cache may mix them up.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _offset(text: str) -> int:
    return min(int(text), 1_000_000) if text.isdigit() else 0
