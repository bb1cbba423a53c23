"""Scoped reads of the forums. Anything the user may not see is a 404, never a 403."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from berakhlak.models import Agency, CoreValue, User
from evaluations.lke.selectors import evidence_targets, evidence_targets_none_reason
from forums import permissions
from forums.models import (
    Event,
    Forum,
    ForumFile,
    Membership,
    Post,
    Practice,
    Registration,
    Thread,
)

SEARCH_LIMIT = 50


def forums_for_user(user: User) -> list[Forum]:
    return [f for f in Forum.objects.select_related("root") if permissions.can_read(user, f)]


def get_forum_for_user(user: User, slug: str) -> Forum:
    forum = Forum.objects.select_related("root").filter(slug=slug).first()
    if forum is None or not permissions.can_read(user, forum):
        raise Http404
    return forum


def threads_for_user(user: User, forum: Forum) -> QuerySet[Thread]:
    """The forum's threads; hidden ones only for moderators."""
    threads = Thread.objects.filter(forum=forum).select_related(
        "category", "author__employee", "forum"
    )
    return threads if permissions.is_moderator(user, forum) else threads.filter(hidden=False)


def get_thread_for_user(user: User, forum: Forum, pk: int) -> Thread:
    thread = threads_for_user(user, forum).filter(pk=pk).first()
    if thread is None:
        raise Http404
    return thread


def get_post_for_user(user: User, forum: Forum, pk: int) -> Post:
    """A post of a thread the user may read; hidden posts only for moderators."""
    post = Post.objects.select_related("thread__forum__root", "author").filter(pk=pk).first()
    if post is None or post.thread.forum_id != forum.pk:
        raise Http404
    get_thread_for_user(user, forum, post.thread_id)  # the thread's own scope and visibility
    if post.hidden and not permissions.is_moderator(user, forum):
        raise Http404
    return post


def get_event_for_user(user: User, forum: Forum, pk: int) -> Event:
    event = Event.objects.select_related("forum__root").filter(pk=pk, forum=forum).first()
    if event is None:
        raise Http404
    return event


def get_file_for_user(user: User, key) -> ForumFile:
    """A material, attachment or library file; attachments of hidden posts or threads only for
    moderators."""
    record = (
        ForumFile.objects.select_related(
            "event__forum__root", "post__thread__forum__root", "practice__forum__root"
        )
        .filter(storage_key=key)
        .first()
    )
    if record is None:
        raise Http404
    owner = record.event or (record.post.thread if record.post else None) or record.practice
    forum = owner.forum
    if not permissions.can_read(user, forum):
        raise Http404
    hidden = record.post is not None and (record.post.hidden or record.post.thread.hidden)
    if hidden and not permissions.is_moderator(user, forum):
        raise Http404
    return record


def attendance(event: Event) -> QuerySet[Registration]:
    return event.registrations.filter(attended_at__isnull=False).select_related("employee__agency")


def attendance_for_user(user: User, event: Event) -> tuple[QuerySet[Registration], Agency | None]:
    """The attendees this user may list, and whose they are: (all of them, None) for the forum's
    managers, (the people of the member's own agency and its subtree, that agency) for a member,
    nobody for anyone else."""
    if permissions.can_list_all_attendees(user, event.forum):
        return attendance(event), None
    membership = permissions.membership_of(user, event.forum)
    if membership is None:
        return attendance(event).none(), None
    return attendance_of_agency(event, membership.agency), membership.agency


def attendance_of_agency(event: Event, agency: Agency) -> QuerySet[Registration]:
    return attendance(event).filter(employee__agency__path__startswith=agency.path)


def members_directory(forum: Forum, *, agency: Agency | None = None) -> QuerySet[Membership]:
    """Memberships in force, grouped by nominating agency (ordered by the agency tree)."""
    rows = Membership.objects.active().filter(forum=forum).select_related("employee", "agency")
    return rows.filter(agency=agency) if agency is not None else rows


def member_agencies(forum: Forum) -> QuerySet[Agency]:
    return forum.root.children.filter(active=True).order_by("name")


def agencies_without_agent(forum: Forum) -> list[Agency]:
    """Agencies directly under the forum's root with no active member: flagged to the admin."""
    covered = set(
        Membership.objects.active().filter(forum=forum).values_list("agency_id", flat=True)
    )
    return [a for a in member_agencies(forum) if a.pk not in covered]


def practices_for(
    forum: Forum, *, value: str = "", agency: Agency | None = None
) -> QuerySet[Practice]:
    practices = (
        Practice.objects.filter(forum=forum)
        .select_related("agency")
        .prefetch_related("values", "files")
    )
    if value:
        practices = practices.filter(values__code=value)
    if agency is not None:
        practices = practices.filter(agency=agency)
    return practices.distinct()


def search(
    user: User,
    forum: Forum,
    query: str,
    *,
    practices: QuerySet[Practice] | None = None,
    full_text: bool | None = None,
) -> tuple[list[Thread], list[Practice]]:
    """Threads (title and visible posts) and library practices matching the words.

    PostgreSQL: full-text search with the 'simple' configuration (stock PostgreSQL has no
    Indonesian stemmer), ranked, web-search syntax ("frasa", -kata, atau). Elsewhere every word
    must appear somewhere (case-insensitive)."""
    query = (query or "").strip()[:200]
    if not query:
        return [], []
    threads = threads_for_user(user, forum)
    if practices is None:
        practices = practices_for(forum)
    if full_text is None:
        full_text = connection.vendor == "postgresql"
    if full_text:
        return _search_full_text(threads, practices, query)
    for word in query.split():
        threads = threads.filter(
            Q(title__icontains=word) | Q(posts__body__icontains=word, posts__hidden=False)
        )
        practices = practices.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return (
        list(threads.distinct().order_by("-last_post_at")[:SEARCH_LIMIT]),
        list(practices.distinct()[:SEARCH_LIMIT]),
    )


def _search_full_text(threads, practices, query: str):
    from django.contrib.postgres.aggregates import StringAgg
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    terms = SearchQuery(query, config="simple", search_type="websearch")
    # A thread is one document: its title and the text of its visible posts (grouped, so it appears
    # once however many posts match). Match with @@: ts_rank alone gives tiny non-zero ranks to
    # rows that do not match, and ignores "-word".
    visible_text = StringAgg("posts__body", delimiter=" ", filter=Q(posts__hidden=False))
    found = (
        threads.annotate(text=visible_text)
        .annotate(
            document=SearchVector("title", config="simple", weight="A")
            + SearchVector("text", config="simple", weight="B")
        )
        .filter(document=terms)
        .annotate(rank=SearchRank(F("document"), terms))
        .order_by("-rank", "-last_post_at")
    )
    ranked = (
        practices.annotate(
            document=SearchVector("title", config="simple", weight="A")
            + SearchVector("body", config="simple", weight="B")
        )
        .filter(document=terms)
        .annotate(rank=SearchRank(F("document"), terms))
        .order_by("-rank")
    )
    return list(found[:SEARCH_LIMIT]), list(ranked[:SEARCH_LIMIT])


def registration_counts(forum: Forum) -> QuerySet[Event]:
    return forum.events.annotate(
        registered=Count("registrations"),
        attended=Count("registrations", filter=Q(registrations__attended_at__isnull=False)),
    )


def forum_threads(
    user: User, forum: Forum, *, threads: QuerySet[Thread], query: str
) -> tuple[list[Thread], list[Practice] | None]:
    """The forum home's list: the words' matches (threads and practices) when searching, else the
    latest 50 of ``threads`` (the user's threads, already filtered) and no practices."""
    if query:
        return search(user, forum, query)
    return list(threads[:50]), None


def thread_posts(user: User, thread: Thread) -> list[Post]:
    """The posts of the thread page, each with ``changeable`` (the author's "Ubah"/"Hapus" while
    the edit window lasts). Moderators see hidden posts and every post's earlier versions."""
    posts = thread.posts.select_related("author__employee").prefetch_related("attachments")
    if permissions.is_moderator(user, thread.forum):
        posts = posts.prefetch_related("revisions")
    else:
        posts = posts.filter(hidden=False)
    posts = list(posts)
    now = timezone.now()
    for post in posts:
        post.changeable = bool(permissions.can_change_post(user, post, now=now))
    return posts


def get_membership_for_admin(user: User, forum: Forum, pk) -> Membership:
    """A membership of the forum, for the forum's admins only (404 otherwise)."""
    membership = (
        Membership.objects.filter(forum=forum, pk=pk or 0).select_related("employee__user").first()
    )
    if membership is None or not permissions.is_admin(user, forum):
        raise Http404
    return membership


def members_context(user: User, forum: Forum, *, memberships: QuerySet[Membership]) -> dict:
    """What the members page shows besides its form: the (filtered) directory, the agencies of
    the filter and, for admins, the agencies with no active change agent."""
    admin = permissions.is_admin(user, forum)
    return {
        "forum": forum,
        "memberships": memberships,
        "agencies": member_agencies(forum),
        "is_admin": admin,
        "uncovered": agencies_without_agent(forum) if admin else [],
    }


def library_context(user: User, forum: Forum, *, practices: QuerySet[Practice], query: str) -> dict:
    """What the library shows besides its form: the (filtered, searched) practices, the values and
    agencies of the filters."""
    if query:
        _threads, practices = search(user, forum, query, practices=practices)
    return {
        "forum": forum,
        "practices": practices,
        "values": list(CoreValue.objects.all()),
        "query": query,
        "agencies": member_agencies(forum),
        "is_admin": permissions.is_admin(user, forum),
    }


def event_context(user: User, event: Event) -> dict:
    """The event page: registration, check-in window, the attendance the user may list and the
    LKE criteria its agency's attendance may be attached to."""
    forum = event.forum
    admin = permissions.is_admin(user, forum)
    membership = permissions.membership_of(user, forum)
    registration = None
    if membership:
        registration = event.registrations.filter(employee=membership.employee).first()
    targets = evidence_targets(user, membership.agency) if membership else []
    attendance_rows, attendance_agency = attendance_for_user(user, event)
    now = timezone.now()
    opens, closes = event.checkin_window()
    registered = event.registrations.count()
    return {
        "forum": forum,
        "event": event,
        "is_admin": admin,
        "membership": membership,
        "registration": registration,
        "attendance": attendance_rows,
        "attendance_agency": attendance_agency,
        "attendance_total": attendance(event).count(),
        "registrations": event.registrations.select_related("employee__agency") if admin else [],
        "registered": registered,
        "full": event.capacity is not None and registered >= event.capacity,
        "ended": event.ends_at < now,
        "checkin_open": opens <= now <= closes,
        "checkin_opens": opens,
        "evidence_targets": targets,
        "evidence_none_reason": (
            evidence_targets_none_reason(user, membership.agency)
            if membership and not targets
            else ""
        ),
        "agency_attended": attendance_of_agency(event, membership.agency).count() if targets else 0,
    }
