"""Pages of the indices. The method page is public by design (docs/ARCHITECTURE.md §10)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe

from berakhlak.models import AgencyKind, AsnType, Role
from berakhlak.permissions import roles_of
from evaluations.models import Round, RoundAgency, RoundStatus
from reports import selectors, suppression
from reports.dashboard import SEARCH_FROM, Page, agency_kinds, dashboard_scope, fragments, trend
from reports.figures import individual_index, round_half_up
from reports.models import METHOD_VERSION, VALUE_CODES
from reports.selectors import pages as selectors_pages

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
    allowed, sees_province = selectors.dashboard_agencies_for_user(request.user, round)
    code = request.GET.get("unit", "")
    focus = None
    if code:
        focus = allowed.filter(code=code).select_related("agency").first()
        if focus is None:
            raise Http404
    elif not sees_province:
        focus = allowed.order_by("depth", "path").select_related("agency").first()
        if focus is None:
            raise Http404
    asn_type = request.GET.get("jenis_asn", "")
    if asn_type not in AsnType.values:
        asn_type = ""
    agency_kind = request.GET.get("jenis_unit", "")
    if agency_kind not in AgencyKind.values:
        agency_kind = ""
    scope = dashboard_scope(request.user, round)
    run = selectors.run_for_reading(round)
    context = {
        "rounds": rounds,
        "round": round,
        "run": run,
        "focus": focus,
        "sees_province": sees_province,
        "asn_type": asn_type,
        "asn_types": AsnType.choices,
        "agency_kind": agency_kind,
        "value_codes": VALUE_CODES,
    }
    if run is None:
        return render(
            request, "reports/dashboard.html", {**context, "trail": _trail(round, focus, scope)}
        )
    root = RoundAgency.objects.select_related("agency").get(round=round, depth=0)
    round.root = root.agency  # the same agency: the heading and breadcrumb need no query more
    parent_id = focus.pk if focus else root.pk
    page = Page(
        round=round, run=run, focus=focus, parent_id=parent_id, asn_type=asn_type,
        agency_kind=agency_kind, search=request.GET.get("cari", "").strip()[:80],
        offset=_offset(request.GET.get("mulai", "")),
        previous=selectors_pages.previous_run(round),
    )  # fmt: skip
    context["search"], context["offset"] = page.search, page.offset
    target = request.htmx.target if request.htmx else None
    if target in ("units", "units-more"):
        part = "units" if target == "units" else "rows"
        return _varies(HttpResponse(fragments(page, scope, context, (part,))[part]["html"]))
    parts = fragments(page, scope, context, ("summary", "units"))
    context.update(
        summary_html=mark_safe(parts["summary"]["html"]),  # noqa: S308 - our own template
        units_html=mark_safe(parts["units"]["html"]),  # noqa: S308 - our own template
        searchable=parts["units"]["total"] > SEARCH_FROM or bool(page.search),
        show_units=parts["units"]["total"] > 0 or bool(page.search or agency_kind),
        agency_kinds=agency_kinds(round),
        trail=_trail(round, focus, scope),
        trend=trend(page, scope),
    )
    return _varies(render(request, "reports/dashboard.html", context))


def _varies(response):
    # One address, a page or a fragment by the htmx headers: no cache may mix them up.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _offset(text: str) -> int:
    return min(int(text), 1_000_000) if text.isdigit() else 0


def _trail(round, focus, scope) -> list:
    """The focus's ancestors the reader may open, for the breadcrumb: one query by path."""
    if focus is None:
        return []
    parts = focus.path.strip("/").split("/")[:-1]
    prefixes = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    ancestors = RoundAgency.objects.filter(round=round, path__in=prefixes, depth__gt=0)
    return [a for a in ancestors.select_related("agency").order_by("depth") if scope.allows(a)]
