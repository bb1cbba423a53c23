"""The instruments shipped with the product: shape, ties to the catalog, and a full submission."""

from __future__ import annotations

import pytest

from berakhlak.models import BehaviourGuide, CoreValue
from surveys import selectors
from surveys.models import InstrumentKind, Participation
from surveys.services.filling import answers_save, survey_submit
from tests.surveys.factories import default_instruments, full_answers, open_round, submissions_of

pytestmark = pytest.mark.django_db


def test_behaviour_instrument_has_one_item_per_guide_on_a_six_point_scale():
    behaviour, _engagement, _selection = default_instruments()
    assert behaviour.kind == InstrumentKind.BEHAVIOUR
    assert behaviour.scale_points == 6
    assert behaviour.scale_labels[0] == "Sangat tidak sesuai"
    assert behaviour.scale_labels[-1] == "Sangat sesuai"
    items = list(behaviour.items.select_related("guide", "value"))
    assert [i.code for i in items] == [
        g.code for g in BehaviourGuide.objects.order_by("value__order", "order")
    ]
    assert len(items) == 21
    for item in items:
        assert item.guide.code == item.code and item.value == item.guide.value
        assert item.text.startswith("Saya ")


def test_values_selection_covers_every_value_and_limiting_behaviours():
    _behaviour, _engagement, selection = default_instruments()
    assert selection.pick_count == 10
    options = list(selection.options.all())
    covered = {o.value.code for o in options if o.value}
    assert covered == set(CoreValue.objects.values_list("code", flat=True))
    assert sum(o.limiting for o in options) >= 8
    assert len(options) >= 3 * selection.pick_count


def test_engagement_bank_is_a_short_likert_bank():
    _behaviour, engagement, _selection = default_instruments()
    assert engagement.kind == InstrumentKind.ENGAGEMENT
    assert 5 <= engagement.items.count() <= 12


def test_a_round_with_the_defaults_can_be_filled_and_submitted(province):
    round = open_round(province, instruments=default_instruments())
    participation = Participation.objects.get(round=round, employee=province.asn_a)
    survey = selectors.survey_for_round(round)
    assert [p.slug for p in survey.pages][:7] == [
        f"nilai-{c}" for c in ("bp", "ak", "ko", "ha", "lo", "ad", "kl")
    ]
    answers_save(
        participation=participation, answers=full_answers(survey, scale_value=6), survey=survey
    )
    survey_submit(participation=participation)
    [response] = submissions_of(round)
    assert response.score_bp == response.score_kl == 100.0
    assert response.score_engagement == 100.0
    assert response.current_values
