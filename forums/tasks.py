"""E-mails of the forums (console backend by default): replies and mentions."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext as _


@shared_task(
    name="forums.post_notify",
    time_limit=5 * 60,
    soft_time_limit=4 * 60,
    autoretry_for=(OSError,),
    max_retries=3,
)
def forum_post_notify(post_id: int) -> int:
    """Tell the thread's author about a reply and every mentioned member (@NIP) about the post."""
    from forums.models import Post
    from forums.services import mentioned

    post = Post.objects.select_related("thread__forum", "thread__author__employee", "author__employee").filter(pk=post_id).first()  # fmt: skip
    if post is None:
        return 0
    thread = post.thread
    link = settings.SITE_URL.rstrip("/") + reverse(
        "forums:thread", args=[thread.forum.slug, thread.pk]
    )
    people = {}
    author = getattr(thread.author, "employee", None)
    if thread.author_id != post.author_id and author and author.email and thread.posts.count() > 1:
        people[author.email] = _("Ada balasan baru pada utas Anda")
    for employee in mentioned(post):
        if employee.user_id != post.author_id and employee.email:
            people.setdefault(employee.email, _("Anda disebut dalam sebuah tulisan"))
    sent = 0
    for address, reason in people.items():
        subject = f"[{thread.forum.name}] {reason}: {thread.title}"
        body = f"{post.author.display_name()}:\n\n{post.body[:2000]}\n\n{link}\n"
        sent += EmailMessage(subject, body, to=[address]).send()
    return sent
