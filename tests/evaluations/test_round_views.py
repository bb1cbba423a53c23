"""Round pages for the Biro Organisasi: create, edit, choose instruments, open, close; scoping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Round, RoundStatus
from surveys.models import Participation, RoundInstrument
from tests.evaluations.test_round_states import draft_round
from tests.surveys.factories import behaviour_instrument, engagement_instrument

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "name": "Evaluasi Budaya Kerja 2026",
        "year": today.year,
        "wording": "UU_2023",
        "survey_opens_on": today.isoformat(),
        "survey_closes_on": (today + dt.timedelta(days=30)).isoformat(),
        "evidence_opens_on": today.isoformat(),
        "evidence_closes_on": (today + dt.timedelta(days=40)).isoformat(),
        "review_opens_on": (today + dt.timedelta(days=10)).isoformat(),
        "review_closes_on": (today + dt.timedelta(days=60)).isoformat(),
        "weight_survey": 60,
        "weight_lke": 40,
        "band_a_min": "75.0",
        "band_b_min": "50.0",
        "band_c_min": "25.0",
        "min_group": 5,
        "min_comment_group": 10,
        "min_respondents": 5,
        "min_respondents_pct": 30,
        "reminder_gap_days": 3,
        "reminder_max": 3,
    }
    data.update(overrides)
    return data


def test_admin_creates_a_round_from_the_form(client, province):
    client.force_login(province.admin.user)
    page = client.get(reverse("evaluations:round_create"))
    assert page.status_code == 200
    assert "Evaluasi Budaya Kerja BerAKHLAK" in page.content.decode()  # suggested name
    response = client.post(reverse("evaluations:round_create"), form_data())
    round = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluations:round_detail", args=[round.pk])
    assert round.root == province.root and round.status == RoundStatus.DRAFT
    assert round.created_by == province.admin.user


def test_bad_form_says_what_is_wrong_and_keeps_what_was_typed(client, province):
    client.force_login(province.admin.user)
    today = timezone.localdate()
    data = form_data(
        name="Putaran yang saya ketik",
        survey_closes_on=(today - dt.timedelta(days=3)).isoformat(),
        weight_lke=50,
        band_b_min="80.0",
    )
    response = client.post(reverse("evaluations:round_create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Survei ditutup sebelum dibuka." in html
    assert "berjumlah 100" in html
    assert "Batas kategori harus menurun" in html
    assert 'value="Putaran yang saya ketik"' in html
    assert not Round.objects.exists()


def test_edit_is_possible_while_draft_only(client, province):
    round = draft_round(province)
    client.force_login(province.admin.user)
    url = reverse("evaluations:round_edit", args=[round.pk])
    client.post(url, form_data(name="Nama baru", min_group=7, min_comment_group=12))
    round.refresh_from_db()
    assert (round.name, round.min_group) == ("Nama baru", 7)
    Round.objects.filter(pk=round.pk).update(status=RoundStatus.OPEN)
    response = client.post(url, form_data(name="Terlambat"))
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.name == "Nama baru"


def test_admin_chooses_instruments_and_opens_the_round(client, province):
    behaviour = behaviour_instrument()
    engagement = engagement_instrument()
    round = draft_round(province)
    client.force_login(province.admin.user)

    panel = client.get(
        reverse("surveys:round_survey_panel", args=[round.pk]), HTTP_HX_REQUEST="true"
    )
    assert "Belum ada instrumen yang dipilih." in panel.content.decode()
    assert "disabled" in panel.content.decode()  # cannot open yet, and says why

    page = client.get(reverse("surveys:round_instruments", args=[round.pk]))
    assert page.status_code == 200
    client.post(
        reverse("surveys:round_instruments", args=[round.pk]),
        {"behaviour": behaviour.pk, "engagement": engagement.pk, "values_selection": ""},
    )
    assert list(
        RoundInstrument.objects.filter(round=round).values_list("instrument", flat=True)
    ) == [
        behaviour.pk,
        engagement.pk,
    ]
    response = client.post(reverse("surveys:round_open", args=[round.pk]), follow=True)
    html = response.content.decode()
    assert "pegawai diundang" in html
    round.refresh_from_db()
    assert round.status == RoundStatus.OPEN
    assert Participation.objects.filter(round=round).count() == 9


def test_instrument_choice_requires_the_behaviour_instrument(client, province):
    behaviour_instrument()
    round = draft_round(province)
    client.force_login(province.admin.user)
    response = client.post(reverse("surveys:round_instruments", args=[round.pk]), {"behaviour": ""})
    assert "Pilih instrumen perilaku BerAKHLAK." in response.content.decode()
    assert not RoundInstrument.objects.exists()


def test_open_without_instrument_is_refused_with_message(client, province):
    round = draft_round(province)
    client.force_login(province.admin.user)
    response = client.post(reverse("surveys:round_open", args=[round.pk]), follow=True)
    assert "Pilih paling sedikit satu instrumen" in response.content.decode()
    round.refresh_from_db()
    assert round.status == RoundStatus.DRAFT


def test_close_from_the_detail_page(client, province):
    round = draft_round(province)
    RoundInstrument.objects.create(round=round, instrument=behaviour_instrument())
    client.force_login(province.admin.user)
    client.post(reverse("surveys:round_open", args=[round.pk]))
    detail = client.get(reverse("evaluations:round_detail", args=[round.pk])).content.decode()
    assert "Tutup putaran" in detail
    client.post(reverse("evaluations:round_transition", args=[round.pk]), {"to": "CLOSED"})
    round.refresh_from_db()
    assert round.status == RoundStatus.CLOSED


def test_opening_is_not_reachable_through_the_generic_transition(client, province):
    round = draft_round(province)
    client.force_login(province.admin.user)
    response = client.post(reverse("evaluations:round_transition", args=[round.pk]), {"to": "OPEN"})
    assert response.status_code == 404
    round.refresh_from_db()
    assert round.status == RoundStatus.DRAFT


@pytest.mark.parametrize("who", ["leader_a", "agent_a", "evaluator", "asn_a"])
def test_round_pages_are_404_for_everyone_but_the_admin(client, province, who):
    round = draft_round(province)
    client.force_login(getattr(province, who).user)
    urls = [
        reverse("evaluations:round_list"),
        reverse("evaluations:round_create"),
        reverse("evaluations:round_detail", args=[round.pk]),
        reverse("evaluations:round_edit", args=[round.pk]),
        reverse("surveys:round_survey_panel", args=[round.pk]),
        reverse("surveys:round_instruments", args=[round.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("surveys:round_open", args=[round.pk])).status_code == 404
    assert (
        client.post(
            reverse("evaluations:round_transition", args=[round.pk]), {"to": "CLOSED"}
        ).status_code
        == 404
    )


def test_admin_of_one_agency_only_cannot_manage_province_rounds(client, province):
    from tests.factories import EmployeeFactory, Role, grant

    local_admin = EmployeeFactory(agency=province.agency_a)
    grant(local_admin.user, Role.ADMIN, province.agency_a)
    round = draft_round(province)
    client.force_login(local_admin.user)
    assert client.get(reverse("evaluations:round_detail", args=[round.pk])).status_code == 404
    assert client.get(reverse("evaluations:round_create")).status_code == 404


def test_anonymous_is_sent_to_login(client, province):
    response = client.get(reverse("evaluations:round_list"))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_a_year_that_does_not_match_the_survey_dates_is_refused(client, province):
    client.force_login(province.admin.user)
    today = timezone.localdate()
    response = client.post(reverse("evaluations:round_create"), form_data(year=today.year - 3))
    html = response.content.decode()
    assert f"Tahun putaran {today.year - 3} tidak cocok dengan jadwal survei" in html
    assert f'value="{today.year - 3}"' in html and not Round.objects.exists()
