"""Pages of the indices. The method page is public by design (docs/ARCHITECTURE.md §10)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from berakhlak.models import AgencyKind, AsnType, Role
from berakhlak.permissions import in_scope, roles_of
from evaluations.models import Round, RoundAgency, RoundStatus
from reports import selectors, suppression
from reports.dashboard import dashboard_context
from reports.figures import individual_index, round_half_up
from reports.models import METHOD_VERSION, VALUE_CODES, Dimension

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
    """Leaders' overview of one scope; ?unit=CODE drills down, ?jenis_asn=PNS filters."""
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
        focus = allowed.filter(code=code).first()
        if focus is None:
            raise Http404
    elif not sees_province:
        tops = list(allowed.order_by("depth", "path"))
        if not tops:
            raise Http404
        focus = tops[0]
    asn_type = request.GET.get("jenis_asn", "")
    if asn_type not in AsnType.values:
        asn_type = ""
    dimension = Dimension.ASN_TYPE if asn_type else Dimension.NONE
    agency_kind = request.GET.get("jenis_unit", "")
    if agency_kind not in AgencyKind.values:
        agency_kind = ""
    root_agency = RoundAgency.objects.get(round=round, depth=0)
    kinds_present = set(
        RoundAgency.objects.filter(round=round, depth__gt=0).values_list("kind", flat=True)
    )
    visible_codes = set(allowed.values_list("code", flat=True))
    context = {
        "rounds": rounds,
        "round": round,
        "focus": focus,
        "sees_province": sees_province,
        "asn_type": asn_type,
        "asn_types": AsnType.choices,
        "agency_kind": agency_kind,
        "agency_kinds": [(v, label) for v, label in AgencyKind.choices if v in kinds_present],
        "visible_codes": visible_codes,
        "trail": _trail(focus, visible_codes),
        **dashboard_context(
            round=round, run=selectors.run_for_reading(round), focus=focus,
            root_agency=root_agency, dimension=dimension, key=asn_type,
            published_only=not in_scope(request.user, round.root, (Role.ADMIN,)),
            agency_kind=agency_kind,
        ),
    }  # fmt: skip
    return render(request, "reports/dashboard.html", context)


def _trail(focus, visible_codes) -> list:
    """The focus's ancestors the user may open, for the breadcrumb."""
    trail = []
    node = focus.parent if focus else None
    while node is not None and node.depth > 0:
        if node.code in visible_codes:
            trail.append(node)
        node = node.parent
    return list(reversed(trail))
