"""The public method page."""

from __future__ import annotations

from django.urls import reverse

from tests.reports.factories import round_status_set, survey_round


def test_method_page_is_public_and_explains_the_formulas(client, db):
    response = client.get(reverse("reports:method"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "(x - 1) / (N - 1) × 100" in text
    assert "60% × indeks individu + 40% × indeks instansi" in text
    assert "disembunyikan (kurang dari 5 responden)" in text
    assert ">60,9<" in text  # the national 2022 example (Indonesian decimal comma)


def test_method_page_shows_the_published_round_settings(client, province):
    round = survey_round(
        province, min_group=7, weight_survey=70, weight_lke=30, min_comment_group=10
    )
    round_status_set(round, "PUBLISHED")
    text = client.get("/metode/").content.decode()
    assert "70% × indeks individu + 30% × indeks instansi" in text
    assert "disembunyikan (kurang dari 7 responden)" in text
    assert round.name in text
