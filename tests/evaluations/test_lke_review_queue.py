"""The evaluator's review queue and its filter (status, component, unit in the query string)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evaluations.models import AssessmentStatus
from tests.evaluations.lke_factories import first, force_status, lke_round

pytestmark = pytest.mark.django_db
S = AssessmentStatus


def test_the_queue_filters_by_status_component_and_unit(client, province):
    setup = lke_round(province)
    force_status(first(setup.ra_a, "1.1"), S.SUBMITTED)
    force_status(first(setup.ra_a, "2.1"), S.SCORED)
    client.force_login(province.evaluator.user)

    def codes(**params) -> list[str]:
        page = client.get(reverse("evaluations:lke_review_queue"), params)
        assert page.status_code == 200
        assert page.context["filters"] == {
            name: params.get(name, "") for name in ("status", "komponen", "unit")
        }
        return [a.criterion.code for a in page.context["rows"]]

    assert codes() == ["1.1", "2.1"]
    assert codes(status=S.SUBMITTED) == ["1.1"]
    assert codes(komponen="2") == ["2.1"]
    assert codes(unit=str(setup.ra_a.pk)) == ["1.1", "2.1"]
    assert codes(unit=str(setup.ra_b.pk)) == []
    assert codes(status=S.SCORED, komponen="1") == []
    # What the page cannot read filters nothing: it never hides rows behind it.
    assert codes(status="NOPE", komponen="x", unit="1.5") == ["1.1", "2.1"]
