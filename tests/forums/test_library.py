"""The library of good practices: tagged with values and an agency, sanitised, searchable."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forums.models import Practice
from tests.evaluations.lke_factories import PDF
from tests.forums.conftest import BAD, XSS

pytestmark = pytest.mark.django_db


def test_members_share_a_practice_of_their_own_agency(client, province, f):
    client.force_login(province.agent_a.user)
    url = reverse("forums:library", args=[f.forum.slug])
    response = client.post(
        url,
        {
            "title": "Layanan tanpa antre",
            "body": "Reservasi **daring**",
            "values": ["BP", "AD"],
            "agency": province.agency_b.pk,
            "files": [SimpleUploadedFile("sop.pdf", PDF)],
        },
    )
    practice = Practice.objects.get()
    assert response.url.endswith(f"#practice-{practice.pk}")
    assert practice.agency == province.agency_a  # members cannot file for another agency
    assert sorted(practice.values.values_list("code", flat=True)) == ["AD", "BP"]
    assert practice.files.count() == 1 and "<strong>daring</strong>" in practice.body_html


def test_admins_file_a_practice_for_any_agency(client, province, f):
    client.force_login(province.admin.user)
    client.post(
        reverse("forums:library", args=[f.forum.slug]),
        {"title": "Mentoring", "body": "x", "values": ["KO"], "agency": province.agency_b.pk},
    )
    assert Practice.objects.get().agency == province.agency_b


def test_a_practice_needs_a_value_and_is_sanitised(client, province, f):
    client.force_login(province.agent_a.user)
    url = reverse("forums:library", args=[f.forum.slug])
    response = client.post(url, {"title": "Tanpa nilai", "body": "x"})
    assert response.status_code == 400 and "paling sedikit satu nilai" in response.content.decode()
    client.post(url, {"title": "<script>alert(1)</script>", "body": XSS, "values": ["BP"]})
    practice = Practice.objects.get()
    for bad in BAD:
        assert bad not in practice.body_html, bad
    assert "<script>alert(1)" not in client.get(url).content.decode()


def test_library_filters_by_value_agency_and_words(client, province, f):
    client.force_login(province.admin.user)
    url = reverse("forums:library", args=[f.forum.slug])
    client.post(
        url,
        {
            "title": "Layanan tanpa antre",
            "body": "reservasi",
            "values": ["BP"],
            "agency": province.agency_a.pk,
        },
    )
    client.post(
        url,
        {
            "title": "Pojok integritas",
            "body": "laporan terbuka",
            "values": ["AK", "BP"],
            "agency": province.agency_b.pk,
        },
    )
    client.force_login(province.agent_b.user)

    def titles(**query):
        return [p.title for p in client.get(url, query).context["practices"]]

    assert sorted(titles()) == ["Layanan tanpa antre", "Pojok integritas"]
    assert titles(nilai="AK") == ["Pojok integritas"]
    assert titles(unit=province.agency_a.pk) == ["Layanan tanpa antre"]
    assert titles(q="terbuka") == ["Pojok integritas"]
    assert titles(q="reservasi", nilai="AK") == []
