"""The core values catalog: data migration and the public page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from berakhlak.models import BehaviourGuide, CoreValue

pytestmark = pytest.mark.django_db

CODES = ["BP", "AK", "KO", "HA", "LO", "AD", "KL"]


def test_seven_values_and_twenty_one_guides():
    assert list(CoreValue.objects.values_list("code", flat=True)) == CODES
    guides = list(BehaviourGuide.objects.values_list("code", flat=True))
    assert guides == [f"{code}{n}" for code in CODES for n in (1, 2, 3)]


def test_the_two_wordings_differ_exactly_where_the_law_changed_them():
    changed_values = {v.code for v in CoreValue.objects.all() if v.definition != v.definition_2023}
    changed_guides = {g.code for g in BehaviourGuide.objects.all() if g.text != g.text_2023}
    assert changed_values == {"LO", "AD"}
    assert changed_guides == {"HA1", "HA2", "LO2"}
    assert BehaviourGuide.objects.get(code="HA2").text_2023 == "Suka menolong"
    assert CoreValue.objects.get(code="AD").definition_2023.endswith(
        "menggerakkan serta menghadapi perubahan"
    )


def test_catalog_page_is_public_and_switches_wording(client):
    response = client.get(reverse("values_catalog"))
    assert response.status_code == 200
    page = response.content.decode()
    for name in (
        "Berorientasi Pelayanan",
        "Akuntabel",
        "Kompeten",
        "Harmonis",
        "Loyal",
        "Adaptif",
        "Kolaboratif",
    ):
        assert name in page
    assert "Menghargai setiap orang tanpa membedakan latar belakang" in page
    assert "Bangga Melayani Bangsa" in page
    old = client.get(reverse("values_catalog"), {"rumusan": "2021"}).content.decode()
    assert "Menghargai setiap orang apapun latar belakangnya" in old
    assert "Surat Edaran Menteri PANRB" in old
