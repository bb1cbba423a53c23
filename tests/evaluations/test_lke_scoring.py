"""The LKE score: criterion = answer value / max x weight; component and institutional index."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evaluations import scoring
from evaluations.lke import opening
from evaluations.models import AnswerKind, Assessment, AssessmentStatus, Criterion, RoundAgency
from tests.evaluations.lke_factories import lke_round

D = Decimal


@pytest.mark.parametrize(
    ("kind", "answer", "value"),
    [
        (AnswerKind.YA_TIDAK, "YA", D(1)),
        (AnswerKind.YA_TIDAK, "tidak", D(0)),
        (AnswerKind.ABC, "A", D(1)),
        (AnswerKind.ABC, "B", D("0.5")),
        (AnswerKind.ABC, "C", D(0)),
        (AnswerKind.A_E, "A", D(1)),
        (AnswerKind.A_E, "B", D("0.75")),
        (AnswerKind.A_E, "C", D("0.5")),
        (AnswerKind.A_E, "D", D("0.25")),
        (AnswerKind.A_E, "E", D(0)),
        (AnswerKind.MATURITY_1_5, "5", D(1)),
        (AnswerKind.MATURITY_1_5, "4", D("0.75")),
        (AnswerKind.MATURITY_1_5, "3", D("0.5")),
        (AnswerKind.MATURITY_1_5, "2", D("0.25")),
        (AnswerKind.MATURITY_1_5, "1", D(0)),
        (AnswerKind.PERCENT, "100", D(1)),
        (AnswerKind.PERCENT, "87,5", D("0.875")),
        (AnswerKind.PERCENT, "0", D(0)),
    ],
)
def test_answer_value_steps_from_one_down_to_zero(kind, answer, value):
    assert scoring.answer_value(kind, answer) == value


@pytest.mark.parametrize(
    ("kind", "answer", "weight", "score"),
    [
        (AnswerKind.YA_TIDAK, "YA", "5", D(5)),
        (AnswerKind.ABC, "B", "5", D("2.5")),
        (AnswerKind.A_E, "D", "8", D(2)),
        (AnswerKind.MATURITY_1_5, "4", "10", D("7.5")),
        (AnswerKind.PERCENT, "60", "5", D(3)),
    ],
)
def test_criterion_score_is_value_over_max_times_weight(kind, answer, weight, score):
    criterion = Criterion(answer_kind=kind, weight=D(weight))
    assert scoring.criterion_score(criterion, answer) == score


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        (AnswerKind.YA_TIDAK, "MUNGKIN"),
        (AnswerKind.ABC, "D"),
        (AnswerKind.A_E, "F"),
        (AnswerKind.MATURITY_1_5, "6"),
        (AnswerKind.MATURITY_1_5, "0"),
        (AnswerKind.PERCENT, "101"),
        (AnswerKind.PERCENT, "-1"),
        (AnswerKind.PERCENT, "banyak"),
        (AnswerKind.PERCENT, "NaN"),
        (AnswerKind.ABC, ""),
    ],
)
def test_answers_outside_the_kind_are_refused_with_a_reason(kind, answer):
    with pytest.raises(scoring.AnswerError) as error:
        scoring.answer_value(kind, answer)
    assert str(error.value)


def test_unanswered_criterion_has_no_score():
    assert scoring.criterion_score(Criterion(answer_kind=AnswerKind.ABC, weight=D(5)), "") is None


@pytest.mark.django_db
def test_default_worksheet_has_seven_components_and_weights_summing_to_100(province):
    setup = lke_round(province)
    worksheet = setup.round.worksheet
    assert worksheet.components.count() == 7
    assert opening.worksheet_weight_total(worksheet) == D(100)
    assert set(
        Criterion.objects.filter(component__worksheet=worksheet).values_list(
            "answer_kind", flat=True
        )
    ) == set(AnswerKind.values)


@pytest.mark.django_db
def test_component_and_institutional_index_for_self_evaluator_and_final(province):
    setup = lke_round(province)
    criteria = list(Criterion.objects.filter(component__worksheet=setup.round.worksheet))
    rows = list(Assessment.objects.filter(round_agency=setup.ra_a).select_related("criterion"))
    best = {
        k: scoring.answer_options(k)[0][0] if k != AnswerKind.PERCENT else "100"
        for k in AnswerKind.values
    }
    worst = {
        k: scoring.answer_options(k)[-1][0] if k != AnswerKind.PERCENT else "0"
        for k in AnswerKind.values
    }
    for row in rows:
        row.status = AssessmentStatus.FINAL
        row.self_answer = best[row.criterion.answer_kind]
        row.evaluator_answer = worst[row.criterion.answer_kind]
        # Component 1 fully met, the rest not at all.
        row.final_answer = (
            best[row.criterion.answer_kind]
            if row.criterion.component.order == 1
            else worst[row.criterion.answer_kind]
        )
    result = scoring.worksheet_score(rows, criteria)
    assert result.totals == {"self": D(100), "evaluator": D(0), "final": D(15)}
    first_component = next(c for c in result.components if c.name == "Agenda perubahan")
    assert first_component.index("final") == D(100)
    assert first_component.index("evaluator") == D(0)
    Assessment.objects.bulk_update(
        rows, ["status", "self_answer", "evaluator_answer", "final_answer"]
    )
    # Every agency with an LKE in the round is a key; None while its worksheet is not all final
    others = RoundAgency.objects.filter(round=setup.round, depth=1).exclude(pk=setup.ra_a.pk)
    assert scoring.institutional_indices(setup.round) == {
        setup.ra_a.pk: D(15),
        **dict.fromkeys(others.values_list("pk", flat=True)),
    }


@pytest.mark.django_db
def test_a_half_answered_worksheet_has_no_total(province):
    setup = lke_round(province)
    criteria = list(Criterion.objects.filter(component__worksheet=setup.round.worksheet))
    rows = list(Assessment.objects.filter(round_agency=setup.ra_a).select_related("criterion"))
    rows[0].status = AssessmentStatus.SUBMITTED
    rows[0].self_answer = "YA"
    result = scoring.worksheet_score(rows, criteria)
    assert result.totals["self"] is None
    indices = scoring.institutional_indices(setup.round)
    assert setup.ra_a.pk in indices and set(indices.values()) == {None}
