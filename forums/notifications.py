"""E-mails of the forums (console backend by default): a reply to your thread, a mention.

Sent at least once and, but for a crash inside the mail exchange itself, once: the delivery
columns and their claim are berakhlak.mailing's."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from berakhlak.mailing import mail_claim, mail_outbox, mail_release, mail_sent
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
    if not mail_claim(Post, [post_id], also=Q(hidden=False, deleted_at__isnull=True)):
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
        if not sent:
            mail_release(Post, [post_id])  # nothing went out: the retry sends them all
            raise
        # Some went out: a retry would send those twice, so the post counts as sent.
        logger.warning("forum post %s: e-mail stopped after %s messages", post_id, sent)
    mail_sent(Post, [post_id])
    return sent


def posts_send_unsent(now: dt.datetime) -> int:
    """The sweep of background work (berakhlak.jobs, every minute): send the e-mails of the last
    day's posts that the broker never took or whose worker died holding them."""
    from berakhlak.jobs import SEND_GRACE, job_send
    from forums.tasks import forum_post_notify

    unsent = mail_outbox(
        Post, now, at="created_at", grace=SEND_GRACE, also=Q(hidden=False, deleted_at__isnull=True)
    )
    for post_id in unsent:
        job_send(forum_post_notify, post_id)
    return len(unsent)
