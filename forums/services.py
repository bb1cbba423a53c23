"""Forum rules and writes: who may read, post and moderate; sanitised Markdown; files checked like
LKE evidence; mentions and e-mails; search; events with registration and check-in; attendance
exported and attached as LKE evidence."""

from __future__ import annotations

import datetime as dt
import io
import re

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from berakhlak.models import Agency, Employee, Role, User
from berakhlak.permissions import in_scope
from berakhlak.spreadsheet import row_append_safe
from evaluations import uploads
from forums.models import (
    Category,
    CategoryKind,
    Event,
    Forum,
    ForumFile,
    Membership,
    Post,
    Practice,
    Registration,
    Thread,
)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "a", "h3", "h4", "h5", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
MENTION = re.compile(r"@(\d{18})\b")


def render_markdown(text: str) -> str:
    """Markdown to HTML, then sanitised: no script, no event handlers, no style, only http(s) and
    mailto links (with rel=noopener noreferrer nofollow)."""
    html = markdown.markdown(text or "", extensions=["tables", "fenced_code", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValidationError(message)


# --- who ---------------------------------------------------------------------------------------


def membership_of(user: User, forum: Forum) -> Membership | None:
    employee = getattr(user, "employee", None)
    if employee is None:
        return None
    return Membership.objects.active().filter(forum=forum, employee=employee).first()


def is_admin(user: User, forum: Forum) -> bool:
    return in_scope(user, forum.root, (Role.ADMIN,))


def is_moderator(user: User, forum: Forum) -> bool:
    if is_admin(user, forum):
        return True
    membership = membership_of(user, forum)
    return membership is not None and membership.moderator


def can_read(user: User, forum: Forum) -> bool:
    return is_admin(user, forum) or membership_of(user, forum) is not None


def can_start_thread(user: User, category: Category) -> bool:
    if is_moderator(user, category.forum):
        return True
    return category.members_may_post and membership_of(user, category.forum) is not None


def forums_for(user: User) -> list[Forum]:
    return [f for f in Forum.objects.select_related("root") if can_read(user, f)]


# --- files ---------------------------------------------------------------------------------------


def file_store(upload, *, by: User, **owner) -> ForumFile:
    """Check a file exactly like LKE evidence (type by content, size, macros, bombs...)."""
    checked = uploads.evidence_file_check(upload, name=upload.name, size=upload.size)
    record = ForumFile(
        extension=checked.extension, content_type=checked.content_type, size=checked.size,
        original_name=checked.display_name, uploaded_by=by, **owner,
    )  # fmt: skip
    upload.seek(0)
    record.file.save("forum", File(upload), save=False)
    record.save()
    return record


def _files(files, *, by: User, **owner) -> None:
    for upload in files or []:
        try:
            file_store(upload, by=by, **owner)
        except uploads.UploadError as error:
            raise ValidationError(f"{upload.name}: {error}") from None


# --- threads -------------------------------------------------------------------------------------


@transaction.atomic
def thread_create(*, category: Category, by: User, title: str, body: str, files=None) -> Thread:
    _require(can_start_thread(by, category), _("Anda tidak dapat membuat utas di kategori ini."))
    title = title.strip()
    _require(bool(title), _("Judul wajib diisi."))
    _require(bool(body.strip()), _("Isi pertanyaan atau tulisan wajib diisi."))
    thread = Thread.objects.create(
        forum=category.forum, category=category, title=title[:200], author=by
    )
    post_create(thread=thread, by=by, body=body, files=files, first=True)
    return thread


@transaction.atomic
def post_create(*, thread: Thread, by: User, body: str, files=None, first: bool = False) -> Post:
    forum = thread.forum
    _require(can_read(by, forum), _("Hanya anggota forum yang dapat menulis."))
    _require(
        first or not (thread.locked or thread.hidden) or is_moderator(by, forum),
        _("Utas ini dikunci; balasan tidak dapat ditambahkan."),
    )
    _require(bool(body.strip()), _("Isi balasan wajib diisi."))
    post = Post.objects.create(thread=thread, author=by, body=body, body_html=render_markdown(body))
    _files(files, by=by, post=post)
    Thread.objects.filter(pk=thread.pk).update(last_post_at=timezone.now())
    from forums.tasks import forum_post_notify

    post_id = post.pk
    transaction.on_commit(lambda: forum_post_notify.delay(post_id))
    return post


def accept(*, post: Post, by: User) -> Thread:
    thread = post.thread
    _require(
        thread.category.kind == CategoryKind.CONSULTATION,
        _("Jawaban terpilih hanya untuk utas konsultasi."),
    )
    _require(
        by.pk == thread.author_id or is_moderator(by, thread.forum),
        _("Jawaban dipilih oleh penanya atau moderator."),
    )
    _require(post.thread_id == thread.pk and not post.hidden, _("Balasan tidak ditemukan."))
    thread.accepted_post = post
    thread.save(update_fields=["accepted_post"])
    return thread


def moderate(*, thread: Thread, by: User, action: str, post: Post | None = None,
             category: Category | None = None) -> None:  # fmt: skip
    _require(is_moderator(by, thread.forum), _("Hanya moderator yang dapat melakukannya."))
    if action in ("lock", "unlock"):
        thread.locked = action == "lock"
        thread.save(update_fields=["locked"])
    elif action in ("hide", "show"):
        if post is not None:
            post.hidden = action == "hide"
            post.save(update_fields=["hidden"])
        else:
            thread.hidden = action == "hide"
            thread.save(update_fields=["hidden"])
    elif action == "move":
        _require(category is not None and category.forum_id == thread.forum_id, _("Kategori tidak ditemukan."))  # fmt: skip
        thread.category = category
        thread.save(update_fields=["category"])
    else:
        raise ValidationError(_("Tindakan tidak dikenal."))


def visible_threads(user: User, forum: Forum) -> QuerySet[Thread]:
    threads = Thread.objects.filter(forum=forum).select_related("category", "author__employee")
    return threads if is_moderator(user, forum) else threads.filter(hidden=False)


def search(
    user: User, forum: Forum, query: str, *, full_text: bool | None = None
) -> tuple[list[Thread], list[Practice]]:
    """Threads (title and visible posts) and library practices matching the words.

    PostgreSQL: full-text search with the 'simple' configuration (Indonesian has no stemmer in a
    stock PostgreSQL), ranked. Elsewhere: every word must appear (case-insensitive)."""
    query = (query or "").strip()[:200]
    if not query:
        return [], []
    threads = visible_threads(user, forum)
    practices = Practice.objects.filter(forum=forum).select_related("agency")
    if full_text is None:
        full_text = connection.vendor == "postgresql"
    if full_text:
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        terms = SearchQuery(query, config="simple", search_type="websearch")
        vector = SearchVector("title", config="simple", weight="A") + SearchVector(
            "posts__body", config="simple", weight="B"
        )
        found = (
            threads.annotate(rank=SearchRank(vector, terms))
            .filter(rank__gt=0)
            .order_by("-rank", "-last_post_at")
        )
        thread_list = list(dict.fromkeys(found))  # one row per matching post: keep the best
        pvector = SearchVector("title", config="simple", weight="A") + SearchVector("body", config="simple", weight="B")  # fmt: skip
        practice_list = list(practices.annotate(rank=SearchRank(pvector, terms)).filter(rank__gt=0).order_by("-rank"))  # fmt: skip
        return thread_list[:50], practice_list[:50]
    for word in query.split():
        threads = threads.filter(Q(title__icontains=word) | Q(posts__body__icontains=word, posts__hidden=False))  # fmt: skip
        practices = practices.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return list(threads.distinct()[:50]), list(practices.distinct()[:50])


def mentioned(post: Post) -> list[Employee]:
    nips = set(MENTION.findall(post.body))
    if not nips:
        return []
    members = Membership.objects.active().filter(forum=post.thread.forum, employee__nip__in=nips)
    return [m.employee for m in members.select_related("employee")]


# --- events --------------------------------------------------------------------------------------


def register(*, event: Event, by: User) -> Registration:
    membership = membership_of(by, event.forum)
    _require(membership is not None, _("Hanya anggota forum yang dapat mendaftar."))
    existing = Registration.objects.filter(event=event, employee=membership.employee).first()
    if existing:
        return existing
    if event.capacity is not None:
        _require(event.registrations.count() < event.capacity, _("Kuota peserta sudah penuh."))
    return Registration.objects.create(event=event, employee=membership.employee)


def check_in(*, event: Event, by: User, code: str, now: dt.datetime | None = None) -> Registration:
    """Attendance by the code shown at the venue; refused when wrong or outside the window."""
    now = now or timezone.now()
    membership = membership_of(by, event.forum)
    _require(membership is not None, _("Hanya anggota forum yang dapat mengisi daftar hadir."))
    _require(
        (code or "").strip().upper() == event.checkin_code,
        _("Kode kehadiran salah. Periksa kode yang ditampilkan panitia."),
    )
    opens, closes = event.checkin_window()
    _require(
        opens <= now <= closes,
        _("Kode kehadiran hanya berlaku %(start)s sampai %(end)s.")
        % {"start": timezone.localtime(opens).strftime("%d-%m-%Y %H:%M"),
           "end": timezone.localtime(closes).strftime("%d-%m-%Y %H:%M")},
    )  # fmt: skip
    registration, _created = Registration.objects.get_or_create(
        event=event, employee=membership.employee
    )
    if registration.attended_at is None:
        registration.attended_at = now
        registration.save(update_fields=["attended_at"])
    return registration


def attendance(event: Event) -> QuerySet[Registration]:
    return event.registrations.filter(attended_at__isnull=False).select_related("employee__agency")


def attendance_pdf(event: Event) -> bytes:
    from weasyprint import HTML

    from reports.printing.pdf import STATIC_DIR, _static_fetcher

    html = render_to_string(
        "forums/attendance_pdf.html",
        {"event": event, "rows": attendance(event), "now": timezone.localtime()},
    )
    return HTML(string=html, base_url=STATIC_DIR.resolve().as_uri() + "/",
                url_fetcher=_static_fetcher()).write_pdf()  # fmt: skip


def attendance_xlsx(event: Event) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Daftar Hadir")
    row_append_safe(sheet, ["no", "nama", "nip", "unit", "hadir"])
    for number, row in enumerate(attendance(event), start=1):
        row_append_safe(sheet, [number, row.employee.name, row.employee.nip, row.employee.agency.name,
                                timezone.localtime(row.attended_at).strftime("%Y-%m-%d %H:%M")])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def evidence_targets(user: User, agency: Agency) -> list:
    """Criteria of the agency's open LKE the user may add evidence to now."""
    from evaluations.plans.services import team_evidence_targets

    return team_evidence_targets(user, agency)


def attendance_to_evidence(*, event: Event, by: User, assessment_id: int):
    """The attendance list (PDF) as evidence of a criterion of the member's own agency."""
    from evaluations.lke.services import evidence_add

    membership = membership_of(by, event.forum)
    _require(membership is not None, _("Hanya anggota forum."))
    agency = membership.agency
    target = next((a for a in evidence_targets(by, agency) if a.pk == assessment_id), None)
    _require(target is not None, _("Kriteria itu bukan milik unit Anda atau tidak dapat diubah sekarang."))  # fmt: skip
    _require(attendance(event).exists(), _("Belum ada peserta yang hadir."))
    description = _("Daftar hadir %(title)s, %(date)s") % {
        "title": event.title,
        "date": timezone.localtime(event.starts_at).strftime("%d-%m-%Y"),
    }
    return evidence_add(
        assessment=target, by=by, fileobj=io.BytesIO(attendance_pdf(event)),
        name=f"daftar-hadir-{event.pk}.pdf", description=description[:300],
    )  # fmt: skip


# --- members -------------------------------------------------------------------------------------


def agencies_without_agent(forum: Forum) -> list[Agency]:
    """Agencies directly under the forum's root with no active member: flagged to the admin."""
    covered = set(
        Membership.objects.active().filter(forum=forum).values_list("agency_id", flat=True)
    )
    return [
        a for a in forum.root.children.filter(active=True).order_by("name") if a.pk not in covered
    ]
