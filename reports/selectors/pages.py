"""Figure reads the pages need beyond reports.selectors.figures: one level of the tree, paged,
ranked and searchable, with its participation; the trend of one scope (docs/ARCHITECTURE.md §8).

What it reads, all from stored IndexFigure rows (the view over the run's groups,
reports.figure_store) of scope SUBTREE or PROVINCE (never a response, never the own-staff scope):
- `level_page`: the children of one agency in one run and breakdown, only the rows of the page.
  Four queries whatever the width of the level: the level's count, the ids of the page in
  ranking order (one GROUP BY over the level's two ranking figures, COMPOSITE and INDIVIDUAL, by
  the groups' index), the page's agencies and the page's figures.
- `scope_trend`: one scope (an agency by code, or the province) across the rounds of the same
  root: two queries however many agencies and rounds (the finished runs with their rounds, the
  scope's figures in the runs chosen).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connections
from django.db.models import Case, F, Q, When
from django.db.models.functions import Coalesce

from evaluations.models import Round, RoundAgency, RoundStatus
from reports.figure_store import group_figures
from reports.models import (
    INDEX_CODES,
    RATE_CODE,
    Dimension,
    FigureGroup,
    IndexFigure,
    IndexRun,
    RunStatus,
    Scope,
    figure_column,
)
from reports.notes import note_text
from reports.selectors.figures import FigureRow, TrendPoint

PARTICIPATION_CODES = ("RESPONSE_RATE", "MIN_RESPONDENTS")
ORDERS = ("index", "rate", "name")


@dataclass(slots=True)
class Figure:
    """A stored figure as the pages read it (the attributes of IndexFigure they use)."""

    code: str
    value: Decimal | None
    n: int
    denominator: int | None
    suppressed: bool
    reason: str
    band: str
    dimension: str
    low: Decimal | None = None  # the 95% interval and standard error (reports.stats)
    high: Decimal | None = None
    se: Decimal | None = None

    @property
    def reason_text(self) -> str:
        return note_text(self.reason)


FIGURE_FIELDS = (
    "round_agency_id",
    "code",
    "value",
    "n",
    "denominator",
    "suppressed",
    "reason",
    "band",
    "dimension",
    "low",
    "high",
    "se",
)


@dataclass
class LevelRow:
    position: int  # 1-based place in the level's ranking (by the page's order)
    row: FigureRow  # the unit's figures in the page's breakdown
    rate: Figure | None = None  # RESPONSE_RATE of the unit's subtree (all ASN types)
    minimum: Figure | None = None  # MIN_RESPONDENTS: n completed, denominator needed


@dataclass
class LevelPage:
    rows: list[LevelRow]
    total: int  # children matching the kind and the search
    ranked: int  # of those, how many have a value to rank on
    offset: int
    limit: int

    @property
    def shown_to(self) -> int:
        return self.offset + len(self.rows)

    @property
    def next_offset(self) -> int | None:
        end = self.offset + self.limit
        return end if end < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset else None


def _in_level(run: IndexRun, parent_id: int, dimension: str, key: str, kind: str, search: str):
    """The level's groups: the children of `parent_id` in one breakdown, one stored row each
    (reports.models.FigureGroup: its codes in columns, so a level is read a row per child)."""
    groups = FigureGroup.objects.filter(
        run=run,
        scope=Scope.SUBTREE,
        dimension=dimension,
        dimension_key=key,
        round_agency__parent_id=parent_id,
    )
    if kind:
        groups = groups.filter(round_agency__kind=kind)
    if search:
        groups = groups.filter(
            Q(round_agency__name__icontains=search) | Q(round_agency__code__icontains=search)
        )
    return groups.order_by()


def _has(codes, part: str = "n") -> Q:
    """Groups with a figure (`n`) or a value (`value`) of any of `codes`."""
    has = Q()
    for code in codes:
        has |= Q(**{f"{figure_column(code, part)}__isnull": False})
    return has


def level_page(
    run: IndexRun,
    *,
    parent_id: int,
    dimension: str = Dimension.NONE,
    key: str = "",
    codes: tuple[str, ...],
    kind: str = "",
    search: str = "",
    order: str = "index",
    ascending: bool = False,
    offset: int = 0,
    limit: int = 50,
    with_ranked: bool = False,
) -> LevelPage:
    """One page of the children of `parent_id` that have figures in the breakdown: best first by
    `order` ("index", "rate" or "name"), or worst first with `ascending` (units without a value
    come last either way). `LevelPage.ranked` (how many have a value to rank on) is counted
    for worst-first pages or with `with_ranked`; otherwise it equals the total."""
    search = search.strip()
    if order == "rate":
        # Participation is stored for whole groups only, whatever the page's breakdown.
        rank_dimension, rank_key, rank_codes = Dimension.NONE, "", (RATE_CODE,)
    else:
        rank_dimension, rank_key, rank_codes = dimension, key, INDEX_CODES

    def level(codes_):
        return _in_level(run, parent_id, rank_dimension, rank_key, kind, search).filter(
            _has(codes_)
        )

    # Every unit with figures in the breakdown has its anchor code; whole groups (no
    # breakdown) are written for every agency of the snapshot, so there the count is that of
    # the children themselves, a cheaper read.
    anchor = level(rank_codes[-1:])
    if rank_dimension == Dimension.NONE:
        children = RoundAgency.objects.filter(round_id=run.round_id, parent_id=parent_id)
        if kind:
            children = children.filter(kind=kind)
        if search:
            children = children.filter(Q(name__icontains=search) | Q(code__icontains=search))
        total = children.count()
    else:
        total = anchor.count()
    ranked_total = total
    if order == "name":
        name = F("round_agency__name")
        ids = anchor.order_by(name.desc() if ascending else name.asc(), "round_agency__path")
        page_ids = list(ids.values_list("round_agency_id", flat=True)[offset : offset + limit])
    else:
        # The dashboard's index: composite where it is shown, else the individual index (a
        # hidden figure has no value, so it falls through; a unit with neither ranks last).
        values = [F(figure_column(code, "value")) for code in rank_codes]
        ranking = level(rank_codes).annotate(
            rank=Coalesce(*values) if len(values) > 1 else values[0]
        )
        rank = F("rank").asc(nulls_last=True) if ascending else F("rank").desc(nulls_last=True)
        ranking = ranking.order_by(rank, "round_agency__path")[offset : offset + limit]
        page_ids = list(ranking.values_list("round_agency_id", flat=True))
        if ascending or with_ranked:
            ranked_total = level(rank_codes).filter(_has(rank_codes, "value")).count()
    agencies = RoundAgency.objects.filter(pk__in=page_ids).select_related("agency").in_bulk()
    rows = {pk: LevelRow(position=0, row=FigureRow(agency=agencies[pk])) for pk in page_ids}
    if rows:
        groups = FigureGroup.objects.filter(
            run=run, scope=Scope.SUBTREE, round_agency_id__in=page_ids
        ).filter(Q(dimension=dimension, dimension_key=key) | Q(dimension=Dimension.NONE))
        for agency_id, group_dimension, code, parts in group_figures(
            groups, (*codes, *PARTICIPATION_CODES)
        ):
            figure = Figure(code, *parts[:6], group_dimension, *parts[6:])
            target = rows[agency_id]
            whole = group_dimension == Dimension.NONE
            if code == "RESPONSE_RATE" and whole:
                target.rate = figure
            elif code == "MIN_RESPONDENTS" and whole:
                target.minimum = figure
            if code in codes and group_dimension == dimension:
                target.row.figures[code] = figure
    result = [rows[pk] for pk in page_ids]
    for index, row in enumerate(result):
        # Worst-first pages count their places from the bottom of the ranking.
        row.position = ranked_total - offset - index if ascending else offset + index + 1
    return LevelPage(rows=result, total=total, ranked=ranked_total, offset=offset, limit=limit)


def rank_bands(
    run: IndexRun,
    *,
    parent_id: int,
    dimension: str = Dimension.NONE,
    key: str = "",
    kind: str = "",
    search: str = "",
    units: list[tuple[int, Decimal | None, Decimal | None]],
) -> dict[int, tuple[int, int]]:
    """{agency id: (best, worst) place} of the page's units (id, low, high of their ranked
    figure) among the level's units with an interval: a unit is surely behind those whose
    interval lies wholly above its own, surely ahead of those wholly below (docs/ARCHITECTURE.md
    §7.5). One query, bounded by the units on the page, not the level's width."""
    units = [(pk, low, high) for pk, low, high in units if low is not None and high is not None]
    if not units:
        return {}
    shown = {
        code: Q(
            **{
                f"{figure_column(code, 'value')}__isnull": False,
                figure_column(code, "suppressed"): False,
            }
        )
        for code in INDEX_CODES
    }

    def bound(part: str) -> Case:
        # The composite's where it is shown, else the individual index's (INDEX_CODES order).
        return Case(
            *(When(shown[code], then=F(figure_column(code, part))) for code in INDEX_CODES),
            default=None,
        )

    grouped = (
        _in_level(run, parent_id, dimension, key, kind, search.strip())
        .filter(_has(INDEX_CODES))
        .values("round_agency_id")
        .annotate(lo=bound("low"), hi=bound("high"))
    )
    # The counts are SQL around the ORM's level: as 2 x 50 filtered Count()s in .aggregate(),
    # resolving them (each expression copied into the subquery) cost more than the query, over
    # 100 ms at 2,000 units. FILTER works on PostgreSQL and SQLite; the CAST makes SQLite
    # compare numbers with numbers (it binds a Decimal as text).
    level_sql, level_params = grouped.query.sql_with_params()
    number = "CAST(%s AS NUMERIC)"
    counts, params = ["COUNT(*) FILTER (WHERE level.lo IS NOT NULL)"], []
    for _pk, low, high in units:
        counts.append(f"COUNT(*) FILTER (WHERE level.lo > {number})")
        counts.append(f"COUNT(*) FILTER (WHERE level.hi < {number})")
        params += [high, low]
    with connections[grouped.db].cursor() as cursor:
        sql = f"SELECT {', '.join(counts)} FROM ({level_sql}) AS level"  # noqa: S608 - values are params
        cursor.execute(sql, (*params, *level_params))
        ranked, *found = cursor.fetchone()
    return {
        pk: (1 + found[2 * i], ranked - found[2 * i + 1])
        for i, (pk, _low, _high) in enumerate(units)
    }


def scope_trend(
    round: Round,
    *,
    agency_code: str | None,
    codes: tuple[str, ...] = ("INDIVIDUAL", "COMPOSITE"),
    published_only: bool = False,
) -> list[TrendPoint]:
    """The figures of one scope (an agency matched by code across rounds; None: the province)
    in this round and every earlier round of the same root, oldest first. Each round gives its
    newest final run; this round falls back to its newest provisional one."""
    # The rounds come with their finished runs: one query for both.
    finished = (
        IndexRun.objects.filter(
            round__root_id=round.root_id, round__year__lte=round.year, status=RunStatus.DONE
        )
        .exclude(round__status=RoundStatus.DRAFT)
        .select_related("round")
        .order_by("finished_at", "pk")
    )
    if published_only:
        # Earlier rounds only once published; the round on screen itself, which the reader may
        # see already (published, or its provisional figures opened to leaders), always.
        finished = finished.filter(
            Q(round__status__in=(RoundStatus.PUBLISHED, RoundStatus.ARCHIVED)) | Q(round=round)
        )
    final: dict[int, IndexRun] = {}
    any_run: dict[int, IndexRun] = {}
    rounds: dict[int, Round] = {}
    for run in finished:  # ascending: the last one seen per round is the newest
        if run.round.created_at > round.created_at and run.round_id != round.pk:
            continue  # a later round of the same year
        rounds[run.round_id] = run.round
        any_run[run.round_id] = run
        if not run.provisional:
            final[run.round_id] = run
    candidates = sorted(rounds.values(), key=lambda r: (r.year, r.created_at, r.pk))
    chosen = []
    for candidate in candidates:
        run = final.get(candidate.pk) or (
            any_run.get(candidate.pk) if candidate.pk == round.pk else None
        )
        if run is not None:
            chosen.append((candidate, run))
    if not chosen:
        return []
    figures = IndexFigure.objects.filter(
        run__in=[run.pk for _r, run in chosen],
        dimension=Dimension.NONE,
        dimension_key="",
        code__in=codes,
    )
    if agency_code is None:
        figures = figures.filter(scope=Scope.PROVINCE)
    else:
        figures = figures.filter(scope=Scope.SUBTREE, round_agency__code=agency_code)
    by_run: dict[int, dict[str, IndexFigure]] = {}
    for figure in figures:
        by_run.setdefault(figure.run_id, {})[figure.code] = figure
    return [
        TrendPoint(round=candidate, run=run, figures=by_run[run.pk])
        for candidate, run in chosen
        if run.pk in by_run
    ]


def previous_run(round: Round) -> IndexRun | None:
    """The newest final run of the latest published round of the same root before `round`: what
    leaders compare with (the change of each figure). Two queries at most."""
    earlier = (
        Round.objects.filter(
            Q(year__lt=round.year) | Q(year=round.year, created_at__lt=round.created_at),
            root_id=round.root_id,
            status__in=(RoundStatus.PUBLISHED, RoundStatus.ARCHIVED),
        )
        .exclude(pk=round.pk)
        .order_by("-year", "-created_at", "-pk")
    )
    runs = (
        IndexRun.objects.filter(round__in=earlier[:3], status=RunStatus.DONE, provisional=False)
        .select_related("round")
        .order_by("-round__year", "-round__created_at", "-finished_at", "-pk")
    )
    return runs.first()


def figures_by_agency_code(
    run: IndexRun,
    *,
    agency_codes: list[str | None],
    codes: tuple[str, ...],
    dimension: str = Dimension.NONE,
    key: str = "",
) -> dict[str | None, dict[str, Figure]]:
    """{agency code (None: the province): {code: Figure}} of one breakdown in `run`, for units
    matched by code across rounds (a page's units in the previous round): one query."""
    figures = IndexFigure.objects.filter(
        run=run, dimension=dimension, dimension_key=key, code__in=codes
    )
    wanted = [c for c in agency_codes if c is not None]
    where = Q(scope=Scope.SUBTREE, round_agency__code__in=wanted) if wanted else Q(pk__in=[])
    if None in agency_codes:
        where |= Q(scope=Scope.PROVINCE)
    result: dict[str | None, dict[str, Figure]] = {}
    for agency_code, *fields in figures.filter(where).values_list(
        "round_agency__code", *FIGURE_FIELDS[1:]
    ):
        result.setdefault(agency_code, {})[fields[0]] = Figure(*fields)
    return result
