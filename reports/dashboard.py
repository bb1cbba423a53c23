"""The leaders' dashboard: one scope (province or an agency subtree), its values, its units.

Reads stored, already-suppressed figures only (reports.selectors); never a response.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from evaluations.models import Round, RoundAgency
from reports import selectors
from reports.charts import Bar, bar_chart_svg
from reports.figures import SELECTION_CODES
from reports.models import VALUE_CODES, Dimension, FigureCode, IndexRun, Scope

BAND_RANK = {"A": 4, "B": 3, "C": 2, "D": 1}
UNIT_CODES = (*VALUE_CODES, "INDIVIDUAL", "COMPOSITE")


@dataclass
class UnitRow:
    row: selectors.FigureRow
    index: object  # the IndexFigure ranked on (composite when scored, else individual)
    rate: object = None  # RESPONSE_RATE of the unit's subtree
    minimum_met: bool | None = None  # MIN_RESPONDENTS: completed >= needed

    @property
    def sort_key(self):
        value = getattr(self.index, "value", None)
        return (value is None, -(value or Decimal(0)), self.row.agency.path)


def _figure_text(figure) -> str:
    if figure is None:
        return "–"
    if figure.suppressed or figure.value is None:
        return figure.reason or _("disembunyikan")
    return f"{figure.value}"


def dashboard_context(*, round: Round, run: IndexRun | None, focus: RoundAgency | None,
                      root_agency: RoundAgency, dimension: str, key: str,
                      published_only: bool = True, agency_kind: str = "") -> dict:  # fmt: skip
    """Headline, value chart, weak values and the units directly below the focus.

    `agency_kind` keeps only units of that kind; at province level without an ASN-type filter the
    headline becomes the figures of all agencies of that kind (stored as a breakdown)."""
    if run is None:
        return {"run": None}
    if focus is None and agency_kind and not key:
        headline = selectors.province_row(run, dimension=Dimension.AGENCY_KIND, key=agency_kind)
        headline.figures.setdefault("RESPONSE_RATE", None)
    elif focus is None:
        headline = selectors.province_row(run, dimension=dimension, key=key)
    else:
        rows = selectors.figure_rows(
            run, scope=Scope.SUBTREE, dimension=dimension, key=key, agency_ids=(focus.pk,)
        )
        headline = rows[0] if rows else selectors.FigureRow(agency=focus)
    parent = focus or root_agency
    units = [
        UnitRow(row=row, index=row.get("COMPOSITE") if _shown(row.get("COMPOSITE")) else row.get("INDIVIDUAL"))
        for row in selectors.figure_rows(run, scope=Scope.SUBTREE, dimension=dimension, key=key,
                                         codes=UNIT_CODES, parent_id=parent.pk)
        if row.agency and (not agency_kind or row.agency.kind == agency_kind)
    ]  # fmt: skip
    participation = {
        row.agency.pk: row
        for row in selectors.figure_rows(
            run, scope=Scope.SUBTREE, codes=("RESPONSE_RATE", "MIN_RESPONDENTS"),
            parent_id=parent.pk,
        )
        if row.agency
    }  # fmt: skip
    for unit in units:
        row = participation.get(unit.row.agency.pk)
        if row is not None:
            unit.rate, minimum = row.get("RESPONSE_RATE"), row.get("MIN_RESPONDENTS")
            unit.minimum_met = minimum is not None and minimum.n >= (minimum.denominator or 0)
    units.sort(key=lambda u: u.sort_key)
    values = [(code, FigureCode(code).label, headline.get(code)) for code in VALUE_CODES]
    individual = headline.get("INDIVIDUAL")
    bars = [
        Bar(label=label, value=f.value if _shown(f) else None, band=f.band if _shown(f) else "",
            note=_figure_text(f))
        for _code, label, f in values
    ]  # fmt: skip
    return {
        "run": run,
        "headline": headline,
        "individual": individual,
        "composite": headline.get("COMPOSITE"),
        "response_rate": headline.get("RESPONSE_RATE"),
        "values": values,
        "weak": weak_values(values, individual),
        "chart": bar_chart_svg(bars, title=_("Tujuh nilai dasar")),
        "units": units,
        "selection": [
            (code, FigureCode(code).label, headline.get(code))
            for code in SELECTION_CODES
            if headline.get(code) is not None
        ],
        "value_codes": VALUE_CODES,
        "trend": selectors.trend_by_agency_code(round, published_only=published_only).get(
            focus.code if focus else "PROVINSI", []
        ),
    }


def _shown(figure) -> bool:
    return figure is not None and not figure.suppressed and figure.value is not None


def weak_values(values, individual) -> list[tuple[str, str, object]]:
    """Values in a lower band than the individual index, plus the two lowest: what to act on."""
    shown = [(code, label, f) for code, label, f in values if _shown(f)]
    if not shown:
        return []
    lowest = {code for code, _l, _f in sorted(shown, key=lambda v: v[2].value)[:2]}
    own_band = BAND_RANK.get(individual.band, 0) if _shown(individual) else 0
    return [
        (code, label, f)
        for code, label, f in sorted(shown, key=lambda v: v[2].value)
        if code in lowest or BAND_RANK.get(f.band, 0) < own_band
    ]
