"""What a report says, gathered once for both formats: the same stored, suppressed figures as the
dashboard (reports.dashboard), plus LKE component scores, participation and the method."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from evaluations import scoring
from evaluations.models import Assessment, Criterion, Round, RoundAgency
from reports import selectors, suppression
from reports.dashboard import dashboard_context
from reports.models import Dimension, IndexRun, Scope


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
    participation: list = field(default_factory=list)
    minimum: int = 5
    follow_up_round: Round | None = None  # the earlier round whose action plan is reported
    follow_up: list = field(default_factory=list)  # evaluations.plans.services.ValueLoop

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
    by_agency: dict[int, list[Assessment]] = {}
    for assessment in rows.only("round_agency_id", "criterion_id", "status", "self_answer",
                                "evaluator_answer", "final_answer"):  # fmt: skip
        by_agency.setdefault(assessment.round_agency_id, []).append(assessment)
    orders = {c.component_id: c.component.order for c in criteria}
    totals: dict[int, list[Decimal]] = {}
    names: dict[int, tuple[str, Decimal, int]] = {}
    for assessments in by_agency.values():
        score = scoring.worksheet_score(assessments, criteria)
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


def _participation(run: IndexRun, agency: RoundAgency | None) -> list[selectors.FigureRow]:
    """Response rate and minimum status of the scope's agencies (the subtree, tree order)."""
    rows = selectors.figure_rows(
        run, scope=Scope.SUBTREE, codes=("RESPONSE_RATE", "MIN_RESPONDENTS", "INDIVIDUAL")
    )
    if agency is None:
        return [r for r in rows if r.agency and r.agency.depth == 1]
    return [r for r in rows if r.agency and r.agency.path.startswith(agency.path)]


def report_data(*, round: Round, agency: RoundAgency | None, published_only: bool) -> ReportData:
    run = selectors.run_for_reading(round)
    root = RoundAgency.objects.get(round=round, depth=0)
    data = ReportData(
        round=round,
        run=run,
        agency=agency,
        generated_at=timezone.localtime(),
        minimum=suppression.group_minimum(round.min_group),
    )
    if run is None:
        return data
    data.dashboard = dashboard_context(
        round=round, run=run, focus=agency, root_agency=root, dimension=Dimension.NONE, key="",
        published_only=published_only,
    )  # fmt: skip
    data.lke = _lke_components(round, agency)
    data.participation = _participation(run, agency)
    if agency is not None:
        _follow_up(data, round, agency)
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


def letterhead() -> dict:
    return {
        "government": settings.REPORT_GOVERNMENT,
        "unit": settings.REPORT_UNIT,
        "address": settings.REPORT_ADDRESS,
        "city": settings.REPORT_CITY,
        "signatory_title": settings.REPORT_SIGNATORY_TITLE,
        "signatory_name": settings.REPORT_SIGNATORY_NAME,
        "signatory_nip": settings.REPORT_SIGNATORY_NIP,
    }
