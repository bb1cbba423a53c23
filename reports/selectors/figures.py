"""Reads of computed figures: the latest snapshot of a round, tables of figures, trends."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from berakhlak.models import Role
from berakhlak.permissions import in_scope, role_paths
from evaluations.models import Round, RoundAgency, RoundStatus
from evaluations.plans.figures import PublishedFigure
from evaluations.selectors import rounds_for_admin
from reports.models import VALUE_CODES, Dimension, IndexFigure, IndexRun, Scope
from reports.permissions import LIVE, PUBLISHED


def round_lookup(reference: str) -> Round | None:
    """A round by id, or by its exact name when that name is unique."""
    reference = str(reference).strip()
    rounds = (
        Round.objects.filter(pk=int(reference)) if reference.isdigit() else Round.objects.none()
    )
    if not rounds:
        rounds = Round.objects.filter(name=reference)
    return rounds.get() if rounds.count() == 1 else None


def run_for_reading(round: Round) -> IndexRun | None:
    """The snapshot to show: the newest final run, else the newest provisional one."""
    # One query for both: final runs sort first (False < True), then newest as latest() orders.
    latest = [f"-{name}" for name in IndexRun._meta.get_latest_by]
    return IndexRun.objects.for_round(round).done().order_by("provisional", *latest).first()


@dataclass
class FigureRow:
    """The figures of one group (an agency, or the province when `agency` is None)."""

    agency: RoundAgency | None
    figures: dict[str, IndexFigure] = field(default_factory=dict)

    def get(self, code: str) -> IndexFigure | None:
        return self.figures.get(code)

    @property
    def code(self) -> str:
        return self.agency.code if self.agency else "PROVINSI"

    @property
    def n(self) -> int:
        figure = self.figures.get("INDIVIDUAL")
        return figure.n if figure else 0

    def values(self) -> list[IndexFigure | None]:
        return [self.figures.get(code) for code in VALUE_CODES]


def figure_rows(
    run: IndexRun,
    *,
    scope: str = Scope.SUBTREE,
    dimension: str = Dimension.NONE,
    key: str = "",
    codes: tuple[str, ...] | None = None,
    agency_ids: tuple[int, ...] | None = None,
    parent_id: int | None = None,
) -> list[FigureRow]:
    """Agency rows (tree order) of one scope and breakdown, then nothing else; one query.

    `agency_ids` / `parent_id` narrow it to those agencies / the children of one agency."""
    figures = IndexFigure.objects.filter(
        run=run, scope=scope, dimension=dimension, dimension_key=key
    ).select_related("round_agency")
    if codes:
        figures = figures.filter(code__in=codes)
    if agency_ids is not None:
        figures = figures.filter(round_agency_id__in=agency_ids)
    if parent_id is not None:
        figures = figures.filter(round_agency__parent_id=parent_id)
    rows: dict[int | None, FigureRow] = {}
    for figure in figures:
        row = rows.setdefault(figure.round_agency_id, FigureRow(agency=figure.round_agency))
        row.figures[figure.code] = figure
    return sorted(rows.values(), key=lambda r: r.agency.path if r.agency else "")


def province_row(run: IndexRun, *, dimension: str = Dimension.NONE, key: str = "") -> FigureRow:
    return province_rows(run, breakdowns=((dimension, key),))[0]


def province_rows(run: IndexRun, *, breakdowns: tuple[tuple[str, str], ...]) -> list[FigureRow]:
    """The province's row of each (dimension, key) breakdown, in that order (an empty row where
    the run has none): one query however many."""
    where = Q(pk__in=[])
    for dimension, key in breakdowns:
        where |= Q(dimension=dimension, dimension_key=key)
    figures = IndexFigure.objects.filter(where, run=run, scope=Scope.PROVINCE)
    rows = {breakdown: FigureRow(agency=None) for breakdown in breakdowns}
    for figure in figures:
        rows[(figure.dimension, figure.dimension_key)].figures[figure.code] = figure
    return [rows[breakdown] for breakdown in breakdowns]


@dataclass(frozen=True)
class TrendPoint:
    round: Round
    run: IndexRun
    figures: dict[str, IndexFigure]


def trend_by_agency_code(
    round: Round,
    *,
    codes: tuple[str, ...] = ("INDIVIDUAL", "COMPOSITE"),
    scope: str = Scope.SUBTREE,
    published_only: bool = False,
) -> dict[str, list[TrendPoint]]:
    """For each agency code, its figures in this round and every earlier round of the same root.

    Agencies are matched across rounds by `RoundAgency.code` (names change, codes stay); the
    province is under the key "PROVINSI". Each round contributes its newest final snapshot
    (or, for the given round only, its provisional one). Oldest first.
    """
    earlier = Round.objects.filter(root_id=round.root_id, year__lte=round.year).exclude(
        status=RoundStatus.DRAFT
    )
    if published_only:  # earlier rounds once published; the round on screen always
        earlier = earlier.filter(
            Q(status__in=(RoundStatus.PUBLISHED, RoundStatus.ARCHIVED)) | Q(pk=round.pk)
        )
    runs = []
    for candidate in earlier.order_by("year", "created_at", "pk"):
        if candidate.created_at > round.created_at and candidate.pk != round.pk:
            continue
        run = IndexRun.objects.latest_for(candidate, final=True)
        if run is None and candidate.pk == round.pk:
            run = IndexRun.objects.latest_for(candidate)
        if run is not None:
            runs.append((candidate, run))
    series: dict[str, list[TrendPoint]] = defaultdict(list)
    for candidate, run in runs:
        figures = IndexFigure.objects.filter(
            run=run, dimension=Dimension.NONE, code__in=codes, scope__in=(scope, Scope.PROVINCE)
        ).select_related("round_agency")
        grouped: dict[str, dict[str, IndexFigure]] = defaultdict(dict)
        for figure in figures:
            if figure.scope == Scope.PROVINCE:
                grouped["PROVINSI"][figure.code] = figure
            else:
                grouped[figure.round_agency.code][figure.code] = figure
        for code, by_code in grouped.items():
            series[code].append(TrendPoint(round=candidate, run=run, figures=by_code))
    return dict(series)


# --- Dashboards ---------------------------------------------------------------------------------


def dashboard_rounds_for_user(user) -> list[Round]:
    """Rounds whose figures the user may read: admins every round with answers, leaders the
    published rounds covering their agency (and live ones the admin opened to leaders).
    Newest first."""

    if not user.is_authenticated:
        return []
    rounds = {r.pk: r for r in rounds_for_admin(user).filter(status__in=LIVE)}
    paths = role_paths(user, (Role.LEADER,))
    if paths:
        q = Q()
        for path in paths:
            q |= Q(agency__path__startswith=path)
        readable = Q(round__status__in=PUBLISHED) | Q(
            round__status__in=LIVE, round__live_to_leaders=True
        )
        led = RoundAgency.objects.filter(q, readable).values("round_id")
        for round in Round.objects.filter(pk__in=led):
            rounds.setdefault(round.pk, round)
    return sorted(rounds.values(), key=lambda r: (r.year, r.pk), reverse=True)


def dashboard_agencies_for_user(user, round: Round):
    """(agencies the user may open in this round, whether they may see the province figure)."""

    agencies = RoundAgency.objects.filter(round=round)
    if in_scope(user, round.root, (Role.ADMIN,)) or in_scope(user, round.root, (Role.LEADER,)):
        return agencies, True
    q = Q()
    for path in role_paths(user, (Role.LEADER, Role.ADMIN)):
        q |= Q(agency__path__startswith=path)
    return (agencies.filter(q) if q else agencies.none()), False


def dashboard_focus_for_user(user, round: Round, code: str) -> tuple[RoundAgency | None, bool]:
    """(the agency the dashboard opens, whether the user sees the province): the agency of
    ``code`` (?unit=), else the province for those who see it, else the user's highest agency;
    404 for an agency outside the user's scope or a user with none in the round."""
    allowed, sees_province = dashboard_agencies_for_user(user, round)
    focus = None
    if code:
        focus = allowed.filter(code=code).select_related("agency").first()
    elif not sees_province:
        focus = allowed.order_by("depth", "path").select_related("agency").first()
    if focus is None and (code or not sees_province):
        raise Http404
    return focus, sees_province


def plan_figures(round: Round, agency_id: int) -> dict:
    """The reader behind evaluations.plans.figures (registered in reports/apps.py): the agency's
    subtree figures of the round's latest final run, whole, with a value, not suppressed."""
    run = IndexRun.objects.latest_for(round, final=True)
    if run is None:
        return {}
    rows = IndexFigure.objects.filter(
        run=run,
        scope=Scope.SUBTREE,
        round_agency__agency_id=agency_id,
        dimension=Dimension.NONE,
        suppressed=False,
        value__isnull=False,
    ).values_list("code", "value", "band")
    return {code: PublishedFigure(code, value, band) for code, value, band in rows}
