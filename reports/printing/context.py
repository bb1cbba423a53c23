"""What a report says, gathered once for both formats: the same stored, suppressed figures as the
dashboard (reports.dashboard), plus LKE component scores, participation and the method.

The PDF's per-agency tables are capped (docs/ARCHITECTURE.md §8): the best and the worst
`PDF_ROWS` of a level, with a sentence that the Excel workbook holds the full list, so that a
province of 2,000 OPDs prints in a bounded number of pages and bounded memory. The workbook
streams every row (reports.printing.excel).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from evaluations import scoring
from evaluations.models import Assessment, Criterion, Round, RoundAgency
from reports import selectors, suppression
from reports.dashboard.scope import Page
from reports.dashboard.summary import summary_context
from reports.dashboard.units import attach_changes, level, unit_rows
from reports.models import VALUE_CODES, IndexRun, InstrumentQuality, RunStatus, Scope
from reports.selectors import pages as selectors_pages

PDF_ROWS = 15  # rows from the top and from the bottom of a capped table


@dataclass
class Capped:
    """A level's rows for print: all of them, or the first and the last PDF_ROWS."""

    top: list
    bottom: list
    total: int
    ranked: int = 0  # units with a value to rank on; the others have it hidden

    @property
    def left_out(self) -> int:
        return self.total - len(self.top) - len(self.bottom)

    @property
    def unranked(self) -> int:
        return self.total - self.ranked


@dataclass
class LkeComponent:
    name: str
    weight: Decimal
    final: Decimal | None  # 0-100; for the province the mean over agencies scored in full
    agencies: int = 0


@dataclass
class ReportData:
    round: Round
    run: IndexRun | None
    agency: RoundAgency | None  # None: the province
    generated_at: object
    dashboard: dict = field(default_factory=dict)
    lke: list[LkeComponent] = field(default_factory=list)
    units: Capped | None = None  # ranking and heat map of the level below (UnitRow)
    participation: Capped | None = None  # response rates of that level (LevelRow), best first
    own_participation: selectors_pages.LevelRow | None = None  # the agency itself
    root_id: int | None = None
    previous: IndexRun | None = None  # the previous published round's run, compared with
    minimum: int = 5
    follow_up_round: Round | None = None  # the earlier round whose action plan is reported
    follow_up: list = field(default_factory=list)  # evaluations.plans.services.ValueLoop
    quality: object = None  # reports.models.InstrumentQuality: the province PDF's annex

    @property
    def scope_name(self) -> str:
        return self.agency.name if self.agency else self.round.root.name

    @property
    def is_province(self) -> bool:
        return self.agency is None


def _lke_components(round: Round, agency: RoundAgency | None) -> list[LkeComponent]:
    worksheet = getattr(round, "worksheet", None)
    if worksheet is None:
        return []
    criteria = list(
        Criterion.objects.filter(component__worksheet=worksheet).select_related("component")
    )
    if not criteria:
        return []
    rows = Assessment.objects.filter(round_agency__round=round, criterion__in=criteria)
    if agency is not None:
        rows = rows.filter(round_agency__path__startswith=agency.path)
    # One agency's assessments at a time (ordered, streamed): a province of 2,000 OPDs with 40
    # criteria each never holds 80,000 rows in memory.
    rows = rows.only(
        "round_agency_id",
        "criterion_id",
        "status",
        "self_answer",
        "evaluator_answer",
        "final_answer",
    ).order_by("round_agency_id")
    orders = {c.component_id: c.component.order for c in criteria}
    totals: dict[int, list[Decimal]] = {}
    names: dict[int, tuple[str, Decimal, int]] = {}
    for _agency_id, assessments in itertools.groupby(
        rows.iterator(chunk_size=2000), key=lambda a: a.round_agency_id
    ):
        score = scoring.worksheet_score(list(assessments), criteria)
        for component in score.components:
            names[component.component_id] = (
                component.name,
                component.weight,
                orders[component.component_id],
            )
            final = component.index("final")
            if final is not None:
                totals.setdefault(component.component_id, []).append(final)
    if not names:
        for criterion in criteria:
            entry = names.get(criterion.component_id)
            weight = (entry[1] if entry else Decimal(0)) + criterion.weight
            names[criterion.component_id] = (
                criterion.component.name,
                weight,
                criterion.component.order,
            )
    result = []
    for component_id, (name, weight, _order) in sorted(names.items(), key=lambda kv: kv[1][2]):
        finals = totals.get(component_id, [])
        final = sum(finals, Decimal(0)) / len(finals) if finals else None
        result.append(LkeComponent(name=name, weight=weight, final=final, agencies=len(finals)))
    return result


def _capped(page: Page, order: str, wrap) -> Capped:
    """All rows when the level fits twice PDF_ROWS, else the first and the last PDF_ROWS."""
    first = level(page, order=order, offset=0, limit=2 * PDF_ROWS, with_ranked=True)
    if first.total <= 2 * PDF_ROWS:
        return Capped(top=wrap(first), bottom=[], total=first.total, ranked=first.ranked)
    # The bottom comes from the units with a value only (those without rank last either way).
    bottom = max(0, min(PDF_ROWS, first.ranked - PDF_ROWS))
    last = level(page, order=order, ascending=True, offset=0, limit=bottom) if bottom else None
    return Capped(
        top=wrap(first)[:PDF_ROWS],
        bottom=list(reversed(wrap(last))) if last else [],
        total=first.total,
        ranked=first.ranked,
    )


def _own_participation(run: IndexRun, agency: RoundAgency) -> selectors_pages.LevelRow:
    rows = selectors.figure_rows(
        run,
        scope=Scope.SUBTREE,
        codes=selectors_pages.PARTICIPATION_CODES,
        agency_ids=(agency.pk,),
    )
    row = rows[0] if rows else selectors.FigureRow(agency=agency)
    return selectors_pages.LevelRow(
        position=0, row=row, rate=row.get("RESPONSE_RATE"), minimum=row.get("MIN_RESPONDENTS")
    )


def report_page(data: ReportData) -> Page:
    """The dashboard page a report prints: the scope, all ASN types, every kind."""
    return Page(
        round=data.round,
        run=data.run,
        focus=data.agency,
        parent_id=data.agency.pk if data.agency else data.root_id,
        previous=data.previous,
    )


def report_data(*, round: Round, agency: RoundAgency | None, published_only: bool) -> ReportData:
    run = selectors.run_for_reading(round)
    root_id = RoundAgency.objects.filter(round=round, depth=0).values_list("pk", flat=True).get()
    data = ReportData(
        round=round,
        run=run,
        agency=agency,
        generated_at=timezone.localtime(),
        minimum=suppression.group_minimum(round.min_group),
        root_id=root_id,
        previous=selectors_pages.previous_run(round),
    )
    if run is None:
        return data
    page = report_page(data)
    data.dashboard = {
        **summary_context(page),
        "value_codes": VALUE_CODES,
        "trend": selectors_pages.scope_trend(
            round, agency_code=agency.code if agency else None, published_only=published_only
        ),
    }
    data.units = _capped(page, "index", lambda found: attach_changes(page, unit_rows(found, None)))
    data.participation = _capped(page, "rate", lambda found: list(found.rows))
    if agency is not None:
        data.own_participation = _own_participation(run, agency)
    data.lke = _lke_components(round, agency)
    if agency is not None:
        _follow_up(data, round, agency)
    else:
        data.quality = InstrumentQuality.objects.filter(
            run=run, status=RunStatus.DONE, empty=False
        ).first()
    return data


def _follow_up(data: ReportData, round: Round, agency: RoundAgency) -> None:
    """Closing the loop: the agency's actions after the previous published round, per value."""
    from evaluations.plans.services import PUBLISHED, actions_by_value

    earlier = Round.objects.filter(
        root_id=round.root_id, status__in=PUBLISHED, year__lt=round.year
    ).order_by("-year", "-pk")
    for candidate in earlier[:3]:
        loops = actions_by_value(agency.agency, candidate)
        if loops:
            data.follow_up_round, data.follow_up = candidate, loops
            return
