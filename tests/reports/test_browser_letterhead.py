"""The Biro's admin opens "Laporan saya", follows "Kop dan penanda tangan laporan", gets a clear
refusal for a wrong NIP with what was typed kept, corrects it, uploads the logo and sees the
preview of what every PDF will print."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from reports.models import ReportLetterhead
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_admin_edits_the_letterhead(browser, live_server, province, tmp_path, width):
    logo = tmp_path / "logo.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "#0b4f8a").save(buffer, "PNG")
    logo.write_bytes(buffer.getvalue())
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
    page = context.new_page()
    browser_login(page, live_server, province.admin.nip)
    page.goto(f"{live_server.url}/laporan/")
    page.get_by_test_id("letterhead-link").click()
    expect(page.get_by_role("heading", name="Kop dan penanda tangan laporan")).to_be_visible()
    expect(page.get_by_test_id("unsigned")).to_be_visible()
    page.get_by_label("Nama penanda tangan").fill("Dr. Hj. Fulanah, M.Si.")
    page.get_by_label("NIP penanda tangan").fill("1965")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("NIP harus 18 digit, bukan 4.")).to_be_visible()
    expect(page.get_by_label("Nama penanda tangan")).to_have_value("Dr. Hj. Fulanah, M.Si.")
    page.get_by_label("NIP penanda tangan").fill("19650101 199003 2 001")
    page.get_by_label("Logo provinsi").set_input_files(str(logo))
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Kop dan penanda tangan laporan disimpan.")).to_be_visible()
    preview = page.get_by_test_id("letterhead-preview")
    expect(preview).to_contain_text("Dr. Hj. Fulanah, M.Si.")
    expect(preview).to_contain_text("NIP 196501011990032001")
    expect(preview.get_by_role("img", name="Logo")).to_be_visible()
    expect(page.get_by_test_id("unsigned")).to_have_count(0)
    page.screenshot(path=str(tmp_path / f"letterhead-{width}.png"), full_page=True)
    assert ReportLetterhead.objects.get().logo_type == "image/png"
    context.close()
