"""Filling the survey: autosave, resume, validation, scoring, the K limit, refusals, scoping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import RoundStatus
from evaluations.services import round_transition
from surveys import selectors
from surveys.models import Draft, Participation, ParticipationStatus, Response
from surveys.services import filling
from tests.surveys.factories import (
    behaviour_instrument,
    draft_of,
    engagement_instrument,
    full_answers,
    open_round,
    selection_instrument,
    submissions_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round(province):
    return open_round(province)


def participation_of(round, employee) -> Participation:
    return Participation.objects.select_related("round").get(round=round, employee=employee)


def login(client, employee):
    client.force_login(employee.user)
    return client


def autosave(client, participation, key, value):
    data = {"q": key, key: value}
    return client.post(
        reverse("surveys:fill_autosave", args=[participation.pk]), data, HTTP_HX_REQUEST="true"
    )


def test_my_surveys_lists_status(client, province, survey_round):
    login(client, province.asn_a)
    response = client.get(reverse("surveys:my_surveys"))
    assert response.status_code == 200
    assert "Belum mulai" in response.content.decode()
    assert survey_round.name in response.content.decode()


def test_a_submit_after_the_session_expired_leads_back_to_the_review_page(
    client, province, survey_round
):
    participation = participation_of(survey_round, province.asn_a)
    submit = reverse("surveys:fill_submit", args=[participation.pk])
    review = reverse("surveys:fill_review", args=[participation.pk])
    response = client.post(submit)  # no session any more
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={review}"
    participation.refresh_from_db()
    assert participation.status != ParticipationStatus.SUBMITTED
    login(client, province.asn_a)
    assert client.get(review).status_code == 200  # where the login leads: "Kirim" is one click


def test_intro_states_the_confidentiality_promise(client, province, survey_round):
    participation = participation_of(survey_round, province.asn_a)
    login(client, province.asn_a)
    html = client.get(reverse("surveys:fill_intro", args=[participation.pk])).content.decode()
    assert "dipisahkan dari nama" in html
    assert f"paling sedikit {survey_round.min_group} orang" in html
    assert "Mulai" in html


def test_autosave_stores_answer_in_draft_found_through_token(client, province, survey_round):
    participation = participation_of(survey_round, province.asn_a)
    login(client, province.asn_a)
    response = autosave(client, participation, "BP1", "4")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tersimpan" in body
    assert 'id="fill-progress"' in body and "hx-swap-oob" in body
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.STARTED
    assert participation.draft_token is not None
    assert draft_of(participation.draft_token) == {"BP1": 4}
    autosave(client, participation, "BP1", "6")
    token = participation.draft_token
    participation.refresh_from_db()
    assert participation.draft_token == token
    assert draft_of(token) == {"BP1": 6}


def test_autosave_refuses_value_off_the_scale(client, province, survey_round):
    participation = participation_of(survey_round, province.asn_a)
    login(client, province.asn_a)
    body = autosave(client, participation, "BP1", "7").content.decode()
    assert "Belum tersimpan" in body
    assert not Draft.objects.exists()


def test_page_post_without_js_saves_and_goes_on(client, province, survey_round):
    participation = participation_of(survey_round, province.asn_a)
    login(client, province.asn_a)
    url = reverse("surveys:fill_page", args=[participation.pk, "nilai-bp"])
    response = client.post(url, {"BP1": "3", "BP2": "4", "BP3": "5", "next": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith("/halaman/nilai-ak/")
    participation.refresh_from_db()
    assert draft_of(participation.draft_token) == {
        "BP1": 3,
        "BP2": 4,
        "BP3": 5,
    }


def test_resume_lands_on_first_unanswered_item(client, province, survey_round):
    participation = participation_of(survey_round, province.asn_a)
    survey = selectors.survey_for_round(survey_round)
    answers = {k: v for k, v in full_answers(survey).items() if k[:2] in {"BP", "AK"}}
    answers.pop("AK2")
    filling.answers_save(participation=participation, answers=answers)
    login(client, province.asn_a)
    response = client.get(reverse("surveys:fill_resume", args=[participation.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith("/halaman/nilai-ak/#q-AK2")


def test_review_lists_every_missing_answer_with_a_link(client, province, survey_round):
    participation = participation_of(survey_round, province.asn_a)
    survey = selectors.survey_for_round(survey_round)
    answers = full_answers(survey)
    del answers["KO3"]
    answers["CURRENT"] = answers["CURRENT"][:1]
    filling.answers_save(participation=participation, answers=answers)
    login(client, province.asn_a)
    html = client.get(reverse("surveys:fill_review", args=[participation.pk])).content.decode()
    assert "2 pertanyaan belum dijawab" in html
    assert "/halaman/nilai-ko/#q-KO3" in html
    assert "/halaman/pilih-current/#q-CURRENT" in html
    assert "baru 1 dari 3 dipilih" in html
    assert "Kirim jawaban" not in html
    response = client.post(reverse("surveys:fill_submit", args=[participation.pk]), follow=True)
    assert "2 pertanyaan belum dijawab" in response.content.decode()
    assert not submissions_of(survey_round)


def test_values_selection_refuses_more_than_k(client, province, survey_round):
    participation = participation_of(survey_round, province.asn_a)
    login(client, province.asn_a)
    body = autosave(
        client, participation, "PERSONAL", ["OBP", "OAK", "OKO", "OHA"]
    ).content.decode()
    assert "Pilih paling banyak 3" in body
    assert not Draft.objects.exists()
    url = reverse("surveys:fill_page", args=[participation.pk, "pilih-personal"])
    html = client.post(url, {"PERSONAL": ["OBP", "OAK", "OKO", "OHA"]}).content.decode()
    assert "Pilih paling banyak 3" in html
    body = autosave(client, participation, "PERSONAL", ["OBP", "OAK"]).content.decode()
    assert "2 dari 3 dipilih" in body


def test_submit_computes_scores_including_reverse_items(province):
    behaviour = behaviour_instrument(reverse=("BP3",))
    round = open_round(
        province, instruments=[behaviour, engagement_instrument(n=2), selection_instrument(k=3)]
    )
    participation = participation_of(round, province.asn_a)
    survey = selectors.survey_for_round(round)
    answers = full_answers(survey, scale_value=6)
    answers.update({"BP1": 6, "BP2": 1, "BP3": 1, "AK1": 3, "EE1": 6, "EE2": 4})
    answers["CURRENT"] = ["OAK", "OBP", "LIM1"]
    answers["PERSONAL"] = ["OKO", "OHA", "OLO"]
    filling.answers_save(participation=participation, answers=answers)
    filling.survey_submit(participation=participation)
    assert not Response.objects.exists()  # sealed until the round's release
    [response] = submissions_of(round)
    # BP: 6 -> 100, 1 -> 0, reverse 1 -> 100: mean 66.67
    assert response.score_bp == pytest.approx(200 / 3)
    assert response.score_ak == pytest.approx((40 + 100 + 100) / 3)
    assert response.score_kl == pytest.approx(100)
    assert response.score_engagement == pytest.approx((100 + 60) / 2)
    assert response.current_values == "AK,BP"
    assert response.current_limiting == 1
    assert response.personal_values == "HA,KO,LO"
    assert response.answers["BP3"] == 1
    assert response.round_agency_id == participation.round_agency_id
    assert response.asn_type == participation.asn_type


def test_submit_is_idempotent_and_shows_receipt(client, province, survey_round):
    participation = participation_of(survey_round, province.asn_a)
    filling.answers_save(
        participation=participation, answers=full_answers(selectors.survey_for_round(survey_round))
    )
    login(client, province.asn_a)
    url = reverse("surveys:fill_submit", args=[participation.pk])
    first = client.post(url)
    second = client.post(url)
    assert first.status_code == second.status_code == 302
    assert len(submissions_of(survey_round)) == 1
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.SUBMITTED
    assert participation.draft_token is None
    assert participation.submitted_on == timezone.localdate()
    assert not Draft.objects.exists()
    html = client.get(reverse("surveys:fill_receipt", args=[participation.pk])).content.decode()
    assert "Jawaban Anda sudah kami terima pada" in html
    # No answer is shown back: the pages send the person to the receipt.
    page = client.get(reverse("surveys:fill_page", args=[participation.pk, "nilai-bp"]))
    assert page.status_code == 302 and page["Location"].endswith("/tanda-terima/")


def test_autosave_after_submit_is_refused(client, province, survey_round):
    participation = participation_of(survey_round, province.asn_a)
    filling.answers_save(
        participation=participation, answers=full_answers(selectors.survey_for_round(survey_round))
    )
    filling.survey_submit(participation=participation)
    with pytest.raises(filling.FillRefused, match="sudah dikirim"):
        filling.answers_save(participation=participation, answers={"BP1": 2})
    login(client, province.asn_a)
    response = autosave(client, participation, "BP1", "2")
    assert response["HX-Refresh"] == "true"
    assert len(submissions_of(survey_round)) == 1
    assert not Draft.objects.exists()


def test_autosave_after_window_closes_is_refused_and_page_is_read_only(client, province):
    today = timezone.localdate()
    round = open_round(
        province, opens=today - dt.timedelta(days=10), closes=today - dt.timedelta(days=1)
    )
    participation = participation_of(round, province.asn_a)
    with pytest.raises(filling.FillRefused, match="sudah berakhir"):
        filling.answers_save(participation=participation, answers={"BP1": 2})
    login(client, province.asn_a)
    response = autosave(client, participation, "BP1", "2")
    assert response["HX-Refresh"] == "true"
    assert not Draft.objects.exists()
    html = client.get(
        reverse("surveys:fill_page", args=[participation.pk, "nilai-bp"])
    ).content.decode()
    assert 'data-testid="read-only"' in html
    assert "sudah berakhir" in html
    assert "disabled" in html and "hx-post" not in html
    response = client.post(reverse("surveys:fill_submit", args=[participation.pk]), follow=True)
    assert "sudah berakhir" in response.content.decode()
    assert not submissions_of(round)


def test_autosave_when_round_not_open_is_refused(province, survey_round):
    participation = participation_of(survey_round, province.asn_a)
    round_transition(round=survey_round, to=RoundStatus.CLOSED, by=province.admin.user)
    participation.round.refresh_from_db()
    with pytest.raises(filling.FillRefused, match="tidak dibuka"):
        filling.answers_save(participation=participation, answers={"BP1": 2})
    with pytest.raises(filling.FillRefused):
        filling.survey_submit(participation=participation)


@pytest.mark.parametrize("who", ["asn_b", "leader_a", "admin", "evaluator", "agent_a"])
def test_another_users_participation_is_404(client, province, survey_round, who):
    participation = participation_of(survey_round, province.asn_a)
    filling.answers_save(participation=participation, answers={"BP1": 3})
    login(client, getattr(province, who))
    for name, args in [
        ("surveys:fill_intro", [participation.pk]),
        ("surveys:fill_resume", [participation.pk]),
        ("surveys:fill_page", [participation.pk, "nilai-bp"]),
        ("surveys:fill_review", [participation.pk]),
        ("surveys:fill_receipt", [participation.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert autosave(client, participation, "BP1", "6").status_code == 404
    assert client.post(reverse("surveys:fill_submit", args=[participation.pk])).status_code == 404
    assert draft_of(Draft.objects.get().token) == {"BP1": 3}


def test_anonymous_is_sent_to_login(client, province, survey_round):
    participation = participation_of(survey_round, province.asn_a)
    response = client.get(reverse("surveys:fill_page", args=[participation.pk, "nilai-bp"]))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_autosave_racing_a_submit_in_another_tab_is_refused(province, survey_round):
    """The tab still believes the survey is open; the draft is gone, so the save is refused."""
    participation = participation_of(survey_round, province.asn_a)
    survey = selectors.survey_for_round(survey_round)
    filling.answers_save(participation=participation, answers=full_answers(survey), survey=survey)
    stale_tab = participation_of(survey_round, province.asn_a)
    filling.survey_submit(participation=participation_of(survey_round, province.asn_a))
    with pytest.raises(filling.FillRefused):
        filling.answers_save(participation=stale_tab, answers={"BP1": 1}, survey=survey)
    [response] = submissions_of(survey_round)
    assert response.answers["BP1"] == 5
    assert not Draft.objects.exists()


def test_later_autosaves_merge_and_remove_answers_in_the_draft(province, survey_round):
    participation = participation_of(survey_round, province.asn_a)
    filling.answers_save(participation=participation, answers={"BP1": 2})
    participation = participation_of(survey_round, province.asn_a)
    assert filling.answers_save(participation=participation, answers={"BP2": 6}) == {
        "BP1": 2,
        "BP2": 6,
    }
    assert filling.answers_save(participation=participation, answers={"BP1": None}) == {"BP2": 6}
    assert draft_of(Draft.objects.get().token) == {"BP2": 6}


def test_an_autosave_after_the_session_ended_answers_401_not_the_login_page(
    client, province, survey_round
):
    participation = participation_of(survey_round, province.asn_a)
    response = autosave(client, participation, "BP1", "4")  # nobody logged in
    assert response.status_code == 401
    body = response.content.decode()
    assert "sesi Anda berakhir" in body and "<form" not in body and "<html" not in body
    # Without htmx (no JavaScript) the usual way to the login page.
    plain = client.post(reverse("surveys:fill_autosave", args=[participation.pk]), {"q": "BP1"})
    assert plain.status_code == 302 and reverse("login") in plain["Location"]
    assert selectors.draft_answers(participation) == {}
