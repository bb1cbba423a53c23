"""The response-rate board as the change agent and the admin use it: open a subtree, watch the
10-second poll bring a new submission, page a wide level, and see the poll stop after closing."""

from __future__ import annotations

import io
import os
import re

import pytest
from playwright.sync_api import expect

from evaluations.models import Round, RoundStatus
from surveys.models import Participation
from surveys.selectors import board as selectors_board
from tests.conftest import browser_login
from tests.reports.pages import agencies_add
from tests.surveys.factories import behaviour_instrument, core_values_ensure, open_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SHOTS") == "1"
SHOTS_DIR = os.environ.get("SHOTS_DIR", "screenshots")


def shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS_DIR, exist_ok=True)
        page.screenshot(path=f"{SHOTS_DIR}/{name}.png", full_page=True)


def submit_quietly(round, employee) -> None:
    """A submission made elsewhere meanwhile (the board only counts it)."""
    from surveys import selectors
    from surveys.services.filling import answers_save, survey_submit
    from tests.surveys.factories import full_answers

    participation = Participation.objects.get(round=round, employee=employee)
    survey = selectors.survey_for_round(round)
    answers_save(participation=participation, answers=full_answers(survey), survey=survey)
    survey_submit(participation=participation)


def test_open_a_subtree_and_watch_the_poll(browser, live_server, province, monkeypatch):
    monkeypatch.setattr(selectors_board, "REFRESH_SECONDS", 0)  # each poll reads the counts
    core_values_ensure()
    agencies_add(province.root, 70, prefix="OPD")
    round = open_round(province, instruments=[behaviour_instrument()])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    browser_login(page, live_server, province.admin.nip)
    page.get_by_role("link", name="Tingkat respons").first.click()
    rows = page.locator("tr[data-testid^='board-row-']")
    expect(rows).to_have_count(51)  # the province and the first 50 of its 73 units
    expect(page.get_by_test_id("board-row-UPTD-LAB")).to_have_count(0)
    shot(page, "board-tree-desktop")

    # Open Dinas Kesehatan: its unit appears under it, the address keeps the open state.
    page.get_by_test_id("toggle-DINKES").click()
    expect(page.get_by_test_id("board-row-UPTD-LAB")).to_be_visible()
    expect(page).to_have_url(re.compile(r"buka="))
    expect(page.get_by_test_id("toggle-DINKES")).to_have_attribute("aria-expanded", "true")

    # The rest of the wide level.
    page.get_by_test_id("board-more").click()
    expect(rows).to_have_count(1 + 73 + 1)
    expect(page.get_by_test_id("board-more")).to_have_count(0)

    # Someone in the lab submits; within one poll the open rows and the totals show it.
    before = page.get_by_test_id("total-completed").inner_text()
    submit_quietly(round, province.asn_unit)
    lab = page.get_by_test_id("board-row-UPTD-LAB")
    expect(lab.get_by_test_id("submitted")).to_have_text("1", timeout=15_000)
    expect(page.get_by_test_id("total-completed")).not_to_have_text(before)
    expect(page.get_by_test_id("subtree-DINKES")).to_contain_text("1 dari 4")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "board-tree-phone")

    # Close the subtree again.
    page.get_by_test_id("toggle-DINKES").click()
    expect(page.get_by_test_id("board-row-UPTD-LAB")).to_have_count(0)

    # Once the round is closed, the next poll renders no trigger and the polling ends.
    Round.objects.filter(pk=round.pk).update(status=RoundStatus.CLOSED)
    polls = []
    page.on("request", lambda r: polls.append(r.url) if "/survei/respons/" in r.url else None)
    expect(page.get_by_text("Putaran tidak lagi dibuka")).to_be_visible(timeout=15_000)
    seen = len(polls)
    page.wait_for_timeout(11_000)
    assert len(polls) == seen
    context.close()


def test_a_change_agent_sees_their_own_subtree(browser, live_server, province):
    core_values_ensure()
    open_round(province, instruments=[behaviour_instrument()])
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    browser_login(page, live_server, province.agent_a.nip)
    page.get_by_role("link", name="Tingkat respons").first.click()
    expect(page.locator("tr[data-testid^='board-row-']")).to_have_count(2)
    expect(page.get_by_test_id("board-row-DINKES")).to_be_visible()
    expect(page.get_by_test_id("board-row-UPTD-LAB")).to_be_visible()
    expect(page.get_by_text("Dinas Pendidikan")).to_have_count(0)
    page.get_by_label("Hanya yang belum memenuhi minimum").check()
    page.get_by_role("button", name="Terapkan").click()  # no control acts on change (WCAG 3.2.2)
    expect(page).to_have_url(re.compile("kurang=1"))  # htmx swapped the board and pushed the URL
    expect(page.get_by_test_id("board-row-DINKES")).to_be_visible()
    expect(page.get_by_test_id("board-export")).to_have_attribute("href", re.compile("kurang=1"))
    shot(page, "board-filter-phone")
    with page.expect_download() as download:
        page.get_by_test_id("board-export").click()
    from openpyxl import load_workbook

    with open(download.value.path(), "rb") as file:
        book = load_workbook(io.BytesIO(file.read()), read_only=True)
    codes = {row[0] for row in list(book["Tingkat Respons"].iter_rows(values_only=True))[1:]}
    assert codes <= {"DINKES", "UPTD-LAB"} and "DINKES" in codes
    # The address is shareable: opened afresh it shows the same filter; back returns to before.
    shared = page.url
    page.go_back()
    expect(page).not_to_have_url(re.compile("kurang=1"))
    expect(page.get_by_test_id("board-row-UPTD-LAB")).to_be_visible()
    page.goto(shared)
    expect(page.get_by_label("Hanya yang belum memenuhi minimum")).to_be_checked()
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "board-filter-desktop")
    context.close()
