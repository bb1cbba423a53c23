"""Trend: an agency's indices across the rounds of the same province, matched by code."""

from __future__ import annotations

from decimal import Decimal

from evaluations.models import Round, RoundStatus
from reports.selectors import trend_by_agency_code
from reports.services.compute import index_compute_now
from tests.reports.factories import respond, round_status_set, survey_round


def test_trend_matches_agencies_by_code_across_rounds(province):
    earlier = survey_round(province)
    Round.objects.filter(pk=earlier.pk).update(year=earlier.year - 1)
    respond(earlier, "DINKES", 60, count=5)
    respond(earlier, "DISDIK", 50, count=5)
    round_status_set(earlier, RoundStatus.CLOSED)
    index_compute_now(round=earlier)
    round_status_set(earlier, RoundStatus.PUBLISHED)

    current = survey_round(province)
    respond(current, "DINKES", 70, count=5)
    respond(current, "DISDIK", 50, count=5)
    index_compute_now(round=current)

    trend = trend_by_agency_code(current)
    dinkes = trend["DINKES"]
    assert [p.round.pk for p in dinkes] == [earlier.pk, current.pk]
    assert [p.figures["INDIVIDUAL"].value for p in dinkes] == [Decimal("60.0"), Decimal("70.0")]
    assert [p.figures["INDIVIDUAL"].value for p in trend["PROVINSI"]] == [
        Decimal("55.0"),
        Decimal("60.0"),
    ]
    # for leaders: earlier rounds only once published, the round on screen itself always (they
    # see it: published, or opened to them); an unpublished earlier round drops out
    round_status_set(earlier, RoundStatus.COMPUTED)
    published = trend_by_agency_code(current, published_only=True)
    assert [p.round.pk for p in published["DINKES"]] == [current.pk]


def test_trend_ignores_rounds_of_another_province_and_later_rounds(province):
    first = survey_round(province)
    respond(first, "DINKES", 60, count=5)
    index_compute_now(round=first)
    later = survey_round(province)
    respond(later, "DINKES", 80, count=5)
    index_compute_now(round=later)
    assert [p.round.pk for p in trend_by_agency_code(first)["DINKES"]] == [first.pk]
