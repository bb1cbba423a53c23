"""A leader reads how sure the figures are: the ranges of the headline, the error bars of the
seven-values chart and the heat map's hover, on a desktop and on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from evaluations.models import RoundAgency, RoundStatus
from reports.services.compute import index_compute_now
from tests.conftest import browser_login
from tests.factories import EmployeeFactory, Role, grant
from tests.reports.factories import respond, round_status_set, survey_round
from tests.reports.test_browser_dashboard import shot
from tests.surveys.factories import core_values_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_sees_the_ranges_on_desktop_and_phone(browser, live_server, province):
    core_values_ensure()
    round = survey_round(province)
    for score in (40, 55, 60, 70, 85, 90):
        respond(
            round,
            "DINKES",
            {
                "BP": score,
                "AK": score,
                "KO": score - 10,
                "HA": score,
                "LO": score,
                "AD": score - 30,
                "KL": score,
            },
        )
        respond(round, "DISDIK", score)
    RoundAgency.objects.filter(round=round, code="DINKES").update(roster_count=30)
    round_status_set(round, RoundStatus.CLOSED)
    index_compute_now(round=round)
    round_status_set(round, RoundStatus.PUBLISHED)
    sekda = EmployeeFactory(agency=province.root, name="Sekda Uji")
    grant(sekda.user, Role.LEADER, province.root)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    browser_login(page, live_server, sekda.nip)
    page.goto(f"{live_server.url}/dasbor/{round.pk}/")
    expect(page.get_by_test_id("individual-interval")).to_contain_text("95%: ")
    wide = page.locator(".chart-wide svg")
    expect(wide.locator("g.error-bar")).to_have_count(7)
    expect(page.get_by_test_id("interval-note")).to_be_visible()
    cell = page.get_by_test_id("unit-DINKES").locator("td[title^='95%: ']").first
    expect(cell).to_be_visible()
    shot(page, "intervals-desktop")

    page.get_by_test_id("unit-DINKES").get_by_role("link", name="Dinas Kesehatan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dinas Kesehatan")
    expect(page.get_by_test_id("participation-note")).to_contain_text("bisa bias")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_test_id("individual-interval")).to_be_visible()
    narrow = page.get_by_test_id("chart-narrow")
    expect(narrow).to_be_visible()
    expect(narrow.locator("g.error-bar")).to_have_count(7)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "intervals-phone")
    context.close()


def test_admin_computes_the_instrument_quality(browser, live_server, province):
    from tests.reports.test_quality import _round_with_answers

    round, _codes, _rows = _round_with_answers(province, 20)
    round_status_set(round, RoundStatus.CLOSED)
    index_compute_now(round=round)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    browser_login(page, live_server, province.admin.nip)
    page.goto(f"{live_server.url}/putaran/{round.pk}/indeks/")  # the index panel as a page
    page.get_by_role("link", name="Mutu instrumen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mutu instrumen")
    page.get_by_role("button", name="Hitung mutu instrumen").click()
    expect(page.get_by_test_id("quality-table")).to_be_visible()
    expect(page.get_by_test_id("straight-share")).to_have_text("20,0%")
    shot(page, "quality-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_role("button", name="Hitung ulang mutu instrumen")).to_be_visible()
    shot(page, "quality-phone")
    context.close()


def test_the_quality_page_waits_for_the_worker_and_shows_its_result(browser, live_server, province):
    from reports.models import InstrumentQuality
    from reports.services.quality import instrument_quality_build
    from tests.reports.test_quality import _round_with_answers

    round, _codes, _rows = _round_with_answers(province, 20)
    round_status_set(round, RoundStatus.CLOSED)
    run, _computed = index_compute_now(round=round)
    waiting = InstrumentQuality.objects.create(run=run)  # asked; no worker has taken it yet
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    browser_login(page, live_server, province.admin.nip)
    page.goto(f"{live_server.url}/putaran/{round.pk}/indeks/mutu-instrumen/")
    status = page.get_by_test_id("quality-status")
    expect(status).to_contain_text("Menunggu")
    expect(page.get_by_role("button", name="Hitung mutu instrumen")).to_have_count(0)
    shot(page, "quality-waiting-phone")
    instrument_quality_build(waiting.pk)  # the worker, here
    # The page polls every two seconds and shows the result without a reload.
    expect(page.get_by_test_id("quality-table")).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("straight-share")).to_have_text("20,0%")
    expect(page.get_by_role("button", name="Hitung ulang mutu instrumen")).to_be_visible()
    # Per unit, the values in the instrument's order (BP first), as in the table above.
    expect(page.get_by_test_id("quality-unit-DINKES").locator("td").last).to_contain_text(
        re.compile(r"^BP .*AK .*KO .*HA .*LO .*AD .*KL ")
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "quality-done-desktop")
    context.close()
