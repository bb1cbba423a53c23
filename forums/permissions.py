"""Who may do what in a forum: one place, answers allowed or denied-with-reason.

A forum is read by its active members (change agents nominated by decree) and by the admins whose
grant covers the forum's root agency. Moderators are members flagged as such, and every admin.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berakhlak.models import Role, User
from berakhlak.permissions import ALLOWED, Decision, _deny, in_scope
from forums.models import Category, CategoryKind, Forum, Membership, Post, Thread


def membership_of(user: User, forum: Forum) -> Membership | None:
    """The user's membership in force today, cached on the user object for the request."""
    if not user.is_authenticated or getattr(user, "employee", None) is None:
        return None
    cache = getattr(user, "_forum_membership_cache", None)
    if cache is None:
        cache = user._forum_membership_cache = {}
    if forum.pk not in cache:
        cache[forum.pk] = (
            Membership.objects.active()
            .filter(forum=forum, employee=user.employee)
            .select_related("agency", "employee")
            .first()
        )
    return cache[forum.pk]


def membership_cache_clear(user: User) -> None:
    if hasattr(user, "_forum_membership_cache"):
        del user._forum_membership_cache


def is_admin(user: User, forum: Forum) -> bool:
    return in_scope(user, forum.root, (Role.ADMIN,))


def is_moderator(user: User, forum: Forum) -> bool:
    if is_admin(user, forum):
        return True
    membership = membership_of(user, forum)
    return membership is not None and membership.moderator


def can_read(user: User, forum: Forum) -> Decision:
    if is_admin(user, forum) or membership_of(user, forum) is not None:
        return ALLOWED
    return _deny(_("Forum ini hanya untuk anggota yang ditetapkan dengan SK."))


def can_manage(user: User, forum: Forum) -> Decision:
    """Members, events, check-in screens and categories: the admins of the forum's province."""
    if is_admin(user, forum):
        return ALLOWED
    return _deny(_("Hanya Admin Biro Organisasi yang dapat melakukannya."))


def can_list_all_attendees(user: User, forum: Forum) -> Decision:
    """Attendance lists carry names and NIPs: the whole list for the forum's managers (its admins),
    a member's own agency only for everyone else (forums.selectors.attendance_for_user)."""
    if can_manage(user, forum):
        return ALLOWED
    return _deny(_("Anggota hanya melihat peserta dari unit kerjanya sendiri."))


def can_moderate(user: User, forum: Forum) -> Decision:
    if is_moderator(user, forum):
        return ALLOWED
    return _deny(_("Hanya moderator yang dapat melakukannya."))


def can_start_thread(user: User, category: Category) -> Decision:
    if is_moderator(user, category.forum):
        return ALLOWED
    if membership_of(user, category.forum) is None:
        return _deny(_("Hanya anggota forum yang dapat menulis."))
    if not category.members_may_post:
        return _deny(_("Di kategori ini hanya moderator yang dapat membuat utas."))
    return ALLOWED


def can_reply(user: User, thread: Thread) -> Decision:
    forum = thread.forum
    if is_moderator(user, forum):
        return ALLOWED
    if membership_of(user, forum) is None:
        return _deny(_("Hanya anggota forum yang dapat menulis."))
    if thread.locked or thread.hidden:
        return _deny(_("Utas ini dikunci; balasan tidak dapat ditambahkan."))
    return ALLOWED


def can_accept(user: User, thread: Thread, post: Post | None = None) -> Decision:
    if thread.category.kind != CategoryKind.CONSULTATION:
        return _deny(_("Jawaban terpilih hanya untuk utas konsultasi."))
    if user.pk != thread.author_id and not is_moderator(user, thread.forum):
        return _deny(_("Jawaban dipilih oleh penanya atau moderator."))
    if post is not None and (post.thread_id != thread.pk or post.hidden or post.deleted_at):
        return _deny(_("Balasan tidak ditemukan."))
    if post is not None and thread.posts.order_by("created_at", "pk").first() == post:
        return _deny(_("Pertanyaan tidak dapat menjadi jawabannya sendiri."))
    return ALLOWED


def edit_window_ends(post: Post) -> dt.datetime:
    return post.created_at + dt.timedelta(minutes=settings.FORUM_EDIT_MINUTES)


def can_change_post(user: User, post: Post, *, now: dt.datetime | None = None) -> Decision:
    """Edit or delete: the author, for FORUM_EDIT_MINUTES after writing it, while a member; never
    a post a moderator hid, nor one in a locked or hidden thread (moderators hide, not edit)."""
    if post.author_id != user.pk:
        return _deny(_("Hanya penulisnya yang dapat mengubah tulisan ini."))
    if post.deleted_at is not None:
        return _deny(_("Tulisan ini sudah dihapus."))
    if post.hidden or post.thread.hidden or post.thread.locked:
        return _deny(_("Tulisan yang disembunyikan atau di utas yang dikunci tidak dapat diubah."))
    if not is_moderator(user, post.thread.forum) and membership_of(user, post.thread.forum) is None:
        return _deny(_("Hanya anggota forum yang dapat menulis."))
    if (now or timezone.now()) > edit_window_ends(post):
        return _deny(
            _("Tulisan hanya dapat diubah atau dihapus dalam %(n)s menit setelah ditulis.")
            % {"n": settings.FORUM_EDIT_MINUTES}
        )
    return ALLOWED


def can_read_history(user: User, forum: Forum) -> Decision:
    """Earlier versions of edited or deleted posts: the moderators."""
    if is_moderator(user, forum):
        return ALLOWED
    return _deny(_("Hanya moderator yang dapat melihat riwayat tulisan."))


def can_share_practice(user: User, forum: Forum) -> Decision:
    if is_admin(user, forum) or membership_of(user, forum) is not None:
        return ALLOWED
    return _deny(_("Hanya anggota forum yang dapat berbagi praktik baik."))
