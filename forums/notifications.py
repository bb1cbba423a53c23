"""E-mails of the forums (console backend by default): a reply to your thread, a mention.

Idempotent: the post is claimed (`notified_at`) with a conditional UPDATE before sending and
released if sending fails, so a retried or duplicated task never sends twice."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from forums.models import Post

logger = logging.getLogger(__name__)


def _address(user) -> str:
    employee = getattr(user, "employee", None)
    return (employee.email if employee and employee.email else "") or user.email


def recipients(post: Post) -> dict[str, str]:
    """address -> reason; never the post's own author, never someone who can no longer read."""
    from forums import permissions
    from forums.services import mentioned

    thread = post.thread
    people: dict[str, str] = {}
    first = thread.posts.order_by("created_at", "pk").first()
    if first is not None and first.pk != post.pk and thread.author_id != post.author_id:
        author = thread.author
        if author.is_active and permissions.can_read(author, thread.forum):
            address = _address(author)
            if address:
                people[address] = _("Ada balasan baru pada utas Anda")
    for employee in mentioned(post):
        if employee.user_id != post.author_id and employee.email and employee.user.is_active:
            people.setdefault(employee.email, _("Anda disebut dalam sebuah tulisan"))
    return people


def post_notify(*, post_id: int) -> int:
    """Send the e-mails of one post once; returns the number of messages sent."""
    claimed = Post.objects.filter(
        pk=post_id, notified_at__isnull=True, hidden=False, deleted_at__isnull=True
    ).update(notified_at=timezone.now())
    if not claimed:
        return 0
    post = Post.objects.select_related(
        "thread__forum__root", "thread__author__employee", "author__employee"
    ).get(pk=post_id)
    thread = post.thread
    link = settings.SITE_URL.rstrip("/") + reverse(
        "forums:thread", args=[thread.forum.slug, thread.pk]
    )
    sent = 0
    try:
        for address, reason in recipients(post).items():
            subject = f"[{thread.forum.name}] {reason}: {thread.title}"[:200]
            body = f"{post.author.display_name()}:\n\n{post.body[:2000]}\n\n{link}#post-{post.pk}\n"
            sent += EmailMessage(subject, body, to=[address]).send()
    except OSError:
        if sent:  # some went out: a retry would send those twice; keep the claim
            logger.warning("forum post %s: e-mail stopped after %s messages", post_id, sent)
            return sent
        Post.objects.filter(pk=post_id).update(notified_at=None)  # release: the retry sends
        raise
    return sent
