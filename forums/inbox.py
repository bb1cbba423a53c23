"""In-app notifications of the forums: a reply to my thread, a mention, my reply accepted as the
answer. Written in the transaction of the post (or the acceptance) that causes them, so a
notification exists exactly when its post does, without Redis; the e-mails stay a task
(forums.notifications). Read through `notices_for_user`, which keeps only what the reader may
still read (docs/ARCHITECTURE.md §9)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from berakhlak.models import User
from forums import permissions
from forums.models import Forum, Notice, NoticeKind, Post

PAGE = 50


def notices_for_post(post: Post, *, mentioned_users: list[User]) -> int:
    """The notices of a new post: its thread's author (a reply) and each member it mentions,
    never its own author; one notice per person and post (a mention says more than a reply)."""
    thread = post.thread
    wanted: dict[int, str] = {}
    for user in mentioned_users:
        if user.pk != post.author_id and user.is_active:
            wanted[user.pk] = NoticeKind.MENTION
    first = thread.posts.order_by("created_at", "pk").values_list("pk", flat=True).first()
    if first != post.pk and thread.author_id != post.author_id and thread.author.is_active:
        wanted.setdefault(thread.author_id, NoticeKind.REPLY)
    return _create(post, wanted)


def notices_for_mentions(post: Post, *, mentioned_users: list[User]) -> int:
    """After an edit: the people newly mentioned (someone already notified is not again)."""
    already = set(Notice.objects.filter(post=post).values_list("recipient_id", flat=True))
    wanted = {
        user.pk: NoticeKind.MENTION
        for user in mentioned_users
        if user.pk != post.author_id and user.is_active and user.pk not in already
    }
    return _create(post, wanted)


def notice_for_accepted(post: Post, *, by: User) -> int:
    if post.author_id == by.pk or not post.author.is_active:
        return 0
    return _create(post, {post.author_id: NoticeKind.ACCEPTED})


def _create(post: Post, wanted: dict[int, str]) -> int:
    rows = [Notice(recipient_id=pk, kind=kind, post=post) for pk, kind in wanted.items()]
    Notice.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _readable(user: User) -> QuerySet[Notice]:
    """The user's notices of posts they may still read: a forum they read, a post and thread
    not hidden (moderators see hidden ones) and not deleted."""
    readable = [f for f in Forum.objects.select_related("root") if permissions.can_read(user, f)]
    forums = [f.pk for f in readable]
    moderated = [f.pk for f in readable if permissions.is_moderator(user, f)]
    notices = Notice.objects.filter(
        recipient=user, post__thread__forum_id__in=forums, post__deleted_at__isnull=True
    )
    visible = Notice.objects.filter(post__hidden=False, post__thread__hidden=False)
    return notices.filter(pk__in=visible.values("pk")) | notices.filter(
        post__thread__forum_id__in=moderated
    )


def notices_for_user(user: User) -> QuerySet[Notice]:
    return (
        _readable(user)
        .select_related("post__author__employee", "post__thread__forum")
        .order_by("-created_at", "-pk")
    )


def unread_count(user: User) -> int:
    """The navbar's count: one indexed COUNT when nothing is unread (the usual case)."""
    if not user.is_authenticated:
        return 0
    if not Notice.objects.filter(recipient=user, read_at__isnull=True).exists():
        return 0
    return _readable(user).filter(read_at__isnull=True).count()


def notice_open(*, user: User, pk: int) -> Notice:
    """The notice (the reader's own and still readable), marked read."""
    notice = notices_for_user(user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def notices_mark_read(*, user: User) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
