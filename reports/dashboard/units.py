"""The level below the focus on the dashboard (reports.dashboard): one page of its unit rows,
their changes and rank bands, and each row's HTML line of the ranking and heat map (built in
Python: a template lookup per attribute cost more than the row; docs/ARCHITECTURE.md §8)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports import selectors
from reports.charts import heatmap_cells
from reports.dashboard.figures import (
    against_name,
    change_html,
    change_of,
    interval_text,
    interval_words,
    is_shown,
    number_text,
    previous_figures,
)
from reports.dashboard.scope import UNIT_CODES, DashboardScope, Page
from reports.models import VALUE_CODES
from reports.selectors import pages as selectors_pages

LEVEL_PAGE = 50  # rows of one level per page; a province has ~40 OPDs, so it fits on one
SEARCH_FROM = LEVEL_PAGE  # a level wider than this gets a search box


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


def unit_row(item: selectors_pages.LevelRow, scope: DashboardScope | None) -> UnitRow:
    composite, minimum = item.row.get("COMPOSITE"), item.minimum
    return UnitRow(
        position=item.position,
        row=item.row,
        index=composite if is_shown(composite) else item.row.get("INDIVIDUAL"),
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


def attach_changes(page: Page, units: list[UnitRow]) -> list[UnitRow]:
    """Each unit's changes against the previous published round: one query for the units."""
    before = previous_figures(page, [unit.row.agency.code for unit in units])
    against = against_name(page)
    for unit in units:
        old = before.get(unit.row.agency.code, {})
        unit.changes = [
            change_of(f, old.get(c), against)
            for c, f in zip(VALUE_CODES, unit.row.values(), strict=True)
        ]
        if is_shown(unit.index):
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
            if is_shown(u.index)
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
    if is_shown(index):
        index_change = change_html(unit.index_change, separator)
        shown = f'{number_text(index.value, separator)} <span class="badge band-{escape(index.band)}">{escape(index.band)}</span>{index_change}'
    else:
        shown = f'<span class="small text-secondary">{escape(words.hidden)}</span>'
    rate = unit.rate
    rate_text = (
        f"{number_text(rate.value, separator)}%"
        if rate is not None and rate.value is not None
        else "–"
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
