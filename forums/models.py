"""Change-agent forums (FOSKO SI DARA and the like): members, events with attendance, threads,
and a library of good practices. See docs/ARCHITECTURE.md §9."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berakhlak.mailing import Mailed
from berakhlak.models import Agency, CoreValue, Employee

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a hall


def checkin_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


class Forum(models.Model):
    """A forum per province (or agency group): its members come from the agencies below `root`."""

    name = models.CharField(_("nama"), max_length=200)
    slug = models.SlugField(unique=True)
    root = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="forums")
    description = models.TextField(_("uraian"), blank=True)

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forum")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def active(self, on=None):
        """Memberships in force on the day, of employees still on the roster."""
        on = on or timezone.localdate()
        return self.filter(
            Q(active_from__lte=on),
            Q(active_to__isnull=True) | Q(active_to__gte=on),
            employee__active=True,
        )


class Membership(models.Model):
    """A change agent nominated by an agency (decree number and date, active from/to)."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="memberships")
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="forum_memberships"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit yang mengusulkan")
    )
    sk_number = models.CharField(_("nomor SK"), max_length=100)
    sk_date = models.DateField(_("tanggal SK"))
    active_from = models.DateField(_("aktif sejak"))
    active_to = models.DateField(_("aktif sampai"), null=True, blank=True)
    role_model = models.BooleanField(_("teladan (role model)"), default=False)
    moderator = models.BooleanField(_("moderator"), default=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("anggota forum")
        verbose_name_plural = _("anggota forum")
        ordering = ["agency__path", "employee__name"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "employee"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=models.F("active_from")),
                name="membership_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee.name} ({self.agency.code})"


class EventKind(models.TextChoices):
    TRAINING = "TRAINING", _("Pelatihan")
    CAPACITY = "CAPACITY", _("Penguatan kapasitas")
    COORDINATION = "COORDINATION", _("Rapat koordinasi")


class Event(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("jenis"), max_length=12, choices=EventKind.choices)
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("uraian"), blank=True)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    place = models.CharField(_("tempat"), max_length=200, blank=True)
    online_url = models.URLField(_("tautan daring"), blank=True)
    capacity = models.PositiveIntegerField(_("kapasitas"), null=True, blank=True)
    checkin_code = models.CharField(max_length=8, default=checkin_code_new)
    minutes = models.TextField(_("notulen"), blank=True)

    class Meta:
        verbose_name = _("kegiatan forum")
        verbose_name_plural = _("kegiatan forum")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    def checkin_window(self):
        """Check-in opens an hour before the start and closes an hour after the end."""
        hour = timezone.timedelta(hours=1)
        return self.starts_at - hour, self.ends_at + hour


class CheckinMethod(models.TextChoices):
    CODE = "CODE", _("Kode")
    QR = "QR", _("Kode QR")
    COMMITTEE = "COMMITTEE", _("Dicatat panitia")


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    attended_at = models.DateTimeField(_("hadir"), null=True, blank=True)
    checkin_method = models.CharField(
        _("cara mengisi daftar hadir"), max_length=10, choices=CheckinMethod.choices, blank=True
    )

    class Meta:
        ordering = ["employee__agency__path", "employee__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "employee"], name="registration_unique"),
            # Attendance always says how it was taken; no method without attendance.
            models.CheckConstraint(
                condition=Q(attended_at__isnull=True, checkin_method="")
                | Q(attended_at__isnull=False, checkin_method__in=CheckinMethod.values),
                name="registration_checkin_method",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee.name} @ {self.event}"


def forum_file_path(instance, filename: str) -> str:
    return f"forum/{instance.storage_key.hex[:2]}/{instance.storage_key.hex}{instance.extension}"


class ForumFile(models.Model):
    """A file (event material, post attachment, practice document), checked like LKE evidence and
    stored privately; downloaded only through a view that checks membership."""

    storage_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(upload_to=forum_file_path, max_length=255)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="materials"
    )
    post = models.ForeignKey(
        "Post", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    practice = models.ForeignKey(
        "Practice", on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )

    def __str__(self) -> str:
        return self.original_name


class CategoryKind(models.TextChoices):
    CONSULTATION = "CONSULTATION", _("Konsultasi")
    GOOD_PRACTICE = "GOOD_PRACTICE", _("Berbagi Praktik Baik")
    ANNOUNCEMENT = "ANNOUNCEMENT", _("Pengumuman")


class Category(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="categories")
    kind = models.CharField(_("jenis"), max_length=16, choices=CategoryKind.choices)
    name = models.CharField(_("nama"), max_length=100)
    # Who may start threads here (configurable per category); moderators and admins always may.
    members_may_post = models.BooleanField(_("anggota boleh membuat utas"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")
        ordering = ["forum", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CategoryKind.values), name="category_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Thread(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="threads")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(_("judul"), max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_post_at = models.DateTimeField(default=timezone.now, db_index=True)
    locked = models.BooleanField(_("dikunci"), default=False)
    hidden = models.BooleanField(_("disembunyikan"), default=False)
    accepted_post = models.ForeignKey(
        "Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("utas")
        verbose_name_plural = _("utas")
        ordering = ["-last_post_at"]

    def __str__(self) -> str:
        return self.title


class Post(Mailed):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("isi (Markdown)"))
    body_html = models.TextField(editable=False)  # sanitised rendering of `body`
    created_at = models.DateTimeField(auto_now_add=True)
    hidden = models.BooleanField(_("disembunyikan"), default=False)
    # Set by the author's edit or delete (forums.editing); earlier versions are PostRevisions.
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.thread}: {self.body[:40]}"


class PostRevision(models.Model):
    """A post's text as it was before an edit or a delete by its author (moderators read them)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    written_at = models.DateTimeField()  # when this version was written (post or previous edit)
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["post", "-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.replaced_at:%Y-%m-%d %H:%M}"


class NoticeKind(models.TextChoices):
    REPLY = "REPLY", _("Balasan pada utas Anda")
    MENTION = "MENTION", _("Anda disebut")
    ACCEPTED = "ACCEPTED", _("Balasan Anda menjadi jawaban terpilih")


class Notice(models.Model):
    """An in-app notification of the forums, written in the transaction of the post or the
    acceptance that causes it (forums.inbox)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_notices"
    )
    kind = models.CharField(max_length=8, choices=NoticeKind.choices)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="notices")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "post", "kind"], name="notice_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=NoticeKind.values), name="notice_kind_valid"
            ),
        ]
        indexes = [
            # The navbar's count: the few unread notices of one person.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notice_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.kind} {self.post_id}"


class Practice(models.Model):
    """A good practice in the library, tagged with values and an agency."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="practices")
    title = models.CharField(_("judul"), max_length=200)
    body = models.TextField(_("uraian (Markdown)"))
    body_html = models.TextField(editable=False)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    values = models.ManyToManyField(CoreValue, verbose_name=_("nilai"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("praktik baik")
        verbose_name_plural = _("praktik baik")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
