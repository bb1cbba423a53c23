"""A member edits or deletes their own post within FORUM_EDIT_MINUTES (forums.permissions
.can_change_post). Every earlier text is kept as a PostRevision, which moderators read; a
deleted post keeps its row (the thread's order and its replies stay) and shows "dihapus"."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berakhlak.audit import records_actor
from berakhlak.models import User
from berakhlak.refusals import Refused, require
from forums import inbox, permissions
from forums.models import Post, PostRevision, Thread
from forums.services import mentioned_in, render_post


def _locked(post: Post) -> Post:
    return Post.objects.select_for_update().select_related("thread__forum__root").get(pk=post.pk)


def _keep(post: Post) -> None:
    written_at = post.edited_at or post.created_at
    PostRevision.objects.create(post=post, body=post.body, written_at=written_at)


@records_actor()
@transaction.atomic
def post_edit(*, post: Post, by: User, body: str) -> Post:
    post = _locked(post)
    require(permissions.can_change_post(by, post))
    require(bool((body or "").strip()), _("Isi tulisan wajib diisi."))
    if body == post.body:
        return post
    _keep(post)
    people = mentioned_in(post.thread.forum, body)
    post.body, post.body_html, post.edited_at = body, render_post(body, people), timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    inbox.notices_for_mentions(post, mentioned_users=[e.user for e in people])
    return post


@records_actor()
@transaction.atomic
def post_delete(*, post: Post, by: User) -> Post:
    post = _locked(post)
    require(permissions.can_change_post(by, post))
    first = post.thread.posts.order_by("created_at", "pk").values_list("pk", flat=True).first()
    if first == post.pk:
        raise Refused(
            _(
                "Tulisan pembuka utas tidak dapat dihapus; ubah isinya atau minta moderator "
                "menyembunyikan utas."
            )
        )
    _keep(post)
    post.body, post.body_html, post.deleted_at = "", "", timezone.now()
    post.save(update_fields=["body", "body_html", "deleted_at"])
    Thread.objects.filter(pk=post.thread_id, accepted_post=post).update(accepted_post=None)
    return post
