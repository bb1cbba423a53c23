"""Reads of computed figures (docs/ARCHITECTURE.md §2): `figures` (a round's snapshot, tables of
figures, trends, the dashboard's scope) and `pages` (one level of the tree, paged and ranked).

Other apps and the reports modules read `reports.selectors.<name>`; these are the names they use.
"""

from __future__ import annotations

from reports.selectors.figures import (
    FigureRow,
    dashboard_agencies_for_user,
    dashboard_focus_for_user,
    dashboard_rounds_for_user,
    figure_rows,
    plan_figures,
    province_row,
    province_rows,
    round_lookup,
    run_for_reading,
    trend_by_agency_code,
)

__all__ = [
    "FigureRow",
    "dashboard_agencies_for_user",
    "dashboard_focus_for_user",
    "dashboard_rounds_for_user",
    "figure_rows",
    "plan_figures",
    "province_row",
    "province_rows",
    "round_lookup",
    "run_for_reading",
    "trend_by_agency_code",
]
