"""Threads and posts: sanitised Markdown, titles escaped, attachments checked like LKE evidence,
mentions and reply e-mails sent once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from berakhlak.jobs import jobs_sweep
from berakhlak.refusals import Refused
from forums import notifications, services
from forums.models import Post, Thread
from tests.celery_worker import _celery_app_using
from tests.evaluations.lke_factories import PDF, office
from tests.forums.conftest import BAD, XSS

pytestmark = pytest.mark.django_db


def test_markdown_is_rendered_and_xss_in_posts_is_neutralised(province, f):
    thread = services.thread_create(
        category=f.consult,
        by=province.agent_a.user,
        title="Tanya",
        body="**tebal** dan [tautan](https://contoh.go.id)\n\n" + XSS,
    )
    html = thread.posts.get().body_html
    for bad in BAD:
        assert bad not in html, bad
    assert "<strong>tebal</strong>" in html
    assert 'href="https://contoh.go.id"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_xss_in_titles_and_replies_is_escaped_on_every_page(client, province, f):
    title = "<script>alert('t')</script><img src=x onerror=alert(1)>"
    thread = services.thread_create(
        category=f.consult, by=province.agent_a.user, title=title, body=XSS
    )
    services.post_create(thread=thread, by=province.agent_b.user, body=XSS)
    client.force_login(province.agent_b.user)
    for url in (
        reverse("forums:thread", args=[f.forum.slug, thread.pk]),
        reverse("forums:home", args=[f.forum.slug]),
        reverse("forums:home", args=[f.forum.slug]) + "?q=alert",
    ):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "onerror=alert" not in page.replace("onerror=alert(1)&gt;", ""), url
        assert "&lt;script&gt;" in page, url


def test_a_search_query_is_escaped(client, province, f):
    client.force_login(province.agent_a.user)
    page = client.get(
        reverse("forums:home", args=[f.forum.slug]), {"q": '"><script>alert(1)</script>'}
    )
    assert "<script>alert(1)" not in page.content.decode()


def test_thread_and_reply_through_the_pages(client, province, f):
    client.force_login(province.agent_a.user)
    response = client.post(
        reverse("forums:thread_new", args=[f.forum.slug]),
        {"category": f.consult.pk, "title": "Bukti", "body": "Apa saja?"},
    )
    thread = Thread.objects.get()
    assert response.url == reverse("forums:thread", args=[f.forum.slug, thread.pk])
    empty = client.post(response.url, {"body": "  "})
    assert empty.status_code == 400 and "wajib diisi" in empty.content.decode()
    client.force_login(province.agent_b.user)
    client.post(response.url, {"body": "Rencana aksi"})
    assert thread.posts.count() == 2


def test_attachments_are_checked_like_evidence(province, f):
    fake = SimpleUploadedFile(
        "laporan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(Refused, match=r"laporan\.pdf"):
        services.thread_create(
            category=f.consult, by=province.agent_a.user, title="T", body="B", files=[fake]
        )
    macro = SimpleUploadedFile("rekap.xlsx", office("xlsm", vba=True))
    with pytest.raises(Refused, match=r"rekap\.xlsx"):
        services.thread_create(
            category=f.consult, by=province.agent_a.user, title="T", body="B", files=[macro]
        )
    assert not Thread.objects.exists()  # all or nothing
    good = SimpleUploadedFile("laporan.pdf", PDF, content_type="application/pdf")
    thread = services.thread_create(
        category=f.consult, by=province.agent_a.user, title="T", body="B", files=[good]
    )
    record = thread.posts.get().attachments.get()
    assert record.content_type == "application/pdf" and record.file.name.startswith("forum/")
    assert "laporan" not in record.file.name  # generated storage name


def test_attachments_download_for_members_only_and_not_from_hidden_threads(client, province, f):
    good = SimpleUploadedFile("materi.pdf", PDF, content_type="application/pdf")
    thread = services.thread_create(
        category=f.consult, by=province.agent_a.user, title="T", body="B", files=[good]
    )
    url = reverse("forums:file", args=[thread.posts.get().attachments.get().storage_key])
    client.force_login(province.agent_b.user)
    response = client.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    client.force_login(province.leader_a.user)
    assert client.get(url).status_code == 404
    services.thread_moderate(thread=thread, by=f.moderator.user, action="hide")
    client.force_login(province.agent_b.user)
    assert client.get(url).status_code == 404
    client.force_login(f.moderator.user)
    assert client.get(url).status_code == 200


def test_mentions_and_replies_send_email_once(province, f, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(
            category=f.consult, by=province.agent_a.user, title="Tanya", body="Isi"
        )
    assert mail.outbox == []  # nobody to tell about a new question
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(
            thread=thread,
            by=f.moderator.user,
            body=f"Coba tanya @{province.agent_b.nip} juga, @{province.leader_a.nip} bukan anggota",
        )
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == sorted([province.agent_a.email, province.agent_b.email])
    assert (
        "balasan" in mail.outbox[0].subject.lower() or "disebut" in mail.outbox[0].subject.lower()
    )
    assert notifications.post_notify(post_id=post.pk) == 0  # a retried task sends nothing
    assert len(mail.outbox) == 2


def test_a_failed_send_releases_the_post_for_the_retry(province, f, monkeypatch):
    thread = services.thread_create(
        category=f.consult, by=province.agent_a.user, title="Tanya", body="Isi"
    )
    post = services.post_create(thread=thread, by=province.agent_b.user, body="Jawab")

    def broken(self, fail_silently=False):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises(OSError):
        notifications.post_notify(post_id=post.pk)
    assert Post.objects.get(pk=post.pk).notified_at is None
    monkeypatch.undo()
    assert notifications.post_notify(post_id=post.pk) == 1


@pytest.mark.django_db(transaction=True)
def test_a_reply_the_broker_did_not_take_is_mailed_by_the_sweeper_once(province, f):
    thread = services.thread_create(
        category=f.consult, by=province.agent_a.user, title="Tanya", body="Isi"
    )
    with _celery_app_using("redis://127.0.0.1:1/0", eager=False):
        post = services.post_create(thread=thread, by=province.agent_b.user, body="Jawab")
    assert Post.objects.get(pk=post.pk).notified_at is None and mail.outbox == []

    later = timezone.now() + dt.timedelta(minutes=1)
    assert jobs_sweep(now=later)["forums.post_emails"] == 1  # eager again: sent now
    assert [m.to for m in mail.outbox] == [[province.agent_a.email]]
    assert jobs_sweep(now=later)["forums.post_emails"] == 0 and len(mail.outbox) == 1
