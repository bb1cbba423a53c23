"""The admin builds a round's LKE in the browser: default worksheet, a criterion added with a
mistake and fixed, the weight total, reordering, deletion, the appeal window and freezing."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from evaluations.models import Criterion
from tests.conftest import browser_login
from tests.evaluations.test_round_states import draft_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SHOTS") == "1"


def shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs("screenshots", exist_ok=True)
        page.screenshot(path=f"screenshots/{name}.png", full_page=True)


def test_admin_edits_the_worksheet_and_freezes_it(browser, live_server, province):
    round = draft_round(province)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    browser_login(page, live_server, province.admin.nip)
    page.goto(f"{live_server.url}/putaran/{round.pk}/lke/")
    page.get_by_role("button", name="Buat LKE bawaan").click()
    expect(page.get_by_test_id("weight-total")).to_contain_text("jumlah bobot 100")
    components = page.get_by_test_id("component")
    expect(components).to_have_count(7)

    # A new criterion in the first component; the code is taken: the typed text stays.
    components.first.get_by_role("link", name="Tambah kriteria").click()
    page.get_by_label("Kode").fill("1.2")
    page.get_by_label("Pertanyaan").fill("Instansi menerbitkan buletin budaya kerja.")
    page.get_by_label("Jenis jawaban").select_option("ABC")
    page.get_by_label("Bobot").fill("5")
    page.get_by_role("button", name="Simpan").click()
    # Next to the field and in the summary at the top, which has the focus.
    expect(page.locator("#id_code_error")).to_contain_text("sudah dipakai kriteria lain")
    expect(page.get_by_test_id("error-summary")).to_be_focused()
    expect(page.get_by_label("Pertanyaan")).to_have_value(
        "Instansi menerbitkan buletin budaya kerja."
    )
    page.get_by_label("Kode").fill("1.9")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("weight-total")).to_contain_text("jumlah bobot 105")
    expect(page.get_by_role("button", name="Bekukan sekarang")).to_be_disabled()
    shot(page, "lke-worksheet-editor")

    new = page.get_by_test_id("criterion-1.9")
    new.get_by_role("button", name="Naikkan").click()
    codes = list(
        Criterion.objects.filter(component__worksheet__round=round, component__order=1)
        .order_by("order")
        .values_list("code", flat=True)
    )
    assert codes == ["1.1", "1.2", "1.9", "1.3"]
    page.get_by_test_id("criterion-1.9").get_by_role("button", name="Hapus").click()
    expect(page.get_by_test_id("criterion-1.9")).to_have_count(0)
    expect(page.get_by_test_id("weight-total")).to_contain_text("jumlah bobot 100")

    page.get_by_label("Dibuka").fill(round.review_opens_on.isoformat())
    page.get_by_label("Ditutup").fill(round.review_closes_on.isoformat())
    page.get_by_role("button", name="Simpan masa sanggah").click()
    expect(page.get_by_text("Masa sanggah disimpan.")).to_be_visible()

    page.get_by_role("button", name="Bekukan sekarang").click()
    expect(page.get_by_test_id("worksheet-frozen")).to_be_visible()
    expect(page.get_by_role("link", name="Tambah kriteria")).to_have_count(0)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    small = phone.new_page()
    browser_login(small, live_server, province.admin.nip)
    small.goto(f"{live_server.url}/putaran/{round.pk}/lke/")
    expect(small.get_by_test_id("component")).to_have_count(7)
    shot(small, "lke-worksheet-phone")
    context.close()
    phone.close()
