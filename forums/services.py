"""Forum writes: members, threads and posts (sanitised Markdown, files checked like LKE evidence,
mentions and e-mails), moderation, events with registration and check-in, attendance as LKE
evidence, and the good-practice library. Every rule about *who* lives in forums.permissions."""

from __future__ import annotations

import datetime as dt
import re

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from berakhlak.audit import records_actor
from berakhlak.jobs import job_enqueue
from berakhlak.models import Agency, CoreValue, Employee, User
from berakhlak.refusals import Refused, require
from evaluations import uploads
from forums import inbox, permissions
from forums.models import (
    Category,
    CheckinMethod,
    Event,
    EventKind,
    Forum,
    ForumFile,
    Membership,
    Post,
    Practice,
    Registration,
    Thread,
    checkin_code_new,
)
from forums.selectors import attendance_of_agency

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "a",
    "h3",
    "h4",
    "h5",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
MENTION = re.compile(r"@(\d{18})\b")


def render_markdown(text: str) -> str:
    """Markdown to HTML, then sanitised with nh3 (ammonia): no script, no event handlers, no
    style, no images or frames, only http(s) and mailto links (rel=noopener noreferrer nofollow)."""
    html = markdown.markdown(text or "", extensions=["tables", "fenced_code", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


# --- members -------------------------------------------------------------------------------------


def nominating_agency(forum: Forum, employee: Employee) -> Agency:
    """The agency directly under the forum's root that the employee works in (their OPD); the root
    itself for people of the root agency."""
    ids = [int(part) for part in employee.agency.path.strip("/").split("/") if part]
    depth = forum.root.depth + 1
    if len(ids) > depth:
        return Agency.objects.get(pk=ids[depth])
    return forum.root


@records_actor()
@transaction.atomic
def membership_nominate(
    *,
    forum: Forum,
    by: User,
    nip: str,
    sk_number: str,
    sk_date: dt.date | None,
    active_from: dt.date | None = None,
    active_to: dt.date | None = None,
    role_model: bool = False,
    moderator: bool = False,
) -> Membership:
    """Name an employee of the province as change agent of their agency (by decree); nominating
    them again updates the decree and the period."""
    require(permissions.can_manage(by, forum))
    nip = "".join((nip or "").split())
    employee = (
        Employee.objects.filter(nip=nip, active=True, agency__path__startswith=forum.root.path)
        .select_related("agency", "user")
        .first()
    )
    require(employee is not None, _("Tidak ada pegawai aktif dengan NIP itu di provinsi ini."))
    sk_number = (sk_number or "").strip()
    require(bool(sk_number), _("Nomor SK wajib diisi."))
    require(sk_date is not None, _("Tanggal SK wajib diisi."))
    active_from = active_from or sk_date
    require(
        active_to is None or active_to >= active_from,
        _("Tanggal akhir tidak boleh sebelum tanggal mulai aktif."),
    )
    membership, _created = Membership.objects.update_or_create(
        forum=forum,
        employee=employee,
        defaults={
            "agency": nominating_agency(forum, employee),
            "sk_number": sk_number[:100],
            "sk_date": sk_date,
            "active_from": active_from,
            "active_to": active_to,
            "role_model": role_model,
            "moderator": moderator,
        },
    )
    permissions.membership_cache_clear(employee.user)
    return membership


@records_actor()
@transaction.atomic
def membership_end(*, membership: Membership, by: User, on: dt.date | None = None) -> Membership:
    """End a membership (the decree was replaced): it stays in the history, inactive from `on`+1."""
    require(permissions.can_manage(by, membership.forum))
    on = on or timezone.localdate()
    membership.active_to = max(on, membership.active_from)
    membership.save(update_fields=["active_to"])
    permissions.membership_cache_clear(membership.employee.user)
    return membership


# --- files ---------------------------------------------------------------------------------------


def file_store(upload, *, by: User, **owner) -> ForumFile:
    """Check a file exactly like LKE evidence (type by content, size, macros, bombs...) and keep it
    privately under a generated name."""
    try:
        checked = uploads.evidence_file_check(upload, name=upload.name, size=upload.size)
    except uploads.UploadError as error:
        raise Refused(f"{upload.name}: {error}") from None
    record = ForumFile(
        extension=checked.extension,
        content_type=checked.content_type,
        size=checked.size,
        original_name=checked.display_name,
        uploaded_by=by,
        **owner,
    )
    upload.seek(0)
    record.file.save("forum", File(upload), save=False)
    record.save()
    return record


def _files_store(files, *, by: User, **owner) -> None:
    for upload in files or []:
        file_store(upload, by=by, **owner)


# --- threads -------------------------------------------------------------------------------------


@records_actor()
@transaction.atomic
def thread_create(
    *, category: Category | None, by: User, title: str, body: str, files=None
) -> Thread:
    require(category is not None, _("Pilih kategori."))
    require(permissions.can_start_thread(by, category))
    title = (title or "").strip()
    require(bool(title), _("Judul wajib diisi."))
    require(bool((body or "").strip()), _("Isi pertanyaan atau tulisan wajib diisi."))
    thread = Thread.objects.create(
        forum=category.forum, category=category, title=title[:200], author=by
    )
    _post_add(thread=thread, by=by, body=body, files=files)
    return thread


@transaction.atomic
def post_create(*, thread: Thread, by: User, body: str, files=None) -> Post:
    require(permissions.can_reply(by, thread))
    require(bool((body or "").strip()), _("Isi balasan wajib diisi."))
    return _post_add(thread=thread, by=by, body=body, files=files)


def _post_add(*, thread: Thread, by: User, body: str, files) -> Post:
    people = mentioned_in(thread.forum, body)
    post = Post.objects.create(
        thread=thread, author=by, body=body, body_html=render_post(body, people)
    )
    _files_store(files, by=by, post=post)
    Thread.objects.filter(pk=thread.pk).update(last_post_at=post.created_at)
    inbox.notices_for_post(post, mentioned_users=[e.user for e in people])  # same transaction
    from forums.tasks import forum_post_notify

    post_id = post.pk
    job_enqueue(forum_post_notify, post_id)
    return post


@records_actor()
@transaction.atomic
def answer_accept(*, post: Post, by: User) -> Thread:
    """Mark the reply that answered a consultation (the asker or a moderator; one at a time)."""
    thread = (
        Thread.objects.select_for_update()
        .select_related("category", "forum")
        .get(pk=post.thread_id)
    )
    require(permissions.can_accept(by, thread, post))
    changed = thread.accepted_post_id != post.pk
    thread.accepted_post = post
    thread.save(update_fields=["accepted_post"])
    if changed:
        inbox.notice_for_accepted(post, by=by)
    return thread


MODERATION_ACTIONS = ("lock", "unlock", "hide", "show", "move")


@records_actor()
@transaction.atomic
def thread_moderate(
    *,
    thread: Thread,
    by: User,
    action: str,
    post: Post | None = None,
    category: Category | None = None,
) -> None:
    """Lock or unlock, hide or show (a thread or one reply), move to another category."""
    require(permissions.can_moderate(by, thread.forum))
    require(action in MODERATION_ACTIONS, _("Tindakan tidak dikenal."))
    if action in ("lock", "unlock"):
        thread.locked = action == "lock"
        thread.save(update_fields=["locked"])
    elif action in ("hide", "show") and post is not None:
        require(post.thread_id == thread.pk, _("Balasan tidak ditemukan."))
        post.hidden = action == "hide"
        post.save(update_fields=["hidden"])
        if post.hidden and thread.accepted_post_id == post.pk:
            thread.accepted_post = None
            thread.save(update_fields=["accepted_post"])
    elif action in ("hide", "show"):
        thread.hidden = action == "hide"
        thread.save(update_fields=["hidden"])
    else:
        require(
            category is not None and category.forum_id == thread.forum_id,
            _("Kategori tidak ditemukan."),
        )
        thread.category = category
        fields = ["category"]
        if category.kind != "CONSULTATION" and thread.accepted_post_id:
            thread.accepted_post = None
            fields.append("accepted_post")
        thread.save(update_fields=fields)


def mentioned(post: Post) -> list[Employee]:
    """Active members named in the post as @NIP (18 digits)."""
    return mentioned_in(post.thread.forum, post.body)


def mentioned_in(forum: Forum, body: str) -> list[Employee]:
    nips = set(MENTION.findall(body or ""))
    if not nips:
        return []
    members = Membership.objects.active().filter(forum=forum, employee__nip__in=nips)
    return [m.employee for m in members.select_related("employee__user")]


TAG = re.compile(r"(<[^>]+>)")


def render_post(body: str, people: list[Employee]) -> str:
    """The post's sanitised HTML with each mention of a member shown as their name (@NIP stays
    as typed for anyone who is not a member: no name is looked up for a stranger's NIP). Only
    text between tags is touched, never an attribute such as a link's address."""
    html = render_markdown(body)
    names = {e.nip: e.name for e in people}
    if not names:
        return html

    def name(match: re.Match) -> str:
        nip = match.group(1)
        if nip not in names:
            return match.group(0)
        return f'<span class="mention" title="{nip}">@{escape(names[nip])}</span>'

    parts = TAG.split(html)
    return "".join(part if part.startswith("<") else MENTION.sub(name, part) for part in parts)


# --- events --------------------------------------------------------------------------------------


@records_actor()
@transaction.atomic
def event_create(
    *,
    forum: Forum,
    by: User,
    kind: str,
    title: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    description: str = "",
    place: str = "",
    online_url: str = "",
    capacity: int | None = None,
) -> Event:
    require(permissions.can_manage(by, forum))
    problems = []
    if not (title or "").strip():
        problems.append(_("Judul wajib diisi."))
    if kind not in EventKind.values:
        problems.append(_("Pilih jenis kegiatan."))
    if starts_at is None or ends_at is None:
        problems.append(_("Isi waktu mulai dan selesai."))
    elif ends_at < starts_at:
        problems.append(_("Waktu selesai tidak boleh sebelum waktu mulai."))
    online_url = (online_url or "").strip()
    if online_url and not online_url.startswith(("https://", "http://")):
        problems.append(_("Tautan daring harus diawali https://."))
    if not (place or "").strip() and not online_url:
        problems.append(_("Isi tempat atau tautan daring."))
    if capacity is not None and capacity < 1:
        problems.append(_("Kapasitas paling sedikit 1."))
    if problems:
        raise ValidationError(problems)
    return Event.objects.create(
        forum=forum,
        kind=kind,
        title=title.strip()[:200],
        description=description or "",
        place=(place or "").strip()[:200],
        online_url=online_url[:200],
        capacity=capacity,
        starts_at=starts_at,
        ends_at=ends_at,
    )


@records_actor()
@transaction.atomic
def event_register(*, event: Event, by: User) -> Registration:
    """Register for an event; the event row is locked so two last registrations cannot both take
    the last seat."""
    membership = permissions.membership_of(by, event.forum)
    require(membership is not None, _("Hanya anggota forum yang dapat mendaftar."))
    locked = Event.objects.select_for_update().get(pk=event.pk)
    existing = Registration.objects.filter(event=locked, employee=membership.employee).first()
    if existing:
        return existing
    require(timezone.now() < locked.ends_at, _("Kegiatan sudah selesai."))
    if locked.capacity is not None:
        require(locked.registrations.count() < locked.capacity, _("Kuota peserta sudah penuh."))
    return Registration.objects.create(event=locked, employee=membership.employee)


@records_actor()
@transaction.atomic
def event_check_in(
    *,
    event: Event,
    by: User,
    code: str,
    via_qr: bool = False,
    now: dt.datetime | None = None,
) -> Registration:
    """Attendance by the code shown at the venue (typed, or carried by the QR code); refused when
    the code is wrong or replaced, outside the check-in window, or when a member who did not
    register arrives at a full event."""
    now = now or timezone.now()
    membership = permissions.membership_of(by, event.forum)
    require(membership is not None, _("Hanya anggota forum yang dapat mengisi daftar hadir."))
    locked = Event.objects.select_for_update().get(pk=event.pk)
    require(
        (code or "").strip().upper() == locked.checkin_code,
        _("Kode kehadiran salah atau sudah diganti. Periksa kode yang ditampilkan panitia."),
    )
    opens, closes = locked.checkin_window()
    require(
        opens <= now <= closes,
        _("Kode kehadiran hanya berlaku %(start)s sampai %(end)s.")
        % {
            "start": timezone.localtime(opens).strftime("%d-%m-%Y %H:%M"),
            "end": timezone.localtime(closes).strftime("%d-%m-%Y %H:%M"),
        },
    )
    registration = Registration.objects.filter(event=locked, employee=membership.employee).first()
    if registration is None:
        # A walk-in (checked in without registering) takes a seat like a registration: welcome
        # while one is free, refused once the event is full. The event row is locked above, so
        # two walk-ins cannot both take the last seat (docs/ARCHITECTURE.md §9).
        if locked.capacity is not None:
            require(
                locked.registrations.count() < locked.capacity,
                _(
                    "Kuota peserta sudah penuh dan Anda belum terdaftar. Hubungi panitia di meja registrasi."
                ),
            )
        registration = Registration.objects.create(event=locked, employee=membership.employee)
    if registration.attended_at is None:
        registration.attended_at = now
        registration.checkin_method = CheckinMethod.QR if via_qr else CheckinMethod.CODE
        registration.save(update_fields=["attended_at", "checkin_method"])
    return registration


@records_actor()
@transaction.atomic
def attendance_mark(
    *, event: Event, by: User, registration_id: int, present: bool = True
) -> Registration:
    """The committee records (or withdraws) the attendance of a registered member at the desk."""
    require(permissions.can_manage(by, event.forum))
    registration = (
        Registration.objects.select_for_update().filter(pk=registration_id, event=event).first()
    )
    require(registration is not None, _("Pendaftaran tidak ditemukan."))
    if present and registration.attended_at is None:
        registration.attended_at = timezone.now()
        registration.checkin_method = CheckinMethod.COMMITTEE
    elif not present:
        registration.attended_at, registration.checkin_method = None, ""
    registration.save(update_fields=["attended_at", "checkin_method"])
    return registration


@records_actor()
def event_code_renew(*, event: Event, by: User) -> Event:
    """A new check-in code; the old one (and its QR code) stops working at once."""
    require(permissions.can_manage(by, event.forum))
    event.checkin_code = checkin_code_new()
    event.save(update_fields=["checkin_code"])
    return event


@records_actor()
@transaction.atomic
def event_minutes_save(*, event: Event, by: User, minutes: str, files=None) -> Event:
    require(permissions.can_manage(by, event.forum))
    event.minutes = minutes or ""
    event.save(update_fields=["minutes"])
    _files_store(files, by=by, event=event)
    return event


def agency_attended(event: Event, agency: Agency) -> int:
    return attendance_of_agency(event, agency).count()


@transaction.atomic
def attendance_to_evidence(*, event: Event, by: User, assessment_id: int, fmt: str = "pdf"):
    """The member's own agency's part of the attendance list (PDF or Excel) as a new evidence
    file of one of its criteria, where the LKE's one rule allows it
    (evaluations.lke.permissions.can_add_evidence). Refused when nobody of the agency attended."""
    from evaluations.lke.selectors import evidence_target
    from evaluations.lke.services import evidence_attach_generated
    from forums import exports

    membership = permissions.membership_of(by, event.forum)
    require(membership is not None, _("Hanya anggota forum."))
    agency = membership.agency
    _target, decision = evidence_target(by, agency, assessment_id)
    require(decision)
    require(
        agency_attended(event, agency) > 0,
        _("Belum ada pegawai %(unit)s yang tercatat hadir.") % {"unit": agency.name},
    )
    require(fmt in ("pdf", "xlsx"), _("Format tidak dikenal."))
    rows = attendance_of_agency(event, agency)  # never other agencies' names and NIPs
    data = (
        exports.attendance_pdf(event, rows, agency=agency)
        if fmt == "pdf"
        else exports.attendance_xlsx(event, rows)
    )
    description = _("Daftar hadir %(title)s, %(date)s (%(forum)s)") % {
        "title": event.title,
        "date": timezone.localtime(event.starts_at).strftime("%d-%m-%Y"),
        "forum": event.forum.name,
    }
    return evidence_attach_generated(
        user=by,
        agency=agency,
        assessment_id=assessment_id,
        data=data,
        name=f"daftar-hadir-{event.pk}.{fmt}",
        description=description[:300],
    )


# --- library -------------------------------------------------------------------------------------


@transaction.atomic
def practice_create(
    *,
    forum: Forum,
    by: User,
    title: str,
    body: str,
    value_codes: list[str],
    agency: Agency | None = None,
    files=None,
) -> Practice:
    """A good practice for the library, tagged with one or more values. Members share their own
    agency's practice; admins may file one for any agency of the forum."""
    require(permissions.can_share_practice(by, forum))
    title = (title or "").strip()
    problems = []
    if not title:
        problems.append(_("Judul wajib diisi."))
    if not (body or "").strip():
        problems.append(_("Uraian wajib diisi."))
    values = list(CoreValue.objects.filter(code__in=value_codes or []))
    if not values:
        problems.append(_("Pilih paling sedikit satu nilai."))
    if problems:
        raise ValidationError(problems)
    membership = permissions.membership_of(by, forum)
    if permissions.is_admin(by, forum) and agency is not None:
        require(agency.path.startswith(forum.root.path), _("Unit itu bukan bagian forum ini."))
    else:
        agency = membership.agency if membership else forum.root
    practice = Practice.objects.create(
        forum=forum,
        title=title[:200],
        body=body,
        body_html=render_markdown(body),
        agency=agency,
        created_by=by,
    )
    practice.values.set(values)
    _files_store(files, by=by, practice=practice)
    return practice
