"""Members edit and delete their own posts within the window, moderators read the earlier
versions; notifications (reply, mention, accepted answer) with the navbar's unread count;
mentions shown as names."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from berakhlak.refusals import Refused
from forums import editing, inbox, services
from forums.models import Notice, NoticeKind, Post, PostRevision

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(province, f):
    return services.thread_create(
        category=f.consult, by=province.agent_a.user, title="Tanya bukti", body="Isi pertanyaan"
    )


def reply(thread, user, body="Jawaban"):
    return services.post_create(thread=thread, by=user, body=body)


def test_author_edits_within_the_window_and_the_moderator_sees_the_old_text(
    client, province, f, thread
):
    post = reply(thread, province.agent_b.user, "Versi pertama")
    editing.post_edit(post=post, by=province.agent_b.user, body="Versi kedua")
    post.refresh_from_db()
    assert post.body == "Versi kedua" and post.edited_at is not None
    assert list(PostRevision.objects.values_list("body", flat=True)) == ["Versi pertama"]
    url = reverse("forums:thread", args=[f.forum.slug, thread.pk])
    client.force_login(f.moderator.user)
    page = client.get(url).content.decode()
    assert "Versi pertama" in page and 'data-testid="post-history"' in page
    client.force_login(province.agent_a.user)
    page = client.get(url).content.decode()
    assert "Versi pertama" not in page and "diubah" in page


def test_nobody_else_edits_and_the_window_closes(province, f, thread, settings):
    post = reply(thread, province.agent_b.user)
    with pytest.raises(Refused, match="penulisnya"):
        editing.post_edit(post=post, by=f.moderator.user, body="Bukan milik saya")
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - dt.timedelta(minutes=31))
    post.refresh_from_db()
    with pytest.raises(Refused, match="30 menit"):
        editing.post_edit(post=post, by=province.agent_b.user, body="Terlambat")
    settings.FORUM_EDIT_MINUTES = 60
    editing.post_edit(post=post, by=province.agent_b.user, body="Masih boleh")


def test_edit_page_keeps_bad_input_and_says_why(client, province, f, thread):
    post = reply(thread, province.agent_b.user, "Asli")
    client.force_login(province.agent_b.user)
    url = reverse("forums:post_edit", args=[f.forum.slug, post.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": "   "})
    assert response.status_code == 400 and "Isi tulisan wajib diisi." in response.content.decode()
    client.force_login(province.agent_a.user)  # another member: not their post
    assert client.post(url, {"body": "x"}).status_code == 302
    post.refresh_from_db()
    assert post.body == "Asli"


def test_outsider_gets_404_for_the_edit_and_delete_of_a_post(client, province, f, thread):
    post = reply(thread, province.agent_b.user)
    client.force_login(province.leader_a.user)
    assert client.get(reverse("forums:post_edit", args=[f.forum.slug, post.pk])).status_code == 404
    delete = reverse("forums:post_delete", args=[f.forum.slug, post.pk])
    assert client.post(delete).status_code == 404


def test_delete_keeps_the_row_and_the_text_for_moderators(client, province, f, thread):
    post = reply(thread, province.agent_b.user, "Salah tulis")
    services.answer_accept(post=post, by=province.agent_a.user)
    client.force_login(province.agent_b.user)
    client.post(reverse("forums:post_delete", args=[f.forum.slug, post.pk]))
    post.refresh_from_db()
    thread.refresh_from_db()
    assert post.deleted_at is not None and post.body == "" and thread.accepted_post is None
    assert PostRevision.objects.get(post=post).body == "Salah tulis"
    page = client.get(reverse("forums:thread", args=[f.forum.slug, thread.pk])).content.decode()
    assert "dihapus oleh penulisnya" in page and "Salah tulis" not in page
    first = thread.posts.first()
    with pytest.raises(Refused, match="pembuka"):
        editing.post_delete(post=first, by=province.agent_a.user)


def test_reply_mention_and_accepted_answer_notify_in_the_same_transaction(province, f, thread):
    post = reply(thread, province.agent_b.user, f"Lihat juga @{f.moderator.nip}")
    kinds = dict(Notice.objects.values_list("recipient_id", "kind"))
    assert kinds == {
        province.agent_a.user.pk: NoticeKind.REPLY,
        f.moderator.user.pk: NoticeKind.MENTION,
    }
    services.answer_accept(post=post, by=province.agent_a.user)
    assert Notice.objects.filter(recipient=province.agent_b.user, kind=NoticeKind.ACCEPTED).exists()
    reply(thread, province.agent_a.user, "Terima kasih")  # the asker's own reply: nobody
    assert Notice.objects.count() == 3


def test_mention_shows_the_members_name_and_not_a_strangers(province, f, thread):
    post = reply(thread, province.agent_b.user, f"@{f.moderator.nip} dan @{province.leader_a.nip}")
    assert f"@{f.moderator.name}" in post.body_html
    assert f"@{province.leader_a.nip}" in post.body_html
    assert province.leader_a.name not in post.body_html


def test_a_mention_added_by_an_edit_notifies_once(province, f, thread):
    post = reply(thread, province.agent_b.user, "Tanpa sebutan")
    for _ in range(2):
        editing.post_edit(post=post, by=province.agent_b.user, body=f"Dengan @{f.moderator.nip}")
        post.refresh_from_db()
        post.body += " "
    assert Notice.objects.filter(recipient=f.moderator.user).count() == 1


def test_notice_page_count_open_and_scope(client, province, f, thread):
    post = reply(thread, province.agent_b.user)
    client.force_login(province.agent_a.user)
    home = client.get(reverse("forums:home", args=[f.forum.slug])).content.decode()
    assert 'data-testid="forum-unread">1<' in home
    page = client.get(reverse("forums:notices")).content.decode()
    assert "membalas utas Anda" in page
    notice = Notice.objects.get()
    response = client.get(reverse("forums:notice", args=[notice.pk]))
    assert response.url.endswith(f"#post-{post.pk}")
    assert inbox.unread_count(province.agent_a.user) == 0
    client.force_login(province.agent_b.user)  # somebody else's notice
    assert client.get(reverse("forums:notice", args=[notice.pk])).status_code == 404


def test_a_hidden_post_leaves_the_members_notices(province, f, thread):
    post = reply(thread, province.agent_b.user)
    assert inbox.unread_count(province.agent_a.user) == 1
    services.thread_moderate(thread=thread, by=f.moderator.user, action="hide", post=post)
    assert inbox.unread_count(province.agent_a.user) == 0
    assert not inbox.notices_for_user(province.agent_a.user).exists()
