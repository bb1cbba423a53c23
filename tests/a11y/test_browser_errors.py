"""A refused form: the error summary takes the focus, its links lead into the fields, each error is
announced with its field, and the page in that state passes axe; on a phone the roles page keeps
its "Cabut" buttons on the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.a11y.axe import assert_accessible
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_form_focuses_its_error_summary_and_links_to_the_fields(
    browser, live_server, province
):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    browser_login(page, live_server, province.admin.nip)
    page.goto(f"{live_server.url}/peran/")
    page.get_by_role("button", name="Beri peran").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Periksa isian berikut")
    nip = page.locator("#id_nip")
    expect(nip).to_have_attribute("aria-invalid", "true")
    described = nip.get_attribute("aria-describedby").split()
    assert "id_nip_error" in described
    expect(page.locator("#id_nip_error")).not_to_be_empty()
    assert_accessible(page, "refused role form @390")

    page.keyboard.press("Tab")  # the summary's first link
    expect(summary.get_by_role("link").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(nip).to_be_focused()

    # On a phone "Cabut" stays on the screen, not behind a sideways scroll of the table.
    revoke = page.get_by_role("button", name="Cabut").first
    box = revoke.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    context.close()
