"""The admin presses "Hitung" on the round page, lets leaders follow the live figures, closes,
computes the final figures and publishes; the agency leader then filters the dashboard."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from evaluations.models import Round, RoundStatus
from tests.conftest import browser_login
from tests.reports.factories import respond, survey_round
from tests.surveys.factories import core_values_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SHOTS") == "1"


def test_admin_computes_opens_live_figures_and_publishes(browser, live_server, province):
    core_values_ensure()
    round = survey_round(province)
    respond(round, "DINKES", 72, count=6)
    respond(round, "UPTD-LAB", 61, count=5)
    respond(round, "DISDIK", 58, count=6)

    admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = admin.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    browser_login(page, live_server, province.admin.nip)
    page.goto(f"{live_server.url}/putaran/{round.pk}/")
    panel = page.get_by_test_id("index-panel")
    expect(panel).to_contain_text("Belum ada perhitungan")
    panel.get_by_role("button", name="Hitung").click()
    expect(page.get_by_test_id("index-shown")).to_contain_text("Angka sementara")
    expect(page.get_by_test_id("index-shown")).to_contain_text("17 jawaban")
    page.get_by_role("button", name="Izinkan pimpinan melihat angka sementara").click()
    expect(page.get_by_text("Pimpinan dapat melihat angka sementara")).to_be_visible()
    assert Round.objects.get(pk=round.pk).live_to_leaders
    if SHOTS:
        os.makedirs("screenshots", exist_ok=True)
        page.screenshot(path="screenshots/index-panel.png", full_page=True)

    leader = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    lpage = leader.new_page()
    browser_login(lpage, live_server, province.leader_a.nip)
    lpage.goto(f"{live_server.url}/dasbor/{round.pk}/")
    expect(lpage.get_by_text("Angka sementara")).to_be_visible()
    expect(lpage.get_by_test_id("individual")).to_have_text("67,0")  # (6 x 72 + 5 x 61) / 11

    # Closing the round computes its final figures at once (Celery runs eagerly in tests).
    page.get_by_role("button", name="Tutup putaran").click()
    page.goto(f"{live_server.url}/putaran/{round.pk}/")
    expect(page.get_by_test_id("index-shown")).to_contain_text("Angka final")
    page.get_by_role("button", name="Publikasikan", exact=True).click()
    expect(page.get_by_test_id("index-shown")).to_contain_text("dipublikasikan")
    assert Round.objects.get(pk=round.pk).status == RoundStatus.PUBLISHED

    lpage.goto(f"{live_server.url}/dasbor/{round.pk}/")
    expect(lpage.get_by_text("Angka sementara")).to_have_count(0)
    lpage.get_by_label("Jenis unit").select_option("UPTD")
    lpage.get_by_role("button", name="Terapkan").click()  # no select acts on change (WCAG 3.2.2)
    expect(lpage.get_by_test_id("unit-UPTD-LAB")).to_be_visible()
    admin.close()
    leader.close()
