"""A change agent asks, another answers, the first accepts the answer; an admin runs the check-in
of an event while a member checks in with the code shown on the screen."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from forums.models import Category, CategoryKind, Event, EventKind, Forum, Membership, Thread
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SHOTS") == "1"


def shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs("screenshots", exist_ok=True)
        page.screenshot(path=f"screenshots/{name}.png", full_page=True)


def test_question_answer_accept_and_event_check_in(browser, live_server, province):
    forum = Forum.objects.create(name="FOSKO SI DARA", slug="fosko-si-dara", root=province.root)
    Category.objects.create(forum=forum, kind=CategoryKind.CONSULTATION, name="Konsultasi", order=1)
    day = dt.date(2024, 9, 2)
    for person, agency in (
        (province.agent_a, province.agency_a),
        (province.agent_b, province.agency_b),
    ):
        Membership.objects.create(forum=forum, employee=person, agency=agency, sk_number="061/2024", sk_date=day, active_from=day)  # fmt: skip
    now = timezone.now()
    event = Event.objects.create(forum=forum, kind=EventKind.TRAINING, title="Pelatihan Agen Perubahan", place="Aula", starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(hours=4))  # fmt: skip

    asker_ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    asker = asker_ctx.new_page()
    browser_login(asker, live_server, province.agent_a.nip)
    asker.locator(".navbar-toggler").click()  # the phone's menu button
    asker.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Forum").click()
    asker.get_by_role("link", name="Tulis utas baru").click()
    asker.get_by_label("Judul").fill("Bukti untuk kriteria rencana aksi?")
    asker.get_by_label("Isi", exact=True).fill("Apa saja bukti yang **diterima** evaluator?")
    asker.get_by_role("button", name="Kirim").click()
    expect(asker.get_by_role("heading", name="Bukti untuk kriteria rencana aksi?")).to_be_visible()
    thread = Thread.objects.get()

    other_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    other = other_ctx.new_page()
    browser_login(other, live_server, province.agent_b.nip)
    other.goto(f"{live_server.url}/forum/{forum.slug}/")
    other.get_by_role("link", name="Bukti untuk kriteria rencana aksi?").click()
    other.get_by_label("Isi balasan").fill("Rencana aksi yang **sudah ditetapkan** beserta SK-nya.")
    other.get_by_role("button", name="Kirim balasan").click()
    expect(other.get_by_test_id("post")).to_have_count(2)

    asker.reload()
    asker.get_by_role("button", name="Tandai sebagai jawaban").click()
    expect(asker.get_by_test_id("accepted")).to_be_visible()
    thread.refresh_from_db()
    assert thread.accepted_post.body.startswith("Rencana aksi")
    shot(asker, "forum-thread-phone")

    admin_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    admin = admin_ctx.new_page()
    browser_login(admin, live_server, province.admin.nip)
    admin.goto(f"{live_server.url}/forum/{forum.slug}/kegiatan/")
    admin.get_by_role("link", name="Pelatihan Agen Perubahan").click()
    admin.get_by_role("link", name="Layar kehadiran (kode dan QR)").click()
    code = admin.get_by_test_id("checkin-code").inner_text().strip()
    assert code == event.checkin_code
    expect(admin.get_by_test_id("screen-count")).to_contain_text("0 hadir")
    shot(admin, "forum-checkin-screen")

    other.goto(f"{live_server.url}/forum/{forum.slug}/kegiatan/{event.pk}/")
    other.get_by_label("Kode kehadiran").fill("WRONG1")
    other.get_by_role("button", name="Isi daftar hadir").click()
    expect(other.get_by_text("Kode kehadiran salah")).to_be_visible()
    other.get_by_label("Kode kehadiran").fill(code)
    other.get_by_role("button", name="Isi daftar hadir").click()
    expect(other.get_by_test_id("attended")).to_be_visible()
    expect(admin.get_by_test_id("screen-count")).to_contain_text("1 hadir", timeout=10_000)
    for context in (asker_ctx, other_ctx, admin_ctx):
        context.close()
