"""The leaders' dashboard: one scope (province or an agency subtree), its values, its units.

Reads stored, already-suppressed figures only (reports.selectors.figures and .pages); never
a response. Every read is bounded by what the page shows, not by the number of agencies: the
headline of the focus, one page of the level below it, the trend of the focus
(docs/ARCHITECTURE.md §8). The rendered fragments are cached per run (a run never changes once
written; a recompute is a new run), page, filter, language and the reader's scope.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from berakhlak.models import AgencyKind, Role, User
from berakhlak.permissions import in_scope, role_paths
from evaluations.models import Round, RoundAgency
from reports import selectors, stats
from reports.charts import Bar, bar_chart_stacked_svg, bar_chart_svg, bar_chart_table, heatmap_cells
from reports.formulas import SELECTION_CODES
from reports.models import VALUE_CODES, Dimension, FigureCode, IndexRun, Scope
from reports.selectors import pages as selectors_pages

BAND_RANK = {"A": 4, "B": 3, "C": 2, "D": 1}
UNIT_CODES = (*VALUE_CODES, "INDIVIDUAL", "COMPOSITE")
LEVEL_PAGE = 50  # rows of one level per page; a province has ~40 OPDs, so it fits on one
SEARCH_FROM = LEVEL_PAGE  # a level wider than this gets a search box
# Bump when what a fragment holds changes outside its template (unit_line, heatmap_cells); a
# change of the template itself changes template_version().
CACHE_VERSION = 3
CACHE_SECONDS = 6 * 60 * 60
TEMPLATE = "reports/dashboard.html"


@functools.cache
def template_version() -> str:
    """A hash of the fragments' template: a deploy that changes it never serves old fragments."""
    source = Path(get_template(TEMPLATE).origin.name).read_bytes()
    return hashlib.sha256(source).hexdigest()[:12]


@dataclass(frozen=True)
class DashboardScope:
    """What one reader may see in a round, as far as a page's content depends on it."""

    sees_province: bool
    paths: tuple[str, ...]  # live agency paths of the reader's leader and admin grants
    published_only: bool  # leaders compare with published rounds only

    def allows(self, agency: RoundAgency) -> bool:
        """Whether the reader may open this unit (its row links to its own page)."""
        return self.sees_province or any(agency.agency.path.startswith(p) for p in self.paths)

    @property
    def key(self) -> str:
        basis = f"{int(self.sees_province)}|{int(self.published_only)}|{','.join(self.paths)}"
        return hashlib.sha256(basis.encode()).hexdigest()[:20]


def dashboard_scope(user: User, round: Round) -> DashboardScope:
    """The same rule as selectors.dashboard_agencies_for_user, without listing the agencies."""
    sees = in_scope(user, round.root, (Role.ADMIN,)) or in_scope(user, round.root, (Role.LEADER,))
    return DashboardScope(
        sees_province=sees,
        paths=() if sees else tuple(sorted(role_paths(user, (Role.LEADER, Role.ADMIN)))),
        published_only=not in_scope(user, round.root, (Role.ADMIN,)),
    )


@dataclass
class UnitRow:
    position: int
    row: selectors.FigureRow
    index: object  # the figure ranked on (composite when shown, else individual)
    rate: object = None  # RESPONSE_RATE of the unit's subtree
    minimum_met: bool | None = None  # MIN_RESPONDENTS: completed >= needed
    openable: bool = False  # the reader may open the unit's own page
    # Against the previous published round (attach_changes): per value, and of `index`.
    changes: list = field(default_factory=list)
    index_change: object = None
    rank_band: tuple[int, int] | None = None  # (best, worst) place given the intervals

    @property
    def rank_text(self) -> str:
        """ "2–5" where the intervals leave the place open, else ""."""
        if self.rank_band is None or self.rank_band[0] == self.rank_band[1]:
            return ""
        return f"{self.rank_band[0]}–{self.rank_band[1]}"

    @property
    def cells(self) -> list[tuple]:
        """(figure, change) per value, for templates."""
        values = self.row.values()
        return list(zip(values, self.changes or [None] * len(values), strict=True))


@dataclass(frozen=True)
class Page:
    """One dashboard request: which run, which scope and level, which filters, which rows."""

    round: Round
    run: IndexRun
    focus: RoundAgency | None  # None: the province
    parent_id: int  # the agency whose children are listed (the root for the province)
    asn_type: str = ""
    agency_kind: str = ""
    search: str = ""
    offset: int = 0
    previous: IndexRun | None = None  # the previous published round's run, to compare with

    @property
    def dimension(self) -> str:
        return Dimension.ASN_TYPE if self.asn_type else Dimension.NONE

    def cache_key(self, part: str, scope: DashboardScope) -> str:
        basis = json.dumps(
            [
                # A run's id and finish time: never the same for two runs, even after a
                # database restore reuses ids while the cache survives.
                CACHE_VERSION,
                template_version(),
                part,
                self.run.pk,
                self.run.finished_at.isoformat(),
                self.focus.pk if self.focus else "P",
                self.asn_type,
                self.agency_kind,
                self.search,
                self.offset,
                self.previous.pk if self.previous else None,
                translation.get_language(),
                scope.key,
            ]
        )
        return f"dasbor:{self.run.pk}:{hashlib.sha256(basis.encode()).hexdigest()}"


def _figure_text(figure) -> str:
    if figure is None:
        return "–"
    if figure.suppressed or figure.value is None:
        return figure.reason_text or _("disembunyikan")
    return f"{figure.value}"


def _shown(figure) -> bool:
    return figure is not None and not figure.suppressed and figure.value is not None


def interval_words() -> str:
    """How the active language writes an interval, to be filled with its low and high."""
    return _("95%%: %(low)s–%(high)s")


def interval_text(figure, separator: str | None = None, words: str | None = None) -> str:
    """A shown figure's 95% interval as the active language writes it ("95%: 50,5–79,5"), or ""
    (hidden, empty, or a run stored before the intervals): docs/ARCHITECTURE.md §7.5.
    `separator` and `words` (interval_words()) when the caller looked them up already."""
    if not _shown(figure) or getattr(figure, "low", None) is None:
        return ""
    separator = separator or get_format("DECIMAL_SEPARATOR")
    return (words or interval_words()) % {
        "low": _number(figure.low, separator),
        "high": _number(figure.high, separator),
    }


def participation_note(rate, minimum) -> str:
    """Why a scope's figures may be biased, said next to their interval: participation under the
    round's minimum of respondents, or below 60% of the roster (stats.LOW_PARTICIPATION)."""
    if minimum is not None and minimum.denominator and minimum.n < minimum.denominator:
        return _(
            "Partisipasi %(n)s dari minimum %(m)s responden: angka dan rentangnya bisa bias."
        ) % {"n": minimum.n, "m": minimum.denominator}
    if rate is not None and rate.value is not None and rate.value < stats.LOW_PARTICIPATION:
        return _("Partisipasi %(rate)s%% (di bawah %(low)s%%): angka dan rentangnya bisa bias.") % {
            "rate": _number(rate.value, get_format("DECIMAL_SEPARATOR")),
            "low": stats.LOW_PARTICIPATION,
        }
    return ""


@dataclass(frozen=True)
class Change:
    """A figure against the same figure of the previous published round (both shown), and
    whether the difference is larger than the noise of both (stats.significant; None for a run
    stored before the intervals)."""

    delta: Decimal
    previous: Decimal
    against: str = ""  # the previous round's name
    significant: bool | None = None

    @property
    def direction(self) -> str:
        return "up" if self.delta > 0 else "down" if self.delta < 0 else "same"

    @property
    def magnitude(self) -> Decimal:
        return abs(self.delta)

    @property
    def arrow(self) -> str:
        """Filled for a significant change, hollow for one within the noise."""
        if self.significant is False:
            return {"up": "△", "down": "▽", "same": "="}[self.direction]
        return {"up": "▲", "down": "▼", "same": "="}[self.direction]

    @property
    def css(self) -> str:
        """The classes of a change's mark: its direction, and "delta-ns" within the noise."""
        return f"delta-{self.direction}" + (" delta-ns" if self.significant is False else "")

    def verdict(self) -> str:
        if self.significant is None or self.direction == "same":
            return ""
        if self.significant:
            return _("bermakna secara statistik")
        return _("belum bermakna secara statistik")

    def text(self, separator: str | None = None) -> str:
        """The signed difference ("+10,0"), in the active language unless `separator` is given."""
        separator = separator or get_format("DECIMAL_SEPARATOR")
        sign = "+" if self.delta > 0 else "−" if self.delta < 0 else "±"
        return f"{sign}{_number(abs(self.delta), separator)}"

    def words(self, separator: str | None = None) -> str:
        """What a screen reader says and the tooltip shows (templates too: `change.words`)."""
        separator = separator or get_format("DECIMAL_SEPARATOR")
        number = _number(abs(self.delta), separator)
        before, against = _number(self.previous, separator), self.against
        verdict = self.verdict()
        verdict = f"; {verdict}" if verdict else ""
        if self.direction == "up":
            words = _("naik %(d)s dari %(p)s (%(r)s)") % {"d": number, "p": before, "r": against}
        elif self.direction == "down":
            words = _("turun %(d)s dari %(p)s (%(r)s)") % {"d": number, "p": before, "r": against}
        else:
            words = _("sama dengan %(r)s (%(p)s)") % {"p": before, "r": against}
        return words + verdict


@dataclass(frozen=True)
class Benchmark:
    """The focus's figure against the same figure of a larger group (the province, the agencies
    of its kind), with the test of a change (stats.significant; docs/ARCHITECTURE.md §7.5)."""

    label: str  # the group's name
    code: str  # INDIVIDUAL or COMPOSITE
    figure: object  # the group's figure
    delta: Decimal  # focus minus group
    significant: bool | None

    def words(self) -> str:
        separator = get_format("DECIMAL_SEPARATOR")
        number = _number(abs(self.delta), separator)
        if self.delta > 0:
            words = _("%(d)s di atas") % {"d": number}
        elif self.delta < 0:
            words = _("%(d)s di bawah") % {"d": number}
        else:
            words = _("sama dengan")
        if self.significant is True and self.delta:
            words += " · " + _("bermakna secara statistik")
        elif self.significant is False and self.delta:
            words += " · " + _("belum bermakna secara statistik")
        return words


def benchmarks(page: Page, headline: selectors.FigureRow) -> list[Benchmark]:
    """An agency against the province and against the agencies of its kind (one read); none for
    the province itself or a kind's own page. Both figures shown, or no benchmark."""
    focus = page.focus
    if focus is None or page.agency_kind:
        return []
    labels, breakdowns = [_("Provinsi")], [(page.dimension, page.asn_type)]
    if not page.asn_type:
        labels.append(_("Semua %(kind)s") % {"kind": AgencyKind(focus.kind).label})
        breakdowns.append((Dimension.AGENCY_KIND, focus.kind))
    rows = selectors.province_rows(page.run, breakdowns=tuple(breakdowns))
    groups = list(zip(labels, rows, strict=True))
    found = []
    for label, row in groups:
        for code in ("COMPOSITE", "INDIVIDUAL"):
            mine, theirs = headline.get(code), row.get(code)
            if _shown(mine) and _shown(theirs):
                delta = mine.value - theirs.value
                significant = stats.significant(
                    delta, getattr(mine, "se", None), getattr(theirs, "se", None)
                )
                found.append(Benchmark(label, code, theirs, delta, significant))
                break  # the composite where both have one, else the individual index
    return found


def change_of(current, previous, against: str = "") -> Change | None:
    """The change of a shown figure against a shown figure; None where either is hidden."""
    if not (_shown(current) and _shown(previous)):
        return None
    delta = current.value - previous.value
    significant = stats.significant(
        delta, getattr(current, "se", None), getattr(previous, "se", None)
    )
    return Change(delta=delta, previous=previous.value, against=against, significant=significant)


def _against(page: Page) -> str:
    return page.previous.round.name if page.previous else ""


def change_html(change: Change | None, separator: str) -> str:
    if change is None:
        return ""
    words = escape(change.words(separator))
    return (
        f'<span class="delta {change.css}" title="{words}">'
        f'<span aria-hidden="true">{change.arrow} {escape(change.text(separator))}</span>'
        f'<span class="visually-hidden">{words}</span></span>'
    )


def previous_figures(page: Page, agency_codes: list[str | None]) -> dict:
    """{agency code: {code: Figure}} of the page's units in the previous published round."""
    if page.previous is None or not agency_codes:
        return {}
    return selectors_pages.figures_by_agency_code(
        page.previous,
        agency_codes=agency_codes,
        codes=UNIT_CODES,
        dimension=page.dimension,
        key=page.asn_type,
    )


def headline_row(page: Page) -> selectors.FigureRow:
    run, focus = page.run, page.focus
    if focus is None and page.agency_kind and not page.asn_type:
        # All agencies of that kind together (stored as a breakdown of the province).
        row = selectors.province_row(run, dimension=Dimension.AGENCY_KIND, key=page.agency_kind)
        row.figures.setdefault("RESPONSE_RATE", None)
        return row
    if focus is None:
        return selectors.province_row(run, dimension=page.dimension, key=page.asn_type)
    rows = selectors.figure_rows(
        run,
        scope=Scope.SUBTREE,
        dimension=page.dimension,
        key=page.asn_type,
        agency_ids=(focus.pk,),
    )
    return rows[0] if rows else selectors.FigureRow(agency=focus)


def summary_context(page: Page) -> dict:
    """Headline, the seven values as a chart, the weak values and the values selection."""
    headline = headline_row(page)
    values = [(code, FigureCode(code).label, headline.get(code)) for code in VALUE_CODES]
    individual = headline.get("INDIVIDUAL")
    focus_code = page.focus.code if page.focus else None
    before = (
        previous_figures(page, [focus_code]).get(focus_code, {}) if not page.agency_kind else {}
    )
    against = _against(page)
    changes = {
        code: change_of(headline.get(code), before.get(code), against) for code in UNIT_CODES
    }
    bars = [
        Bar(
            label=label,
            value=f.value if _shown(f) else None,
            band=f.band if _shown(f) else "",
            note=_figure_text(f),
            low=f.low if _shown(f) else None,
            high=f.high if _shown(f) else None,
        )
        for _code, label, f in values
    ]
    separator = get_format("DECIMAL_SEPARATOR")
    words = interval_words()
    intervals = {code: interval_text(headline.get(code), separator, words) for code in UNIT_CODES}
    participation = (
        participation_note(headline.get("RESPONSE_RATE"), headline.get("MIN_RESPONDENTS"))
        if not page.asn_type
        else ""
    )
    return {
        "headline": headline,
        "individual": individual,
        "composite": headline.get("COMPOSITE"),
        "response_rate": headline.get("RESPONSE_RATE"),
        "intervals": intervals,
        "participation_note": participation,
        "benchmarks": benchmarks(page, headline),
        "values": values,
        "weak": weak_values(values, individual, headline.get("COMPOSITE")),
        "changes": changes,
        "value_rows": [(code, label, f, changes[code]) for code, label, f in values],
        "previous_round": page.previous.round if page.previous else None,
        "chart": bar_chart_svg(bars, title=_("Tujuh nilai dasar")),
        "chart_narrow": bar_chart_stacked_svg(bars, title=_("Tujuh nilai dasar")),
        "chart_table": bar_chart_table(bars, title=_("Tujuh nilai dasar: angka dan kategori")),
        "selection": [
            (code, FigureCode(code).label, headline.get(code))
            for code in SELECTION_CODES
            if headline.get(code) is not None
        ],
    }


def unit_row(item: selectors_pages.LevelRow, scope: DashboardScope | None) -> UnitRow:
    composite, minimum = item.row.get("COMPOSITE"), item.minimum
    return UnitRow(
        position=item.position,
        row=item.row,
        index=composite if _shown(composite) else item.row.get("INDIVIDUAL"),
        rate=item.rate,
        minimum_met=None if minimum is None else minimum.n >= (minimum.denominator or 0),
        openable=scope is not None and scope.allows(item.row.agency),
    )


def unit_rows(level: selectors_pages.LevelPage, scope: DashboardScope | None) -> list[UnitRow]:
    return [unit_row(item, scope) for item in level.rows]


def level(
    page: Page,
    *,
    order: str = "index",
    ascending: bool = False,
    offset: int | None = None,
    limit: int = LEVEL_PAGE,
    with_ranked: bool = False,
) -> selectors_pages.LevelPage:
    return selectors_pages.level_page(
        page.run,
        parent_id=page.parent_id,
        dimension=page.dimension,
        key=page.asn_type,
        codes=UNIT_CODES,
        kind=page.agency_kind,
        search=page.search,
        order=order,
        ascending=ascending,
        offset=page.offset if offset is None else offset,
        limit=limit,
        with_ranked=with_ranked,
    )


def _number(value, separator: str) -> str:
    """A stored figure (one decimal) as the active language writes it: 62,5 or 62.5."""
    return f"{value}".replace(".", separator)


def attach_changes(page: Page, units: list[UnitRow]) -> list[UnitRow]:
    """Each unit's changes against the previous published round: one query for the units."""
    before = previous_figures(page, [unit.row.agency.code for unit in units])
    against = _against(page)
    for unit in units:
        old = before.get(unit.row.agency.code, {})
        unit.changes = [
            change_of(f, old.get(c), against)
            for c, f in zip(VALUE_CODES, unit.row.values(), strict=True)
        ]
        if _shown(unit.index):
            unit.index_change = change_of(unit.index, old.get(unit.index.code), against)
    return units


def attach_rank_bands(page: Page, units: list[UnitRow]) -> list[UnitRow]:
    """Each unit's band of places given the intervals (rank bands rather than false precision
    where intervals overlap): one query for the page's units."""
    bands = selectors_pages.rank_bands(
        page.run,
        parent_id=page.parent_id,
        dimension=page.dimension,
        key=page.asn_type,
        kind=page.agency_kind,
        search=page.search,
        units=[
            (u.row.agency.pk, getattr(u.index, "low", None), getattr(u.index, "high", None))
            for u in units
            if _shown(u.index)
        ],
    )
    for unit in units:
        unit.rank_band = bands.get(unit.row.agency.pk)
    return units


@dataclass(frozen=True)
class RowWords:
    """The words of the unit rows in the active language, looked up once per page: a lookup
    per row and cell (eight of them) cost more than building the row."""

    separator: str
    hidden: str
    interval: str
    minimum_title: str
    minimum: str
    rank: str


def row_words() -> RowWords:
    return RowWords(
        separator=get_format("DECIMAL_SEPARATOR"),
        hidden=_("disembunyikan"),
        interval=interval_words(),
        minimum_title=_("Responden minimum belum terpenuhi"),
        minimum=_("min."),
        rank=_("peringkat %(band)s bila rentang 95%% diperhitungkan"),
    )


def unit_line(unit: UnitRow, page: Page, words: RowWords) -> SafeString:
    """One row of the ranking and heat map, as the template used to write it (tests and
    screen readers rely on the data-testid and the labels)."""
    separator = words.separator
    agency = unit.row.agency
    name = escape(agency.name)
    if unit.openable:
        params = {"unit": agency.code, "jenis_asn": page.asn_type, "jenis_unit": page.agency_kind}
        query = urlencode({k: v for k, v in params.items() if v})
        name = f'<a href="?{escape(query)}">{name}</a>'
    index = unit.index
    if _shown(index):
        index_change = change_html(unit.index_change, separator)
        shown = f'{_number(index.value, separator)} <span class="badge band-{escape(index.band)}">{escape(index.band)}</span>{index_change}'
    else:
        shown = f'<span class="small text-secondary">{escape(words.hidden)}</span>'
    rate = unit.rate
    rate_text = (
        f"{_number(rate.value, separator)}%" if rate is not None and rate.value is not None else "–"
    )
    if unit.minimum_met is False:
        rate_text += f' <span class="badge text-bg-warning" title="{escape(words.minimum_title)}">{escape(words.minimum)}</span>'
    figures = unit.row.values()
    changes = [change_html(c, separator) for c in unit.changes or [None] * len(figures)]
    code = escape(agency.code)
    place = f"{unit.position}"
    if unit.rank_text:
        said = escape(words.rank % {"band": unit.rank_text})
        place += (
            f'<div class="small text-nowrap" data-testid="rank-band-{code}" title="{said}">'
            f'<span aria-hidden="true">{escape(unit.rank_text)}</span>'
            f'<span class="visually-hidden">{said}</span></div>'
        )
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<tr data-testid="unit-{code}"><td class="text-secondary">{place}</td>'
        f'<th scope="row" class="fw-normal">{name}</th>'
        f'<td class="text-end">{unit.row.n}</td>'
        f'<td class="text-end fw-semibold text-nowrap">{shown}</td>'
        f"{heatmap_cells(figures, hidden=words.hidden, separator=separator, changes=changes, intervals=[interval_text(f, separator, words.interval) for f in figures])}"
        f'<td class="text-end small text-nowrap" data-testid="rate-{code}">{rate_text}</td></tr>'
    )


def units_context(page: Page, scope: DashboardScope) -> dict:
    found = level(page)
    units = attach_rank_bands(page, attach_changes(page, unit_rows(found, scope)))
    words = row_words()
    return {
        "units": units,
        "unit_lines": [unit_line(unit, page, words) for unit in units],
        "previous_round": page.previous.round if page.previous else None,
        "level": found,
        "searchable": found.total > SEARCH_FROM or bool(page.search),
    }


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


def weak_values(values, individual, composite=None) -> list[tuple[str, str, object]]:
    """Values in a lower band than the scope's headline index, plus the two lowest: what to act
    on. The headline is the composite where it is published, else the individual index, so a
    good composite never hides a weak value (the promise of /metode/)."""
    shown = [(code, label, f) for code, label, f in values if _shown(f)]
    if not shown:
        return []
    lowest = {code for code, _l, _f in sorted(shown, key=lambda v: v[2].value)[:2]}
    headline = composite if _shown(composite) else individual
    own_band = BAND_RANK.get(headline.band, 0) if _shown(headline) else 0
    return [
        (code, label, f)
        for code, label, f in sorted(shown, key=lambda v: v[2].value)
        if code in lowest or BAND_RANK.get(f.band, 0) < own_band
    ]


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


def page_for(round: Round, run: IndexRun, focus: RoundAgency | None, **filters) -> Page:
    """The Page of one dashboard request; ``filters``: asn_type, agency_kind, search, offset."""
    root = RoundAgency.objects.select_related("agency").get(round=round, depth=0)
    round.root = root.agency  # the same agency: the heading and breadcrumb need no query more
    return Page(
        round=round,
        run=run,
        focus=focus,
        parent_id=focus.pk if focus else root.pk,
        previous=selectors_pages.previous_run(round),
        **filters,
    )


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
