"""Release and the figures around it: generalised cells, exact indices, provisional steps."""

from __future__ import annotations

import random
import uuid
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from berakhlak.models import AsnType
from evaluations.models import RoundAgency, RoundStatus
from reports.inputs import provisional_included
from reports.models import IndexFigure, IndexRun
from reports.services.compute import index_compute_now
from surveys import selectors
from surveys.models import (
    ASN_TYPE_GENERALISED,
    SUMMARY_FIELDS,
    Participation,
    ReleaseCorrection,
    ReleaseStatus,
    Response,
    ResponseSource,
    SealedSubmission,
)
from surveys.services import filling
from surveys.services.release import Summary, generalise, responses_release
from tests.factories import EmployeeFactory
from tests.reports.factories import ResponseFactory
from tests.surveys.factories import close_and_release, full_answers, open_round, people_submit

TYPES = tuple(AsnType.values)


@st.composite
def trees_and_cells(draw):
    """A random agency tree (up to 4 levels) and answer sheets in random cells."""
    size = draw(st.integers(min_value=1, max_value=14))
    parent, depth = {0: None}, {0: 0}
    for node in range(1, size):
        up = draw(st.integers(min_value=0, max_value=node - 1))
        if depth[up] >= 3:
            up = 0
        parent[node], depth[node] = up, depth[up] + 1
    cells = draw(
        st.lists(st.tuples(st.sampled_from(sorted(parent)), st.sampled_from(TYPES)), max_size=60)
    )
    minimum = draw(st.integers(min_value=3, max_value=6))
    return parent, depth, cells, minimum


def _ancestors(parent, node):
    while node is not None:
        yield node
        node = parent[node]


@settings(max_examples=300, deadline=None)
@given(trees_and_cells())
def test_every_stored_cell_holds_none_or_at_least_the_minimum(case):
    parent, depth, cells, minimum = case
    stored = generalise(cells, parent=parent, depth=depth, minimum=minimum)
    sizes = Counter(cell for cell in stored if cell is not None)
    assert all(size >= minimum for size in sizes.values())
    for (agency, asn_type), result in zip(cells, stored, strict=True):
        if result is None:
            continue
        assert result[0] in set(_ancestors(parent, agency))  # only ever generalised upwards
        assert result[1] in (asn_type, ASN_TYPE_GENERALISED)
    held = stored.count(None)
    assert held == 0 or held == len(cells) < minimum  # only a whole batch too small waits
    # Cells that were big enough keep their rows where they are, except for the one cell a
    # remainder at the root may borrow from.
    true_sizes, unit_sizes = Counter(cells), Counter(a for a, _t in cells)
    lost = {
        (agency, asn_type)
        for (agency, asn_type), result in zip(cells, stored, strict=True)
        if true_sizes[(agency, asn_type)] >= minimum
        and unit_sizes[agency] >= minimum
        and result != (agency, asn_type)
    }
    assert len(lost) <= 1


def _summary(agency: int, asn_type: str, seq: int, score: float) -> Summary:
    values = tuple(score if name.startswith("score_") else None for name in SUMMARY_FIELDS)
    return Summary(uuid.uuid4(), agency, asn_type, "WEB", seq, values)


def test_provisional_figures_count_the_oldest_and_move_in_steps_of_the_minimum():
    minimum = 5
    basis: dict[str, int] = {}
    history = []
    sheets = []
    for count in range(1, 31):
        sheets.append(_summary(1, "PNS", seq=count, score=float(count)))
        shuffled = random.sample(sheets, len(sheets))  # the order of the rows says nothing
        included, basis = provisional_included(shuffled, before=basis, minimum=minimum)
        counted = basis.get("1:PNS", 0)
        history.append(counted)
        if counted:  # the oldest: scores 1..counted
            sums = included[(1, "PNS")]
            assert sums.n == counted and sums.value_sum[0] == sum(range(1, counted + 1))
        assert count - counted >= minimum or not counted  # the newest are held back
    steps = [b - a for a, b in zip([0, *history], history, strict=False) if b != a]
    assert steps and all(step >= minimum for step in steps)
    assert history[8] == 0 and history[9] == 5  # nothing before twice the minimum


@pytest.mark.django_db
def test_release_writes_one_shuffled_batch_with_generalised_cells_and_a_sealed_note(province):
    people = [EmployeeFactory(agency=province.agency_a) for _ in range(6)] + [
        EmployeeFactory(agency=province.agency_a, asn_type=AsnType.PPPK),
        EmployeeFactory(agency=province.unit_a),
    ]
    round = open_round(province)
    people_submit(round, people)
    release = close_and_release(round)
    assert release.status == ReleaseStatus.DONE
    assert (release.released, release.held) == (8, 0)
    cells = Counter(Response.objects.values_list("round_agency__code", "asn_type"))
    assert all(count >= 5 for count in cells.values()), cells
    assert ReleaseCorrection.objects.filter(round=round).count() == (
        1 if release.generalised else 0
    )
    assert not SealedSubmission.objects.exists()
    assert responses_release(round=round) is None  # nothing waits any more: safe to run twice


def _figures(run) -> dict:
    return {
        (
            f.scope,
            f.round_agency.code if f.round_agency_id else "",
            f.dimension,
            f.dimension_key,
            f.code,
        ): (
            f.value,
            f.n,
            f.suppressed,
        )
        for f in IndexFigure.objects.filter(run=run).select_related("round_agency")
    }


@pytest.mark.django_db
def test_final_figures_through_the_release_equal_those_of_the_same_answers_stored_directly(
    province,
):
    """Generalising the stored cells never changes a figure: the sealed note puts every moved
    response back in its true cell."""
    people = (
        [EmployeeFactory(agency=province.agency_a) for _ in range(7)]
        + [EmployeeFactory(agency=province.agency_a, asn_type=AsnType.PPPK) for _ in range(2)]
        + [EmployeeFactory(agency=province.unit_a) for _ in range(3)]
        + [EmployeeFactory(agency=province.agency_b) for _ in range(6)]
        + [EmployeeFactory(agency=province.biro, asn_type=AsnType.CPNS)]
    )
    sealed_round = open_round(province)
    direct_round = open_round(province)
    survey = selectors.survey_for_round(sealed_round)
    direct_agency = {a.code: a for a in RoundAgency.objects.filter(round=direct_round)}
    for index, person in enumerate(people):
        answers = full_answers(survey, scale_value=1 + index % 6)
        answers["BP1"] = 1 + (index * 5) % 6
        participation = Participation.objects.get(round=sealed_round, employee=person)
        filling.answers_save(participation=participation, answers=answers, survey=survey)
        filling.survey_submit(participation=participation)
        # The same answer sheet as a plain response of the other round, in its true cell.
        fields = filling.response_fields(selectors.survey_for_round(direct_round), answers)
        ResponseFactory(
            round=direct_round,
            round_agency=direct_agency[person.agency.code],
            asn_type=person.asn_type,
            source=ResponseSource.WEB,
            **fields,
        )
        Participation.objects.filter(round=direct_round, employee=person).update(
            status="SUBMITTED", submitted_on=participation.submitted_on
        )
    close_and_release(sealed_round)
    assert Response.objects.filter(round=sealed_round).exclude(asn_type__in=TYPES).exists() or (
        ReleaseCorrection.objects.filter(round=sealed_round).exists()
    )
    for round in (sealed_round, direct_round):
        round.status = RoundStatus.CLOSED
        round.save(update_fields=["status"])
        index_compute_now(round=round)
    sealed = _figures(IndexRun.objects.latest_for(sealed_round))
    direct = _figures(IndexRun.objects.latest_for(direct_round))
    assert sealed == direct


@pytest.mark.django_db
def test_the_periodic_task_releases_a_closed_round_whose_computation_never_ran(province):
    from surveys.tasks import responses_release_due

    people = [EmployeeFactory(agency=province.agency_a) for _ in range(5)]
    round = open_round(province)
    people_submit(round, people)
    assert responses_release_due.delay().get() == []  # still open: nothing is released
    round.status = RoundStatus.CLOSED  # closed, but the computation's enqueue was lost
    round.save(update_fields=["status"])
    assert responses_release_due.delay().get() == [round.pk]
    assert Response.objects.filter(round=round).count() == 5
    assert responses_release_due.delay().get() == []
