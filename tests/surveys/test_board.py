"""Response-rate board: figures, subtree totals, minimum rule, paper responses, scoping."""

from __future__ import annotations

import pytest
from django.urls import reverse

from berakhlak.models import path_segment
from evaluations.models import RoundAgency
from surveys import selectors
from surveys.models import PaperImport, Participation
from surveys.selectors.board import board_rows
from surveys.services.filling import answers_save, survey_submit
from tests.factories import EmployeeFactory
from tests.surveys.factories import behaviour_instrument, full_answers, open_round

pytestmark = pytest.mark.django_db


def submit(round, employee) -> None:
    participation = Participation.objects.get(round=round, employee=employee)
    survey = selectors.survey_for_round(round)
    answers_save(participation=participation, answers=full_answers(survey), survey=survey)
    survey_submit(participation=participation)


@pytest.fixture
def survey_round(province):
    return open_round(province, instruments=[behaviour_instrument()])


def rows_by_code(user, round):
    return {row.agency.code: row for row in board_rows(user, round)}


def test_figures_after_submissions_with_subtree_totals(province, survey_round):
    submit(survey_round, province.asn_a)
    submit(survey_round, province.asn_unit)
    rows = rows_by_code(province.admin.user, survey_round)
    dinkes, lab, prov = rows["DINKES"], rows["UPTD-LAB"], rows["PROV"]
    assert (dinkes.invited, dinkes.submitted, dinkes.percent) == (3, 1, 33)
    assert (lab.invited, lab.submitted, lab.percent) == (1, 1, 100)
    assert (dinkes.tree_invited, dinkes.tree_completed) == (4, 2)
    assert (prov.tree_invited, prov.tree_completed) == (9, 2)


def test_minimum_is_the_larger_of_people_and_percent(province, survey_round):
    dinkes = RoundAgency.objects.get(round=survey_round, code="DINKES")
    survey_round.min_respondents, survey_round.min_respondents_pct = 2, 30
    survey_round.save()
    dinkes.refresh_from_db()
    assert dinkes.min_respondents_needed() == 2  # 30% of 3 is 1; 2 people is larger
    survey_round.min_respondents = 1
    survey_round.min_respondents_pct = 100
    survey_round.save()
    dinkes.refresh_from_db()
    assert dinkes.min_respondents_needed() == 3
    survey_round.min_respondents = 50
    survey_round.save()
    dinkes.refresh_from_db()
    assert dinkes.min_respondents_needed() == 3  # never above the roster


def test_minimum_met_flag(province, survey_round):
    survey_round.min_respondents, survey_round.min_respondents_pct = 1, 0
    survey_round.save()
    submit(survey_round, province.asn_b)
    rows = rows_by_code(province.admin.user, survey_round)
    assert rows["DISDIK"].minimum_met
    assert not rows["DINKES"].minimum_met


def test_paper_responses_count_for_their_agency(province, survey_round):
    disdik = RoundAgency.objects.get(round=survey_round, code="DISDIK")
    PaperImport.objects.create(round=survey_round, round_agency=disdik, count=1)
    row = rows_by_code(province.admin.user, survey_round)["DISDIK"]
    assert (row.submitted, row.paper, row.completed) == (0, 1, 1)
    assert row.percent == 33


def test_change_agent_sees_only_own_agency(client, province, survey_round):
    rows = rows_by_code(province.agent_a.user, survey_round)
    assert set(rows) == {"DINKES", "UPTD-LAB"}
    client.force_login(province.agent_a.user)
    html = client.get(reverse("surveys:board", args=[survey_round.pk])).content.decode()
    assert "Dinas Kesehatan" in html
    assert "Dinas Pendidikan" not in html and "DISDIK" not in html


def test_leader_sees_own_subtree_only(province, survey_round):
    assert set(rows_by_code(province.leader_b.user, survey_round)) == {"DISDIK"}


def test_admin_sees_every_agency(province, survey_round):
    assert set(rows_by_code(province.admin.user, survey_round)) == {
        "PROV",
        "DINKES",
        "UPTD-LAB",
        "DISDIK",
        "BIRO-ORG",
    }


@pytest.mark.parametrize("who", ["asn_a", "evaluator"])
def test_people_without_a_board_role_get_404(client, province, survey_round, who):
    client.force_login(getattr(province, who).user)
    assert client.get(reverse("surveys:board_index")).status_code == 404
    assert client.get(reverse("surveys:board", args=[survey_round.pk])).status_code == 404


def test_change_agent_of_an_agency_outside_the_round_gets_404(client, province, survey_round):
    from tests.factories import AgencyFactory, Role, grant

    other_root = AgencyFactory(code="PROV2", name="Provinsi Lain")
    agent = EmployeeFactory(agency=other_root)
    grant(agent.user, Role.CHANGE_AGENT, other_root)
    client.force_login(agent.user)
    assert client.get(reverse("surveys:board", args=[survey_round.pk])).status_code == 404


def test_board_page_and_live_partial(client, province, survey_round):
    submit(survey_round, province.asn_a)
    client.force_login(province.admin.user)
    url = reverse("surveys:board", args=[survey_round.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 10s"' in page
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert 'data-testid="board-row-DINKES"' in partial
    below = client.get(url, {"kurang": "1"}).content.decode()
    assert "board-row-BIRO-ORG" in below


def test_board_never_names_anyone(client, province, survey_round):
    submit(survey_round, province.asn_a)
    client.force_login(province.admin.user)
    html = client.get(reverse("surveys:board", args=[survey_round.pk])).content.decode()
    for person in (province.asn_a, province.asn_unit, province.asn_b):
        assert person.name not in html and person.nip not in html


def test_admin_sends_reminders_from_the_board(
    client, province, survey_round, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(province.admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("surveys:board_remind", args=[survey_round.pk]), follow=True)
    assert "Pengingat sedang dikirim ke 9 ASN" in response.content.decode()
    assert len(mailoutbox) == 9


def test_change_agent_cannot_send_reminders(client, province, survey_round, mailoutbox):
    client.force_login(province.agent_a.user)
    assert client.post(reverse("surveys:board_remind", args=[survey_round.pk])).status_code == 404
    assert mailoutbox == []


def test_after_a_reorganisation_the_board_keeps_the_rounds_own_tree(province, survey_round):
    """UPTD-LAB moves from DINKES to DISDIK after the round opened: every count of both leaders'
    boards still follows the round's snapshot, so a subtree's total and the page's total agree."""
    from berakhlak.models import Agency
    from surveys.selectors.board import board_agencies_for_user, board_tree

    submit(survey_round, province.asn_unit)
    lab, disdik = Agency.objects.get(code="UPTD-LAB"), Agency.objects.get(code="DISDIK")
    Agency.objects.filter(pk=lab.pk).update(parent=disdik, path=disdik.path + path_segment(lab.pk))
    assert set(rows_by_code(province.leader_a.user, survey_round)) == {"DINKES", "UPTD-LAB"}
    assert set(rows_by_code(province.leader_b.user, survey_round)) == {"DISDIK"}
    tree = board_tree(province.leader_a.user, survey_round)
    dinkes = rows_by_code(province.leader_a.user, survey_round)["DINKES"]
    totals = tree.totals()
    assert (totals["invited"], totals["completed"]) == (dinkes.tree_invited, dinkes.tree_completed)
    assert totals["completed"] == 1
    codes = set(
        board_agencies_for_user(province.leader_b.user, survey_round).values_list("code", flat=True)
    )
    assert codes == {"DISDIK"}


def test_reminder_button_says_when_nobody_is_due(client, province, survey_round, mailoutbox):
    Participation.objects.filter(round=survey_round).update(
        reminders_sent=survey_round.reminder_max
    )
    client.force_login(province.admin.user)
    url = reverse("surveys:board_remind", args=[survey_round.pk])
    response = client.post(url, follow=True)
    assert "Tidak ada ASN yang perlu diingatkan sekarang" in response.content.decode()
    assert mailoutbox == []
