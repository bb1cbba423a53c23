"""On a phone: an ASN answers half, leaves, comes back on another device, resumes, finishes, submits;
the answers wait sealed and the response board counts the submission at once."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from surveys.models import Draft, Participation, ParticipationStatus, Response
from tests.conftest import browser_login
from tests.surveys.factories import open_round, submissions_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 800}


SHOTS = os.environ.get("SHOTS") == "1"


def shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs("screenshots", exist_ok=True)
        page.screenshot(path=f"screenshots/{name}.png", full_page=True)


def login(page, live_server, nip: str) -> None:
    browser_login(page, live_server, nip)  # the password and, where needed, the second factor


def answer(page, key: str, value: int) -> None:
    page.locator(f"#q-{key}-{value}").check()
    expect(page.locator(f"#status-{key}")).to_have_text(re.compile("Tersimpan"))


def test_asn_resumes_on_another_device_and_submits_once(browser, live_server, province):
    round = open_round(province)
    asn = province.asn_a

    first = browser.new_context(viewport=PHONE, locale="id-ID")
    page = first.new_page()
    login(page, live_server, asn.nip)
    page.goto(f"{live_server.url}/survei/")
    page.get_by_role("link", name="Mulai mengisi").click()
    expect(page.get_by_test_id("confidentiality-promise")).to_contain_text("dipisahkan dari nama")
    shot(page, "survey-intro-phone")
    page.get_by_role("link", name="Mulai").click()
    expect(page).to_have_url(re.compile(r"/halaman/nilai-bp/#q-BP1$"))
    for value_code in ("BP", "AK", "KO"):
        for n in (1, 2, 3):
            answer(page, f"{value_code}{n}", 4)
        page.get_by_role("button", name="Simpan dan lanjut").click()
    answer(page, "HA1", 5)
    expect(page.locator("#fill-progress")).to_contain_text("10 dari 27")
    shot(page, "survey-page-phone")
    first.close()  # the browser is closed without submitting anything

    second = browser.new_context(viewport=PHONE, locale="id-ID")  # another device
    page = second.new_page()
    login(page, live_server, asn.nip)
    page.goto(f"{live_server.url}/survei/")
    expect(page.get_by_test_id("survey-row")).to_contain_text("Sedang mengisi")
    page.get_by_role("link", name="Lanjutkan mengisi").click()
    expect(page).to_have_url(re.compile(r"/halaman/nilai-ha/#q-HA2$"))
    assert page.locator("#q-HA1-5").is_checked()
    # The question one lands on is below the sticky progress bar, not under it
    bar = page.locator("#fill-progress").bounding_box()
    question = page.locator("#q-HA2").bounding_box()
    assert question["y"] >= bar["y"] + bar["height"] - 1, (bar, question)
    # "Survei saya" is in the ASN's menu
    page.get_by_role("button", name="Buka menu").click()
    expect(page.get_by_test_id("nav-my-surveys")).to_have_attribute("href", "/survei/")
    page.get_by_role("button", name="Buka menu").click()

    # Keyboard only: Tab into the group, arrows move and choose, Space confirms.
    page.locator("#q-HA1-5").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#q-HA2-1")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(page.locator("#q-HA2-3")).to_be_checked()
    expect(page.locator("#status-HA2")).to_have_text(re.compile("Tersimpan"))

    answer(page, "HA3", 6)
    page.get_by_role("button", name="Simpan dan lanjut").click()
    for value_code in ("LO", "AD", "KL"):
        for n in (1, 2, 3):
            answer(page, f"{value_code}{n}", 5)
        page.get_by_role("button", name="Simpan dan lanjut").click()
    for n in (1, 2, 3):
        answer(page, f"EE{n}", 6)
    page.get_by_role("button", name="Simpan dan lanjut").click()
    for key in ("PERSONAL", "CURRENT", "DESIRED"):
        for code in ("OBP", "OAK", "OKO"):
            page.locator(f"#q-{key}-{code}").check()
            expect(page.locator(f"#status-{key}")).to_have_text(re.compile("Tersimpan"))
        expect(page.locator(f"#counter-{key}")).to_have_text("3 dari 3 dipilih")
        page.locator(f"#q-{key}-OHA").click()  # the fourth is refused
        expect(page.locator(f"#q-{key}-OHA")).not_to_be_checked()
        expect(page.locator(f"#status-{key}")).to_contain_text("Hapus satu pilihan")
        page.get_by_role("button", name=re.compile("Simpan dan (lanjut|periksa)")).click()

    expect(page.get_by_test_id("complete")).to_be_visible()
    shot(page, "survey-review-phone")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_test_id("receipt")).to_contain_text("Jawaban Anda sudah kami terima pada")
    shot(page, "survey-receipt-phone")
    second.close()

    # Sealed until the round closes: nothing readable in the database, one submission waiting.
    assert not Response.objects.filter(round=round).exists()
    assert not Draft.objects.filter(round=round).exists()
    [submission] = submissions_of(round)
    assert submission.answers["HA2"] == 3
    participation = Participation.objects.get(round=round, employee=asn)
    assert participation.status == ParticipationStatus.SUBMITTED

    # The admin's response-rate board shows the completion for the ASN's agency.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = desk.new_page()
    login(page, live_server, province.admin.nip)
    page.get_by_role("link", name="Tingkat respons").first.click()
    row = page.get_by_test_id("board-row-DINKES")
    expect(row.get_by_test_id("submitted")).to_have_text("1")
    expect(row.get_by_test_id("percent")).to_have_text("33%")
    expect(page.get_by_test_id("total-completed")).to_have_text("1")
    shot(page, "board-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "board-phone")
    desk.close()
