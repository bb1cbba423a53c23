"""Browser flows of the forum: a change agent asks, another answers, the first accepts the answer;
an admin runs the check-in of an event while a member checks in with the code shown on the screen.
Then: the admin nominates a change agent and creates an event, a member attaches the attendance
to their agency's LKE, shares a good practice and finds it, a moderator hides a reply."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evaluations.models import Evidence
from forums.models import Category, CategoryKind, Event, EventKind, Forum, Membership, Thread
from tests.conftest import browser_login
from tests.evaluations.lke_factories import lke_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SHOTS") == "1"
SHOTS_DIR = os.environ.get("SHOTS_DIR", "screenshots")


def shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS_DIR, exist_ok=True)
        page.screenshot(path=f"{SHOTS_DIR}/{name}.png", full_page=True)


def test_question_answer_accept_and_event_check_in(browser, live_server, province):
    forum = Forum.objects.create(name="FOSKO SI DARA", slug="fosko-si-dara", root=province.root)
    Category.objects.create(forum=forum, kind=CategoryKind.CONSULTATION, name="Konsultasi", order=1)
    day = dt.date(2024, 9, 2)
    for person, agency in (
        (province.agent_a, province.agency_a),
        (province.agent_b, province.agency_b),
    ):
        Membership.objects.create(
            forum=forum,
            employee=person,
            agency=agency,
            sk_number="061/2024",
            sk_date=day,
            active_from=day,
        )
    now = timezone.now()
    event = Event.objects.create(
        forum=forum,
        kind=EventKind.TRAINING,
        title="Pelatihan Agen Perubahan",
        place="Aula",
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(hours=4),
    )

    asker_ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    asker = asker_ctx.new_page()
    browser_login(asker, live_server, province.agent_a.nip)
    asker.locator(".navbar-toggler").click()  # the phone's menu button
    asker.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Forum").click()
    expect(asker).to_have_url(re.compile(r"/forum/fosko-si-dara/$"))  # the one forum's home
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
    other.get_by_label("Isi balasan").fill("Rencana aksi yang **sudah ditetapkan**.")
    other.get_by_role("button", name="Kirim balasan").click()
    expect(other.get_by_test_id("post")).to_have_count(2)

    # The answerer edits their reply (within the window) and names the asker.
    other.get_by_test_id("post-edit").last.click()
    other.get_by_label("Isi tulisan").fill(
        f"Rencana aksi yang **sudah ditetapkan** beserta SK-nya, @{province.agent_a.nip}."
    )
    shot(other, "forum-post-edit-desktop")
    other.get_by_role("button", name="Simpan perubahan").click()
    answer = other.get_by_test_id("post").last
    expect(answer).to_contain_text(f"@{province.agent_a.name}")  # the mention as a name
    expect(answer.get_by_test_id("edited")).to_be_visible()

    # The asker's navbar counts the notification; opening it leads to the reply.
    asker.reload()
    asker.locator(".navbar-toggler").click()
    expect(asker.get_by_test_id("forum-unread")).to_contain_text("1")
    asker.get_by_role("link", name=re.compile(r"^Pemberitahuan")).click()
    notice = asker.get_by_test_id("notice")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("membalas utas Anda")  # already told: the mention adds none
    shot(asker, "forum-notices-phone")
    notice.get_by_role("link").click()
    expect(asker).to_have_url(re.compile(r"#post-\d+$"))
    expect(asker.get_by_test_id("forum-unread")).to_have_count(0)
    asker.get_by_role("button", name="Tandai sebagai jawaban").click()
    expect(asker.get_by_test_id("accepted")).to_be_visible()
    thread.refresh_from_db()
    assert thread.accepted_post.body.startswith("Rencana aksi")
    shot(asker, "forum-thread-phone")
    other.reload()
    expect(other.get_by_test_id("forum-unread")).to_contain_text("1")  # their answer accepted
    other.get_by_role("link", name=re.compile(r"^Pemberitahuan")).click()
    expect(other.get_by_test_id("notice")).to_contain_text("dipilih sebagai jawaban")
    shot(other, "forum-notices-desktop")

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


def test_members_events_evidence_library_and_moderation(browser, live_server, province):
    forum = Forum.objects.create(name="FOSKO SI DARA", slug="fosko-si-dara", root=province.root)
    consult = Category.objects.create(
        forum=forum, kind=CategoryKind.CONSULTATION, name="Konsultasi"
    )
    day = dt.date(2024, 9, 2)
    Membership.objects.create(
        forum=forum,
        employee=province.agent_b,
        agency=province.agency_b,
        sk_number="061/2024",
        sk_date=day,
        active_from=day,
        moderator=True,
    )
    setup = lke_round(province)
    criterion = setup.ra_a.assessments.get(criterion__code="4.1")

    admin_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    admin = admin_ctx.new_page()
    browser_login(admin, live_server, province.admin.nip)
    admin.goto(f"{live_server.url}/forum/{forum.slug}/anggota/")
    expect(admin.get_by_test_id("uncovered")).to_contain_text("Dinas Kesehatan")
    admin.get_by_label("NIP").fill(province.agent_a.nip)
    admin.get_by_label("Nomor SK").fill("061/0421/ORG/2024")
    admin.get_by_label("Tanggal SK").fill("2024-09-02")
    admin.get_by_label("Teladan (role model)").check()
    admin.get_by_role("button", name="Tetapkan").click()
    expect(admin.get_by_test_id("members")).to_contain_text(province.agent_a.name)
    expect(admin.get_by_test_id("uncovered")).not_to_contain_text("Dinas Kesehatan")
    shot(admin, "forum-members")

    admin.get_by_role("link", name="Kegiatan").first.click()
    start = timezone.localtime() - dt.timedelta(minutes=5)
    admin.get_by_label("Judul").fill("Rapat Koordinasi Agen Perubahan")
    admin.get_by_label("Jenis").select_option("COORDINATION")
    admin.get_by_label("Mulai").fill(start.strftime("%Y-%m-%dT%H:%M"))
    admin.get_by_label("Selesai").fill((start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    admin.get_by_label("Tempat").fill("Ruang Rapat Biro Organisasi")
    admin.get_by_role("button", name="Buat kegiatan").click()
    expect(admin.get_by_role("heading", name="Rapat Koordinasi Agen Perubahan")).to_be_visible()
    event = Event.objects.get(title="Rapat Koordinasi Agen Perubahan")

    agent_ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    agent = agent_ctx.new_page()
    browser_login(agent, live_server, province.agent_a.nip)
    agent.goto(
        f"{live_server.url}/forum/{forum.slug}/kegiatan/{event.pk}/?kode={event.checkin_code}"
    )
    expect(agent.get_by_label("Kode kehadiran")).to_have_value(
        event.checkin_code
    )  # from the QR link
    agent.get_by_role("button", name="Isi daftar hadir").click()
    expect(agent.get_by_test_id("attended")).to_be_visible()
    agent.get_by_label("Lampirkan daftar hadir sebagai bukti LKE Dinas Kesehatan").select_option(
        str(criterion.pk)
    )
    agent.get_by_role("button", name="Lampirkan").click()
    expect(agent.get_by_text("Daftar hadir dilampirkan sebagai bukti kriteria 4.1")).to_be_visible()
    assert Evidence.objects.get().assessment == criterion
    shot(agent, "forum-event-phone")

    agent.goto(f"{live_server.url}/forum/{forum.slug}/pustaka/")
    agent.get_by_label("Judul").fill("Layanan tanpa antre")
    agent.get_by_label("Uraian (Markdown)").fill("Reservasi **daring** mengurangi antrean.")
    agent.get_by_label("Berorientasi Pelayanan").check()
    agent.get_by_role("button", name="Simpan").click()
    agent.get_by_placeholder("Cari praktik baik…").fill("antrean")
    agent.get_by_role("button", name="Cari").click()
    expect(agent.get_by_test_id("practices")).to_contain_text("Layanan tanpa antre")
    expect(agent.get_by_test_id("practices")).to_contain_text("Dinas Kesehatan")
    shot(agent, "forum-library-phone")

    thread = Thread.objects.create(
        forum=forum, category=consult, title="Tanya rencana aksi", author=province.agent_b.user
    )
    thread.posts.create(author=province.agent_b.user, body="Tanya", body_html="<p>Tanya</p>")
    agent.goto(f"{live_server.url}/forum/{forum.slug}/utas/{thread.pk}/")
    agent.get_by_label("Isi balasan").fill("Promosi yang tidak pantas")
    agent.get_by_role("button", name="Kirim balasan").click()
    expect(agent.get_by_test_id("post")).to_have_count(2)

    moderator_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    moderator = moderator_ctx.new_page()
    browser_login(moderator, live_server, province.agent_b.nip)
    moderator.goto(f"{live_server.url}/forum/{forum.slug}/utas/{thread.pk}/")
    moderator.get_by_role("button", name="Sembunyikan", exact=True).click()
    moderator.get_by_role("button", name="Kunci utas").click()
    expect(moderator.get_by_text("Perubahan moderasi disimpan.")).to_be_visible()
    agent.reload()
    expect(agent.get_by_test_id("post")).to_have_count(1)
    expect(agent.get_by_test_id("reply-closed")).to_contain_text("dikunci")
    for context in (admin_ctx, agent_ctx, moderator_ctx):
        context.close()
