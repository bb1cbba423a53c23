"""Forums: permissions, sanitised posts, check-in codes, attendance as LKE evidence, search."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Evidence
from forums import services
from forums.models import (
    Category,
    CategoryKind,
    Event,
    EventKind,
    Forum,
    Membership,
    Practice,
    Thread,
)
from tests.evaluations.lke_factories import PDF, lke_round
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
XSS = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> [klik](javascript:alert(3)) "
    "<a href='https://contoh.go.id' onclick='alert(4)'>aman</a> <iframe src='https://x'></iframe>"
)


class F:
    pass


@pytest.fixture
def f(province):
    x = F()
    x.forum = Forum.objects.create(name="FOSKO Uji", slug="fosko-uji", root=province.root)
    x.consult = Category.objects.create(
        forum=x.forum, kind=CategoryKind.CONSULTATION, name="Konsultasi"
    )
    x.news = Category.objects.create(forum=x.forum, kind=CategoryKind.ANNOUNCEMENT, name="Pengumuman", members_may_post=False)  # fmt: skip
    x.practice = Category.objects.create(
        forum=x.forum, kind=CategoryKind.GOOD_PRACTICE, name="Praktik Baik"
    )
    day = dt.date(2024, 9, 2)
    for person, agency, moderator in ((province.agent_a, province.agency_a, False), (province.agent_b, province.agency_b, False)):  # fmt: skip
        Membership.objects.create(forum=x.forum, employee=person, agency=agency, sk_number="1/2024", sk_date=day, active_from=day, moderator=moderator)  # fmt: skip
    x.moderator = EmployeeFactory(agency=province.agency_b, name="Moderator Forum")
    Membership.objects.create(forum=x.forum, employee=x.moderator, agency=province.agency_b, sk_number="1/2024", sk_date=day, active_from=day, moderator=True)  # fmt: skip
    x.former = EmployeeFactory(agency=province.agency_a, name="Mantan Anggota")
    Membership.objects.create(forum=x.forum, employee=x.former, agency=province.agency_a, sk_number="1/2023", sk_date=dt.date(2023, 1, 2), active_from=dt.date(2023, 1, 2), active_to=dt.date(2023, 12, 31))  # fmt: skip
    return x


def test_members_and_admins_read_others_get_404(client, province, f):
    url = reverse("forums:home", args=[f.forum.slug])
    for person, status in ((province.agent_a, 200), (province.admin, 200), (f.moderator, 200),
                           (province.leader_a, 404), (province.asn_a, 404), (f.former, 404)):  # fmt: skip
        client.force_login(person.user)
        assert client.get(url).status_code == status, person.name


def test_who_may_post_where(province, f):
    services.thread_create(category=f.consult, by=province.agent_a.user, title="Tanya", body="Isi")
    with pytest.raises(ValidationError):
        services.thread_create(category=f.news, by=province.agent_a.user, title="Info", body="Isi")
    with pytest.raises(ValidationError):
        services.thread_create(category=f.consult, by=province.leader_a.user, title="X", body="Y")
    services.thread_create(category=f.news, by=f.moderator.user, title="Info", body="Isi")
    services.thread_create(category=f.news, by=province.admin.user, title="Jadwal", body="Isi")


def test_moderators_lock_hide_and_move_members_cannot(province, f):
    thread = services.thread_create(
        category=f.consult, by=province.agent_a.user, title="Tanya", body="Isi"
    )
    for action in ("lock", "hide"):
        with pytest.raises(ValidationError):
            services.moderate(thread=thread, by=province.agent_b.user, action=action)
    services.moderate(thread=thread, by=f.moderator.user, action="lock")
    with pytest.raises(ValidationError, match="dikunci"):
        services.post_create(thread=thread, by=province.agent_b.user, body="Balas")
    services.moderate(thread=thread, by=province.admin.user, action="move", category=f.practice)
    services.moderate(thread=thread, by=f.moderator.user, action="hide")
    thread.refresh_from_db()
    assert thread.locked and thread.hidden and thread.category == f.practice
    assert (
        not services.visible_threads(province.agent_b.user, f.forum).filter(pk=thread.pk).exists()
    )
    assert services.visible_threads(f.moderator.user, f.forum).filter(pk=thread.pk).exists()


def test_only_the_asker_or_a_moderator_accepts_an_answer(province, f):
    thread = services.thread_create(
        category=f.consult, by=province.agent_a.user, title="Tanya", body="Isi"
    )
    answer = services.post_create(thread=thread, by=province.agent_b.user, body="Jawab")
    with pytest.raises(ValidationError):
        services.accept(post=answer, by=province.agent_b.user)
    services.accept(post=answer, by=province.agent_a.user)
    thread.refresh_from_db()
    assert thread.accepted_post == answer


def test_xss_in_posts_and_titles_is_neutralised(client, province, f):
    thread = services.thread_create(category=f.consult, by=province.agent_a.user, title="<script>alert('t')</script>", body=XSS)  # fmt: skip
    html = thread.posts.first().body_html
    for bad in ("<script", "onerror", "javascript:", "onclick", "<iframe", "<img"):
        assert bad not in html, bad
    assert 'href="https://contoh.go.id"' in html and "noopener" in html
    client.force_login(province.agent_b.user)
    for url in (reverse("forums:thread", args=[f.forum.slug, thread.pk]), reverse("forums:home", args=[f.forum.slug])):  # fmt: skip
        page = client.get(url).content.decode()
        assert "<script>alert('t')" not in page and "&lt;script&gt;" in page


def test_practices_are_sanitised_too(client, province, f):
    client.force_login(province.agent_a.user)
    client.post(reverse("forums:library", args=[f.forum.slug]), {"title": "Praktik", "body": XSS, "values": ["BP"]})  # fmt: skip
    practice = Practice.objects.get()
    assert "<script" not in practice.body_html and "onerror" not in practice.body_html


@pytest.fixture
def event(f):
    now = timezone.now()
    return Event.objects.create(forum=f.forum, kind=EventKind.TRAINING, title="Pelatihan", starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=3))  # fmt: skip


def test_check_in_refuses_a_wrong_or_expired_code(province, f, event):
    with pytest.raises(ValidationError, match="salah"):
        services.check_in(event=event, by=province.agent_a.user, code="XXXXXX")
    with pytest.raises(ValidationError, match="hanya berlaku"):
        services.check_in(event=event, by=province.agent_a.user, code=event.checkin_code, now=event.ends_at + dt.timedelta(hours=2))  # fmt: skip
    with pytest.raises(ValidationError):
        services.check_in(event=event, by=province.leader_a.user, code=event.checkin_code)
    registration = services.check_in(
        event=event, by=province.agent_a.user, code=event.checkin_code.lower()
    )
    assert registration.attended_at is not None
    assert list(services.attendance(event)) == [registration]


def test_attendance_becomes_evidence_of_the_members_own_agency_only(client, province, f, event):
    setup = lke_round(province)
    services.check_in(event=event, by=province.agent_a.user, code=event.checkin_code)
    own = setup.ra_a.assessments.get(criterion__code="4.1")
    other = setup.ra_b.assessments.get(criterion__code="4.1")
    with pytest.raises(ValidationError):
        services.attendance_to_evidence(
            event=event, by=province.agent_a.user, assessment_id=other.pk
        )
    assert not Evidence.objects.exists()
    client.force_login(province.agent_a.user)
    client.post(
        reverse("forums:event", args=[f.forum.slug, event.pk]),
        {"op": "evidence", "assessment": own.pk},
    )
    evidence = Evidence.objects.get()
    assert evidence.assessment == own and evidence.content_type == "application/pdf"
    assert "Pelatihan" in evidence.description


def test_attendance_exports(client, province, f, event):
    services.check_in(event=event, by=province.agent_a.user, code=event.checkin_code)
    client.force_login(province.admin.user)
    pdf = client.get(reverse("forums:attendance", args=[f.forum.slug, event.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")
    from openpyxl import load_workbook

    xlsx = client.get(reverse("forums:attendance", args=[f.forum.slug, event.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content))["Daftar Hadir"]
    assert sheet["B2"].value == province.agent_a.name


def test_mentions_and_replies_send_email(province, f, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(
            category=f.consult, by=province.agent_a.user, title="Tanya", body="Isi"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(
            thread=thread, by=f.moderator.user, body=f"Coba tanya @{province.agent_b.nip} juga"
        )
    recipients = {address for m in mail.outbox for address in m.to}
    assert province.agent_a.email in recipients and province.agent_b.email in recipients


def test_attachments_are_checked_like_evidence(province, f):
    fake = SimpleUploadedFile(
        "laporan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(ValidationError, match=r"laporan\.pdf"):
        services.thread_create(
            category=f.consult, by=province.agent_a.user, title="T", body="B", files=[fake]
        )
    assert not Thread.objects.exists()
    good = SimpleUploadedFile("laporan.pdf", PDF, content_type="application/pdf")
    thread = services.thread_create(
        category=f.consult, by=province.agent_a.user, title="T", body="B", files=[good]
    )
    assert thread.posts.first().attachments.count() == 1


def test_file_download_is_for_members_only(client, province, f):
    good = SimpleUploadedFile("materi.pdf", PDF, content_type="application/pdf")
    thread = services.thread_create(
        category=f.consult, by=province.agent_a.user, title="T", body="B", files=[good]
    )
    record = thread.posts.first().attachments.get()
    url = reverse("forums:file", args=[record.storage_key])
    client.force_login(province.agent_b.user)
    response = client.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    client.force_login(province.leader_a.user)
    assert client.get(url).status_code == 404


def _search_case(province, f, full_text):
    services.thread_create(category=f.consult, by=province.agent_a.user, title="Bukti dukung rencana aksi", body="Apa saja dokumennya?")  # fmt: skip
    other = services.thread_create(category=f.consult, by=province.agent_a.user, title="Jadwal pelatihan", body="Kapan?")  # fmt: skip
    services.post_create(
        thread=other, by=province.agent_b.user, body="Pelatihan membahas rencana aksi juga"
    )
    Practice.objects.create(forum=f.forum, title="Rencana aksi terpadu", body="x", body_html="x", agency=province.agency_a, created_by=province.admin.user)  # fmt: skip
    threads, practices = services.search(
        province.agent_b.user, f.forum, "rencana aksi", full_text=full_text
    )
    assert {t.title for t in threads} == {"Bukti dukung rencana aksi", "Jadwal pelatihan"}
    assert [p.title for p in practices] == ["Rencana aksi terpadu"]
    assert services.search(province.agent_b.user, f.forum, "tidakada", full_text=full_text) == (
        [],
        [],
    )


def test_search_simple_fallback(province, f):
    _search_case(province, f, full_text=False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL")
def test_search_postgresql_full_text(province, f):
    _search_case(province, f, full_text=True)


def test_admin_sees_agencies_without_an_active_agent(client, province, f):
    client.force_login(province.admin.user)
    page = client.get(reverse("forums:members", args=[f.forum.slug])).content.decode()
    assert 'data-testid="uncovered"' in page and "Biro Organisasi" in page
    client.force_login(province.agent_a.user)
    assert (
        'data-testid="uncovered"'
        not in client.get(reverse("forums:members", args=[f.forum.slug])).content.decode()
    )
