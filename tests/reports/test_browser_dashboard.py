"""A leader opens the overview, drills into an agency and changes the ASN-type filter; on a wide
level they page with "Tampilkan berikutnya" and search for a unit, as a user would."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from evaluations.models import RoundStatus
from reports.services.compute import index_compute_now
from tests.conftest import browser_login
from tests.factories import EmployeeFactory, Role, grant
from tests.reports.factories import respond, round_status_set, survey_round
from tests.reports.pages import agencies_add, figures_write
from tests.surveys.factories import core_values_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SHOTS") == "1"
SHOTS_DIR = os.environ.get("SHOTS_DIR", "screenshots")


def shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS_DIR, exist_ok=True)
        page.screenshot(path=f"{SHOTS_DIR}/{name}.png", full_page=True)


def test_leader_overview_drill_down_and_filter(browser, live_server, province):
    core_values_ensure()
    round = survey_round(province)
    respond(
        round,
        "DINKES",
        {"BP": 82, "AK": 76, "KO": 64, "HA": 58, "LO": 70, "AD": 35, "KL": 52},
        count=6,
    )
    respond(round, "UPTD-LAB", 61, count=5)
    respond(round, "DISDIK", 71, count=6)
    respond(round, "DISDIK", 45, count=6, asn_type="PPPK")
    round_status_set(round, RoundStatus.CLOSED)
    index_compute_now(round=round)
    round_status_set(round, RoundStatus.PUBLISHED)
    sekda = EmployeeFactory(agency=province.root, name="Sekda Uji")
    grant(sekda.user, Role.LEADER, province.root)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    browser_login(page, live_server, sekda.nip)
    page.get_by_role("link", name="Dasbor").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pemerintah Provinsi Uji")
    expect(page.get_by_test_id("weak-values")).to_contain_text("Adaptif")
    expect(page.get_by_test_id("unit-DINKES")).to_be_visible()
    expect(page.get_by_role("search")).to_have_count(0)  # three OPDs: no search needed
    shot(page, "dashboard-desktop")

    page.get_by_test_id("unit-DISDIK").get_by_role("link", name="Dinas Pendidikan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dinas Pendidikan")
    all_types = page.get_by_test_id("individual").inner_text()
    page.get_by_label("Jenis ASN").select_option("PPPK")
    page.get_by_role("button", name="Terapkan").click()  # no select acts on change (WCAG 3.2.2)
    expect(page).to_have_url(re.compile("jenis_asn=PPPK"))
    expect(page.get_by_test_id("individual")).not_to_have_text(all_types)
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "dashboard-phone")
    context.close()


def test_a_wide_level_pages_and_searches(browser, live_server, province):
    core_values_ensure()
    agencies_add(province.root, 140, prefix="OPD")
    round = survey_round(province)
    figures_write(round)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    browser_login(page, live_server, province.admin.nip)
    page.goto(f"{live_server.url}/dasbor/{round.pk}/")
    rows = page.locator("tr[data-testid^='unit-']")
    expect(rows).to_have_count(50)
    expect(page.get_by_test_id("units-count")).to_contain_text("143 unit, menurut peringkat")
    expect(page.get_by_test_id("units-more")).to_contain_text("50 dari 143")
    shot(page, "dashboard-wide-desktop")

    # "Tampilkan berikutnya" adds the next 50 rows below, in place (htmx), twice.
    page.get_by_test_id("units-more").click()
    expect(rows).to_have_count(100)
    expect(rows.nth(50).locator("td").first).to_have_text("51")
    page.get_by_test_id("units-more").click()
    expect(rows).to_have_count(143)
    expect(page.get_by_test_id("units-more")).to_have_count(0)

    # Typing in the search narrows the level at once; the address keeps the search.
    page.get_by_label("Cari unit").fill("OPD0117")
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile("cari=OPD0117"))
    expect(page.get_by_test_id("unit-OPD0117")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "dashboard-wide-search-phone")
    page.get_by_test_id("unit-OPD0117").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unit OPD 0117")
    context.close()


def test_the_wide_level_works_without_javascript(browser, live_server, province):
    core_values_ensure()
    agencies_add(province.root, 60, prefix="OPD")
    round = survey_round(province)
    figures_write(round)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    browser_login(page, live_server, province.admin.nip)
    page.goto(f"{live_server.url}/dasbor/{round.pk}/")
    page.get_by_test_id("units-more").click()
    expect(page).to_have_url(re.compile("mulai=50"))
    expect(page.get_by_test_id("units-count")).to_contain_text("Unit 51–63 dari 63")
    expect(page.locator("tr[data-testid^='unit-']")).to_have_count(13)
    page.get_by_label("Cari unit").fill("OPD0042")
    page.get_by_role("button", name="Cari", exact=True).click()
    expect(page.locator("tr[data-testid^='unit-']")).to_have_count(1)
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_leader_compares_with_last_year_on_desktop_and_phone(browser, live_server, province, width):
    """Two published rounds: the headline and the heat map show what changed, in words for a
    screen reader too; on a phone the chart's labels stay readable (>= 11 px)."""
    core_values_ensure()
    before = survey_round(province, year=2025)
    respond(
        before,
        "DINKES",
        {"BP": 70, "AK": 70, "KO": 60, "HA": 55, "LO": 65, "AD": 30, "KL": 50},
        count=6,
    )
    respond(before, "DISDIK", 60, count=6)
    for status in (RoundStatus.CLOSED, RoundStatus.PUBLISHED):
        if status == RoundStatus.PUBLISHED:
            index_compute_now(round=before)
        round_status_set(before, status)
    now = survey_round(province, year=2026)
    respond(
        now,
        "DINKES",
        {"BP": 80, "AK": 68, "KO": 60, "HA": 55, "LO": 65, "AD": 40, "KL": 50},
        count=6,
    )
    respond(now, "DISDIK", 60, count=6)
    round_status_set(now, RoundStatus.CLOSED)
    index_compute_now(round=now)
    round_status_set(now, RoundStatus.PUBLISHED)
    sekda = EmployeeFactory(agency=province.root, name="Sekda Uji")
    grant(sekda.user, Role.LEADER, province.root)

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
    page = context.new_page()
    browser_login(page, live_server, sekda.nip)
    page.goto(f"{live_server.url}/dasbor/{now.pk}/")
    expect(page.get_by_test_id("headline").get_by_test_id("change").first).to_contain_text("naik")
    row = page.get_by_test_id("unit-DINKES")
    expect(row).to_contain_text("▲ +10,0")
    expect(row).to_contain_text("▼ −2,0")
    expect(row.get_by_text(re.compile(r"naik 10,0 dari 70,0"))).to_have_count(1)  # BP
    expect(row.get_by_text(re.compile(r"naik 10,0 dari 30,0"))).to_have_count(1)  # AD
    expect(page.get_by_test_id("change-note")).to_contain_text(before.name)
    chart = page.get_by_test_id("chart-narrow") if width < 576 else page.locator(".chart-wide")
    expect(chart).to_be_visible()
    label = chart.locator("text").filter(has_text="Berorientasi Pelayanan")
    assert label.evaluate("t => t.getBoundingClientRect().height") >= 11
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"dashboard-changes-{width}")
    context.close()
