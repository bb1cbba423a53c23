"""The organisation: agencies, employees (ASN), accounts, role grants, the core values catalog."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from berakhlak.jobs import Job
from berakhlak.nip import nip_format


class User(AbstractUser):
    """An account. Employees log in with their NIP as the username."""

    must_change_password = models.BooleanField(_("wajib ganti kata sandi"), default=False)
    # Raised by berakhlak.services.user_sessions_end: every session signed with an older value
    # stops verifying (get_session_auth_hash), whatever the session backend.
    session_generation = models.PositiveIntegerField(_("generasi sesi"), default=0, editable=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("akun")
        verbose_name_plural = _("akun")

    def get_session_auth_hash(self) -> str:
        return self._session_hash(None)

    def get_session_auth_fallback_hash(self):
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(fallback_secret)

    def _session_hash(self, secret) -> str:
        # Generation 0 keeps Django's own hash, so that no session ends when this field arrives.
        if not self.session_generation:
            return self._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "berakhlak.User.session_generation",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def display_name(self) -> str:
        employee = getattr(self, "employee", None)
        return employee.name if employee else (self.get_full_name() or self.username)


class AgencyKind(models.TextChoices):
    PROVINSI = "PROVINSI", _("Pemerintah Provinsi")
    SETDA = "SETDA", _("Sekretariat Daerah")
    BIRO = "BIRO", _("Biro")
    SETWAN = "SETWAN", _("Sekretariat DPRD")
    INSPEKTORAT = "INSPEKTORAT", _("Inspektorat")
    DINAS = "DINAS", _("Dinas")
    BADAN = "BADAN", _("Badan")
    RSUD = "RSUD", _("Rumah Sakit Daerah")
    UPTD = "UPTD", _("UPTD")
    UNIT = "UNIT", _("Unit kerja")
    LAINNYA = "LAINNYA", _("Lainnya")


# Digits of one id in a path: ids are zero-padded so that ordering by path is the tree in
# order, siblings by id (the order they were created in), whatever the number of digits.
PATH_DIGITS = 10


def path_segment(pk: int) -> str:
    """One level of an agency path: the id, zero-padded, and a slash (``0000000042/``)."""
    return f"{pk:0{PATH_DIGITS}d}/"


class Agency(models.Model):
    """A node of the agency tree (province -> OPD -> unit/UPTD).

    ``path`` holds the ids from the root down, zero-padded (``/0000000001/0000000007/``), so
    that a subtree is one indexed prefix match and ordering by path lists the tree depth first
    with siblings in creation order (unpadded, ``/1/10/`` would sort before ``/1/9/``); it is
    maintained by berakhlak.services.agency_paths_rebuild (docs/ARCHITECTURE.md §2).
    """

    code = models.CharField(_("kode"), max_length=32, unique=True)
    name = models.CharField(_("nama"), max_length=255)
    kind = models.CharField(_("jenis"), max_length=16, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    active = models.BooleanField(_("aktif"), default=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("unit kerja")
        verbose_name_plural = _("unit kerja")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="agency_code_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=AgencyKind.values), name="agency_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="agency_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def contains(self, other: Agency) -> bool:
        return other.path.startswith(self.path)


class AsnType(models.TextChoices):
    PNS = "PNS", _("PNS")
    CPNS = "CPNS", _("CPNS")
    PPPK = "PPPK", _("PPPK")
    PPPK_PARUH_WAKTU = "PPPK_PARUH_WAKTU", _("PPPK Paruh Waktu")


nip_shape = RegexValidator(r"^[0-9]{18}$", _("NIP harus 18 digit angka."))


class Employee(models.Model):
    """A civil servant (ASN) on the roster. Every employee is a survey respondent."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="employee")
    nip = models.CharField(_("NIP"), max_length=18, unique=True, validators=[nip_shape])
    name = models.CharField(_("nama"), max_length=255)
    asn_type = models.CharField(_("jenis ASN"), max_length=20, choices=AsnType.choices)
    position = models.CharField(_("jabatan"), max_length=255, blank=True)
    agency = models.ForeignKey(
        Agency, verbose_name=_("unit kerja"), on_delete=models.PROTECT, related_name="employees"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pegawai")
        verbose_name_plural = _("pegawai")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nip__regex=r"^[0-9]{18}$"), name="employee_nip_18_digits"
            ),
            models.CheckConstraint(
                condition=Q(asn_type__in=AsnType.values), name="employee_asn_type_valid"
            ),
        ]
        indexes = [models.Index(fields=["agency", "active"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.nip_display})"

    @property
    def nip_display(self) -> str:
        return nip_format(self.nip)


class Role(models.TextChoices):
    ADMIN = "ADMIN", _("Admin Biro Organisasi")
    EVALUATOR = "EVALUATOR", _("Evaluator")
    CHANGE_AGENT = "CHANGE_AGENT", _("Agen perubahan")
    LEADER = "LEADER", _("Pimpinan")


class RoleGrant(models.Model):
    """A role held by a user over an agency and everything below it."""

    user = models.ForeignKey(
        User, verbose_name=_("akun"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("peran"), max_length=16, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("cakupan"), on_delete=models.CASCADE, related_name="role_grants"
    )
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("diberikan oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("pemberian peran")
        verbose_name_plural = _("pemberian peran")
        ordering = ["role", "agency__path"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency"], name="rolegrant_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="rolegrant_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} - {self.agency.code}"


class Wording(models.TextChoices):
    SE_2021 = "SE_2021", _("SE MenPANRB 20/2021")
    UU_2023 = "UU_2023", _("UU 20/2023")


class CoreValue(models.Model):
    """One of the seven BerAKHLAK core values, in both official wordings."""

    code = models.CharField(_("kode"), max_length=2, unique=True)
    order = models.PositiveSmallIntegerField(_("urutan"), unique=True)
    name = models.CharField(_("nama"), max_length=64)
    definition = models.TextField(_("definisi (SE 20/2021)"))
    definition_2023 = models.TextField(_("definisi (UU 20/2023)"))

    class Meta:
        verbose_name = _("nilai dasar")
        verbose_name_plural = _("nilai dasar")
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def definition_for(self, wording: str) -> str:
        """In the interface's language (berakhlak/values_text.py marks the stored texts)."""
        text = self.definition_2023 if wording == Wording.UU_2023 else self.definition
        return gettext(text)


class BehaviourGuide(models.Model):
    """One of the 21 behaviour guides (panduan perilaku), three per core value."""

    value = models.ForeignKey(CoreValue, on_delete=models.PROTECT, related_name="guides")
    code = models.CharField(_("kode"), max_length=3, unique=True)
    order = models.PositiveSmallIntegerField(_("urutan"))
    text = models.TextField(_("panduan perilaku (SE 20/2021)"))
    text_2023 = models.TextField(_("panduan perilaku (UU 20/2023)"))

    class Meta:
        verbose_name = _("panduan perilaku")
        verbose_name_plural = _("panduan perilaku")
        ordering = ["value__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["value", "order"], name="guide_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    def text_for(self, wording: str) -> str:
        """In the interface's language (berakhlak/values_text.py marks the stored texts)."""
        return gettext(self.text_2023 if wording == Wording.UU_2023 else self.text)


def roster_upload_path(instance: RosterImport, filename: str) -> str:
    # The stored name is generated; the user's file name is kept only as data.
    return f"private/imports/{instance.id}.xlsx"


class ImportStatus(models.TextChoices):
    PENDING_PREVIEW = "PENDING_PREVIEW", _("Menunggu pemeriksaan")
    PREVIEWED = "PREVIEWED", _("Siap dikonfirmasi")
    REJECTED = "REJECTED", _("Ditolak, ada kesalahan")
    PENDING_APPLY = "PENDING_APPLY", _("Sedang diterapkan")
    APPLIED = "APPLIED", _("Diterapkan")
    FAILED = "FAILED", _("Gagal diproses")


class RosterImport(Job):
    """One uploaded roster workbook and its way through preview and confirmation.

    The row, not the broker, is the source of truth: a sweeper re-enqueues rows left pending.
    """

    Status = ImportStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(_("nama berkas"), max_length=255)
    file = models.FileField(upload_to=roster_upload_path, max_length=255)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ImportStatus.choices,
        default=ImportStatus.PENDING_PREVIEW,
    )
    deactivate_missing = models.BooleanField(
        _("nonaktifkan pegawai yang tidak ada di berkas"), default=False
    )
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)
    errors = models.JSONField(_("kesalahan"), default=list, blank=True)
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    applied_at = models.DateTimeField(_("diterapkan"), null=True, blank=True)

    class Meta:
        verbose_name = _("impor data pegawai")
        verbose_name_plural = _("impor data pegawai")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="rosterimport_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in {self.Status.PENDING_PREVIEW, self.Status.PENDING_APPLY}
