"""The summary fragment of the dashboard (reports.dashboard): the focus's headline, its seven
values as a chart, its benchmarks against larger groups, the weak values and the values
selection (docs/ARCHITECTURE.md §8)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import get_format
from django.utils.translation import gettext as _

from berakhlak.models import AgencyKind
from reports import selectors, stats
from reports.charts import Bar, bar_chart_stacked_svg, bar_chart_svg, bar_chart_table
from reports.dashboard.figures import (
    against_name,
    change_of,
    interval_text,
    interval_words,
    is_shown,
    number_text,
    participation_note,
    previous_figures,
)
from reports.dashboard.scope import UNIT_CODES, Page
from reports.formulas import SELECTION_CODES
from reports.models import VALUE_CODES, Dimension, FigureCode, Scope

BAND_RANK = {"A": 4, "B": 3, "C": 2, "D": 1}


def _figure_text(figure) -> str:
    if figure is None:
        return "–"
    if figure.suppressed or figure.value is None:
        return figure.reason_text or _("disembunyikan")
    return f"{figure.value}"


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
        number = number_text(abs(self.delta), separator)
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
            if is_shown(mine) and is_shown(theirs):
                delta = mine.value - theirs.value
                significant = stats.significant(
                    delta, getattr(mine, "se", None), getattr(theirs, "se", None)
                )
                found.append(Benchmark(label, code, theirs, delta, significant))
                break  # the composite where both have one, else the individual index
    return found


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
    against = against_name(page)
    changes = {
        code: change_of(headline.get(code), before.get(code), against) for code in UNIT_CODES
    }
    bars = [
        Bar(
            label=label,
            value=f.value if is_shown(f) else None,
            band=f.band if is_shown(f) else "",
            note=_figure_text(f),
            low=f.low if is_shown(f) else None,
            high=f.high if is_shown(f) else None,
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


def weak_values(values, individual, composite=None) -> list[tuple[str, str, object]]:
    """Values in a lower band than the scope's headline index, plus the two lowest: what to act
    on. The headline is the composite where it is published, else the individual index, so a
    good composite never hides a weak value (the promise of /metode/)."""
    shown = [(code, label, f) for code, label, f in values if is_shown(f)]
    if not shown:
        return []
    lowest = {code for code, _l, _f in sorted(shown, key=lambda v: v[2].value)[:2]}
    headline = composite if is_shown(composite) else individual
    own_band = BAND_RANK.get(headline.band, 0) if is_shown(headline) else 0
    return [
        (code, label, f)
        for code, label, f in sorted(shown, key=lambda v: v[2].value)
        if code in lowest or BAND_RANK.get(f.band, 0) < own_band
    ]
