"""The admin edits an unfrozen instrument in the browser: add an item, move it up, reverse it."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from surveys.models import Item
from tests.conftest import browser_login
from tests.surveys.factories import engagement_instrument

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_adds_moves_and_reverses_an_item(page, live_server, province):
    instrument = engagement_instrument(n=3)
    browser_login(page, live_server, province.admin.nip)
    page.goto(f"{live_server.url}/putaran/")
    page.get_by_role("link", name="Instrumen survei").click()
    page.get_by_role("link", name=instrument.name).click()
    page.get_by_role("link", name="Tambah butir").click()
    page.get_by_role("textbox", name="Kode").fill("EE8")
    page.get_by_role("textbox", name="Pernyataan", exact=True).fill(
        "Saya merasa pekerjaan saya bermakna."
    )
    page.get_by_role("textbox", name="Pernyataan dalam bahasa Inggris").fill(
        "I feel my work is meaningful."
    )
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("item-EE8")).to_contain_text("bermakna")
    expect(page.get_by_test_id("item-EE8")).to_contain_text("I feel my work is meaningful.")

    page.get_by_role("button", name="Naikkan EE8").click()
    expect(page.locator("#items tbody tr").nth(2)).to_have_attribute("data-testid", "item-EE8")
    page.get_by_role("button", name="Ubah skor terbalik EE8").click()
    expect(page.get_by_test_id("item-EE8").get_by_test_id("reverse-on")).to_be_visible()
    if os.environ.get("SHOTS") == "1":
        page.screenshot(path="screenshots/instrument-desktop.png", full_page=True)
        page.set_viewport_size({"width": 360, "height": 800})
        page.screenshot(path="screenshots/instrument-phone.png", full_page=True)

    page.reload()
    expect(page.locator("#items tbody tr").nth(2)).to_have_attribute("data-testid", "item-EE8")
    item = Item.objects.get(instrument=instrument, code="EE8")
    assert (item.order, item.reverse) == (3, True)
