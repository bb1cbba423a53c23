"""The admin creates a round in the browser, chooses instruments, opens it; the ASN then finds it."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from evaluations.models import Round, RoundStatus
from surveys.models import Participation
from tests.conftest import browser_login
from tests.surveys.factories import (
    behaviour_instrument,
    engagement_instrument,
    selection_instrument,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SHOTS") == "1"
SHOTS_DIR = os.environ.get("SHOTS_DIR", "screenshots")


def shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS_DIR, exist_ok=True)
        page.screenshot(path=f"{SHOTS_DIR}/{name}.png", full_page=True)


def test_admin_creates_and_opens_a_round_then_the_asn_sees_the_survey(
    browser, live_server, province
):
    behaviour_instrument()
    engagement_instrument()
    selection_instrument()
    today = timezone.localdate()

    admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = admin.new_page()
    browser_login(page, live_server, province.admin.nip)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Putaran"
    ).click()
    page.get_by_role("link", name="Buat putaran").click()
    expect(page.get_by_role("textbox", name="Nama", exact=True)).to_have_value(
        re.compile("Evaluasi Budaya Kerja BerAKHLAK")
    )

    # A mistake first: the survey closes before it opens. The form says so and keeps the rest.
    page.get_by_role("textbox", name="Nama", exact=True).fill("Evaluasi Budaya Kerja Uji")
    page.get_by_label("Survei dibuka").fill(today.isoformat())
    page.get_by_label("Survei ditutup").fill((today - dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Buat putaran").click()
    expect(page.locator("#id_survey_closes_on_error")).to_have_text(
        "Survei ditutup sebelum dibuka."
    )
    expect(page.get_by_test_id("error-summary")).to_contain_text("Survei ditutup sebelum dibuka.")
    expect(page.get_by_role("textbox", name="Nama", exact=True)).to_have_value(
        "Evaluasi Budaya Kerja Uji"
    )
    shot(page, "round-form-error-desktop")

    page.get_by_label("Survei ditutup").fill((today + dt.timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Buat putaran").click()
    expect(page.get_by_test_id("round-status")).to_have_text("Draf")
    expect(page.get_by_test_id("survey-panel")).to_contain_text("Belum ada instrumen yang dipilih.")
    expect(page.get_by_role("button", name="Buka putaran")).to_be_disabled()

    page.get_by_role("link", name="Pilih instrumen").click()
    expect(page.get_by_label(re.compile("Perilaku BerAKHLAK \\(uji\\)"))).to_be_checked()
    page.get_by_role("button", name="Simpan pilihan").click()
    expect(page.get_by_test_id("survey-panel")).to_contain_text("Perilaku BerAKHLAK (uji)")
    shot(page, "round-detail-draft-desktop")
    page.get_by_role("button", name="Buka putaran").click()
    # The confirm step: what opening will do; nothing is open yet.
    summary = page.get_by_test_id("open-summary")
    expect(summary).to_contain_text("9 pegawai aktif diundang")
    expect(summary).to_contain_text("Instrumen dibekukan")
    assert Round.objects.get(name="Evaluasi Budaya Kerja Uji").status == RoundStatus.DRAFT
    page.get_by_label("Kirim e-mail undangan").check()
    shot(page, "round-open-confirm-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "round-open-confirm-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Ya, buka putaran").click()
    expect(page.get_by_text("9 pegawai diundang")).to_be_visible()
    expect(page.get_by_text("e-mail undangan sedang dikirim ke 9 pegawai")).to_be_visible()
    expect(page.get_by_test_id("round-status")).to_have_text("Dibuka")
    expect(page.get_by_test_id("invited")).to_have_text("9")
    shot(page, "round-detail-open-desktop")

    round = Round.objects.get(name="Evaluasi Budaya Kerja Uji")
    assert round.status == RoundStatus.OPEN
    assert Participation.objects.filter(round=round).count() == 9
    assert len(mail.outbox) == 9  # the invitation, once (eager Celery without REDIS_URL)

    phone = browser.new_context(viewport={"width": 360, "height": 800}, locale="id-ID")
    asn_page = phone.new_page()
    browser_login(asn_page, live_server, province.asn_a.nip)
    asn_page.goto(f"{live_server.url}/survei/")
    expect(asn_page.get_by_text("Evaluasi Budaya Kerja Uji")).to_be_visible()
    expect(asn_page.get_by_role("link", name="Mulai mengisi")).to_be_visible()
    if SHOTS:
        page.set_viewport_size({"width": 360, "height": 800})
        page.reload()
        shot(page, "round-detail-open-phone")
        page.goto(f"{live_server.url}/putaran/baru/")
        shot(page, "round-form-phone")
