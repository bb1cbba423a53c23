"""The board's Excel workbook: the page's scope and filter, counts only; the filter in the URL."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from surveys import selectors
from surveys.models import Participation
from surveys.services.filling import answers_save, survey_submit
from tests.surveys.factories import behaviour_instrument, full_answers, open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round(province):
    return open_round(province, instruments=[behaviour_instrument()])


def submit(round, employee) -> None:
    participation = Participation.objects.get(round=round, employee=employee)
    survey = selectors.survey_for_round(round)
    answers_save(participation=participation, answers=full_answers(survey), survey=survey)
    survey_submit(participation=participation)


def workbook_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return list(book["Tingkat Respons"].iter_rows(values_only=True))


def test_admin_workbook_has_every_unit_with_the_pages_counts(client, province, survey_round):
    submit(survey_round, province.asn_unit)
    client.force_login(province.admin.user)
    rows = workbook_rows(client.get(reverse("surveys:board_export", args=[survey_round.pk])))
    header, *body = rows
    assert header[:5] == ("Kode unit", "Unit", "Tingkat", "Unit induk", "Diundang")
    by_code = {row[0]: row for row in body}
    assert set(by_code) == {"PROV", "DINKES", "UPTD-LAB", "DISDIK", "BIRO-ORG"}
    codes = list(by_code)  # tree order: a unit right after its parent
    assert codes[0] == "PROV" and codes.index("UPTD-LAB") == codes.index("DINKES") + 1
    lab = by_code["UPTD-LAB"]
    assert lab[3] == "DINKES" and (lab[4], lab[5], lab[7], lab[8]) == (1, 1, 1, 100)
    assert by_code["DINKES"][12:14] == (4, 1)


def test_change_agent_workbook_keeps_to_their_subtree_and_names_nobody(
    client, province, survey_round
):
    submit(survey_round, province.asn_a)
    client.force_login(province.agent_a.user)
    response = client.get(reverse("surveys:board_export", args=[survey_round.pk]))
    codes = {row[0] for row in workbook_rows(response)[1:]}
    assert codes == {"DINKES", "UPTD-LAB"}
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    text = " ".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )
    for person in (province.asn_a, province.asn_unit, province.asn_b):
        assert person.name not in text and person.nip not in text


def test_workbook_follows_the_filter_of_the_address(client, province, survey_round):
    survey_round.min_respondents, survey_round.min_respondents_pct = 1, 0
    survey_round.save()
    submit(survey_round, province.asn_b)  # DISDIK meets its minimum
    client.force_login(province.admin.user)
    url = reverse("surveys:board_export", args=[survey_round.pk])
    codes = [row[0] for row in workbook_rows(client.get(url, {"kurang": "1"}))[1:]]
    assert "DISDIK" not in codes and "DINKES" in codes
    page = client.get(reverse("surveys:board", args=[survey_round.pk]), {"kurang": "1"})
    assert f"{url}?kurang=1" in page.content.decode()


@pytest.mark.parametrize("who", ["asn_a", "evaluator"])
def test_workbook_is_404_without_a_board_role(client, province, survey_round, who):
    client.force_login(getattr(province, who).user)
    url = reverse("surveys:board_export", args=[survey_round.pk])
    assert client.get(url).status_code == 404


def test_back_button_restore_gets_the_whole_page(client, province, survey_round):
    client.force_login(province.admin.user)
    url = reverse("surveys:board", args=[survey_round.pk])
    restore = client.get(
        url, {"urut": "persen"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restore.content.decode()
    swap = client.get(url, {"urut": "persen"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in swap and 'id="board-open"' in swap and "hx-swap-oob" in swap
