"""The response-rate board as a collapsible tree at national width: constant queries, the poll
refreshes only what is shown and stops when the round is not open, scope and counts unchanged."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from berakhlak.models import AgencyKind
from evaluations.models import RoundAgency, RoundStatus
from surveys.models import Participation
from surveys.selectors import board as selectors_board
from surveys.services.filling import answers_save, survey_submit
from surveys.views.board import LEVEL_PAGE
from tests.factories import EmployeeFactory
from tests.reports.pages import agencies_add
from tests.surveys.factories import behaviour_instrument, full_answers, open_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts(monkeypatch):
    """Every request reads the counts anew (the 10-second snapshot is tested on its own)."""
    cache.clear()
    monkeypatch.setattr(selectors_board, "REFRESH_SECONDS", 0)
    yield
    cache.clear()


def submit(round, employee) -> None:
    from surveys import selectors

    participation = Participation.objects.get(round=round, employee=employee)
    survey = selectors.survey_for_round(round)
    answers_save(participation=participation, answers=full_answers(survey), survey=survey)
    survey_submit(participation=participation)


def rows_shown(html: str) -> list[str]:
    return re.findall(r'data-testid="board-row-([^"]+)"', html)


def board_url(round, **params) -> str:
    from urllib.parse import urlencode

    url = reverse("surveys:board", args=[round.pk])
    return f"{url}?{urlencode(params)}" if params else url


def pk(round, code: str) -> int:
    return RoundAgency.objects.get(round=round, code=code).pk


def wide(province, opds: int, units: int):
    agencies_add(province.root, opds, prefix=f"B{opds}-O")
    for unit in agencies_add(province.agency_a, units, prefix=f"B{opds}-U", kind=AgencyKind.UPTD)[
        :3
    ]:
        EmployeeFactory(agency=unit)
    return open_round(province, instruments=[behaviour_instrument()])


def count(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(captured)


def test_the_same_queries_at_10_and_at_200_units(client, province):
    client.force_login(province.admin.user)
    results = []
    for size in (10, 200):
        round = wide(province, size, size)
        root, dinkes = pk(round, "PROV"), pk(round, "DINKES")
        urls = [
            board_url(round),
            board_url(round, buka=f"{root},{dinkes}"),
            board_url(round, buka=f"{root},{dinkes}", urut="persen"),
            board_url(round, kurang="1"),
        ]
        results.append(
            [count(client, url) for url in urls]
            + [count(client, urls[1], **{"HX-Request": "true", "HX-Target": "board"})]
        )
        Participation.objects.filter(round=round).delete()  # the next round invites afresh
    assert results[0] == results[1]


def test_the_tree_opens_level_by_level(client, province):
    round = open_round(province, instruments=[behaviour_instrument()])
    submit(round, province.asn_a)
    submit(round, province.asn_unit)
    client.force_login(province.admin.user)
    html = client.get(board_url(round)).content.decode()
    # The top (the province) and the level below it; DINKES closed, with its subtree total.
    assert rows_shown(html) == ["PROV", "DINKES", "DISDIK", "BIRO-ORG"]  # tree order
    assert 'data-testid="toggle-DINKES"' in html and 'aria-expanded="false"' in html
    assert "Termasuk unit di bawahnya: 2 dari 4 (50%)" in html
    # Opening DINKES (htmx) shows its units; the totals and the live poll come along.
    url = board_url(round, buka=f"{pk(round, 'PROV')},{pk(round, 'DINKES')}")
    opened = client.get(url, headers={"HX-Request": "true", "HX-Target": "board"}).content.decode()
    assert "<html" not in opened
    assert rows_shown(opened) == ["PROV", "DINKES", "UPTD-LAB", "DISDIK", "BIRO-ORG"]
    assert 'data-testid="board-totals"' in opened
    # The poll asks for exactly this state again.
    poll = re.search(r'id="board"[^>]*hx-get="([^"]+)"', opened).group(1).replace("&amp;", "&")
    assert f"buka={pk(round, 'PROV')}%2C{pk(round, 'DINKES')}" in poll
    assert 'hx-trigger="every 10s"' in opened
    # Closing the province leaves one row.
    closed = client.get(board_url(round, buka="")).content.decode()
    assert rows_shown(closed) == ["PROV"]


def test_a_wide_level_shows_pages_and_sorts_within_its_level(client, province):
    agencies_add(province.root, 120, prefix="W-")
    round = open_round(province, instruments=[behaviour_instrument()])
    client.force_login(province.admin.user)
    html = client.get(board_url(round)).content.decode()
    shown = rows_shown(html)
    assert shown[0] == "PROV" and len(shown) == 1 + LEVEL_PAGE
    assert 'data-testid="board-more"' in html and "dari 123 unit" in html
    root = pk(round, "PROV")
    more = client.get(board_url(round, buka=str(root), hal=f"{root}.2")).content.decode()
    assert len(rows_shown(more)) == 1 + 2 * LEVEL_PAGE
    everything = client.get(board_url(round, buka=str(root), hal=f"{root}.3")).content.decode()
    assert len(rows_shown(everything)) == 1 + 123 and 'data-testid="board-more"' not in everything
    # "urut=persen": lowest first among siblings (the units with employees below 100%).
    submit(round, province.asn_b)  # DISDIK 1 of 3
    by_percent = client.get(board_url(round, urut="persen", hal=f"{root}.3")).content.decode()
    order = rows_shown(by_percent)[1:]
    assert order.index("DISDIK") > order.index("DINKES")  # 33% after 0%


def test_below_minimum_is_a_flat_list_of_the_visible_units(client, province):
    round = open_round(province, instruments=[behaviour_instrument()])
    round.min_respondents, round.min_respondents_pct = 1, 0
    round.save()
    submit(round, province.asn_b)
    client.force_login(province.agent_a.user)
    html = client.get(board_url(round, kurang="1")).content.decode()
    assert rows_shown(html) == ["DINKES", "UPTD-LAB"]  # DISDIK met it; outside their scope anyway
    assert "toggle-" not in html
    client.force_login(province.admin.user)
    html = client.get(board_url(round, kurang="1")).content.decode()
    assert "DISDIK" not in rows_shown(html) and "DINKES" in rows_shown(html)


def test_scope_is_unchanged_and_nobody_is_named(client, province):
    round = open_round(province, instruments=[behaviour_instrument()])
    submit(round, province.asn_a)
    client.force_login(province.leader_b.user)
    html = client.get(board_url(round)).content.decode()
    assert rows_shown(html) == ["DISDIK"]
    assert "DINKES" not in html and "Dinas Kesehatan" not in html
    # Asking for another agency's subtree by id shows nothing of it.
    sneaky = client.get(board_url(round, buka=str(pk(round, "DINKES")))).content.decode()
    assert "UPTD-LAB" not in sneaky and "DINKES" not in sneaky
    client.force_login(province.agent_a.user)
    html = client.get(board_url(round)).content.decode()
    assert rows_shown(html) == ["DINKES", "UPTD-LAB"]
    for person in (province.asn_a, province.asn_unit, province.asn_b):
        assert person.name not in html and person.nip not in html


def test_polling_stops_when_the_round_is_not_open(client, province):
    round = open_round(province, instruments=[behaviour_instrument()])
    client.force_login(province.admin.user)
    assert 'hx-trigger="every 10s"' in client.get(board_url(round)).content.decode()
    round.status = RoundStatus.CLOSED
    round.save(update_fields=["status"])
    partial = client.get(board_url(round), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and 'id="board"' in partial


def test_counts_refresh_within_the_polling_interval(client, province, monkeypatch):
    monkeypatch.setattr(selectors_board, "REFRESH_SECONDS", 10)
    round = open_round(province, instruments=[behaviour_instrument()])
    rows = {r.agency.code: r for r in selectors_board.board_rows(province.admin.user, round)}
    assert rows["DINKES"].submitted == 0
    submit(round, province.asn_a)
    # Within the interval the snapshot stands (every viewer shares one count per 10 s) ...
    rows = {r.agency.code: r for r in selectors_board.board_rows(province.admin.user, round)}
    assert rows["DINKES"].submitted == 0
    # ... and once it is older than that, the next request reads the counts again.
    key = selectors_board._snapshot_key(round)
    entry = cache.get(key)
    cache.set(key, {**entry, "at": entry["at"] - 11})
    rows = {r.agency.code: r for r in selectors_board.board_rows(province.admin.user, round)}
    assert rows["DINKES"].submitted == 1 and rows["PROV"].tree_completed == 1


def test_the_snapshot_keeps_the_minimum_rule_of_the_round_agency(province):
    round = open_round(province, instruments=[behaviour_instrument()])
    round.min_respondents, round.min_respondents_pct = 4, 30
    round.save()
    tree = selectors_board.board_tree(province.admin.user, round)
    for agency in RoundAgency.objects.filter(round=round).select_related("round"):
        for roster in (0, 1, 3, 7, 13, 40, 1000):
            agency.roster_count = roster
            tree.units[agency.pk] = (*tree.units[agency.pk][:7], roster)
            assert tree.needed(agency.pk) == agency.min_respondents_needed(), roster
    # Paper answers count in the totals even where nobody was invited online.
    from surveys.models import PaperImport

    root = RoundAgency.objects.get(round=round, code="PROV")
    PaperImport.objects.create(round=round, round_agency=root, count=1)
    totals = selectors_board.board_tree(province.admin.user, round).totals()
    assert totals["completed"] == 1 and totals["invited"] == 9
