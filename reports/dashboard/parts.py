"""The dashboard's page (reports.dashboard): its fragments from the cache or rendered now, what
the whole page adds around them (the kinds, the breadcrumb, the trend of the focus)."""

from __future__ import annotations

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from berakhlak.models import AgencyKind
from evaluations.models import Round, RoundAgency
from reports.dashboard.scope import CACHE_SECONDS, TEMPLATE, DashboardScope, Page
from reports.dashboard.summary import summary_context
from reports.dashboard.units import SEARCH_FROM, units_context
from reports.selectors import pages as selectors_pages


def trend(page: Page, scope: DashboardScope) -> list:
    """The focus's own series only (not every agency's)."""
    return selectors_pages.scope_trend(
        page.round,
        agency_code=page.focus.code if page.focus else None,
        published_only=scope.published_only,
    )


def fragments(page: Page, scope: DashboardScope, context: dict, parts: tuple[str, ...]) -> dict:
    """Rendered HTML of the page's fragments, from the cache or rendered (and cached) now.

    `context` holds what the templates need besides the figures (round, filters, links)."""
    keys = {part: page.cache_key(part, scope) for part in parts}
    found = cache.get_many(list(keys.values()))
    result, missing = {}, {}
    for part, key in keys.items():
        if key in found:
            result[part] = found[key]
            continue
        data = summary_context(page) if part == "summary" else units_context(page, scope)
        html = render_to_string(f"{TEMPLATE}#{part}", {**context, **data})
        meta = {"total": data["level"].total} if part != "summary" else {}
        result[part] = missing[key] = {"html": html, **meta}
    if missing:
        cache.set_many(missing, CACHE_SECONDS)
    return result


def agency_kinds(round: Round) -> list[tuple[str, str]]:
    """The agency kinds present below the root of the round's snapshot (fixed once it opened)."""
    key = f"dasbor-jenis:{round.pk}:{round.created_at.timestamp()}"
    present = cache.get(key)
    if present is None:
        present = set(
            RoundAgency.objects.filter(round=round, depth__gt=0)
            .order_by()
            .values_list("kind", flat=True)
            .distinct()
        )
        cache.set(key, present, CACHE_SECONDS)
    return [(value, label) for value, label in AgencyKind.choices if value in present]


def page_parts(page: Page, scope: DashboardScope, context: dict) -> dict:
    """What the whole dashboard page adds to ``context``: the summary and the level (from the
    cache), whether the search box and the level show, the kinds, the breadcrumb, the trend."""
    parts = fragments(page, scope, context, ("summary", "units"))
    return {
        "summary_html": mark_safe(parts["summary"]["html"]),  # noqa: S308 - our own template
        "units_html": mark_safe(parts["units"]["html"]),  # noqa: S308 - our own template
        "searchable": parts["units"]["total"] > SEARCH_FROM or bool(page.search),
        "show_units": parts["units"]["total"] > 0 or bool(page.search or page.agency_kind),
        "agency_kinds": agency_kinds(page.round),
        "trail": trail(page.round, page.focus, scope),
        "trend": trend(page, scope),
    }


def trail(round: Round, focus: RoundAgency | None, scope: DashboardScope) -> list:
    """The focus's ancestors the reader may open, for the breadcrumb: one query by path."""
    if focus is None:
        return []
    parts = focus.path.strip("/").split("/")[:-1]
    prefixes = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    ancestors = RoundAgency.objects.filter(round=round, path__in=prefixes, depth__gt=0)
    return [a for a in ancestors.select_related("agency").order_by("depth") if scope.allows(a)]
