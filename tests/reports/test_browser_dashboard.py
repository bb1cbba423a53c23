"""A leader opens the overview, drills into an agency and changes the ASN-type filter."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from evaluations.models import RoundStatus
from reports.services.compute import index_compute_now
from tests.conftest import browser_login
from tests.factories import EmployeeFactory, Role, grant
from tests.reports.factories import respond, round_status_set, survey_round
from tests.surveys.factories import core_values_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    if os.environ.get("SHOTS") == "1":
        page.screenshot(path="screenshots/dashboard-desktop.png", full_page=True)

    page.get_by_test_id("unit-DISDIK").get_by_role("link", name="Dinas Pendidikan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dinas Pendidikan")
    all_types = page.get_by_test_id("individual").inner_text()
    page.get_by_label("Jenis ASN").select_option("PPPK")
    expect(page).to_have_url(__import__("re").compile("jenis_asn=PPPK"))
    expect(page.get_by_test_id("individual")).not_to_have_text(all_types)
    if os.environ.get("SHOTS") == "1":
        page.set_viewport_size({"width": 360, "height": 800})
        page.screenshot(path="screenshots/dashboard-phone.png", full_page=True)
    context.close()
