"""Instruments, invitations and anonymous responses.

Confidentiality by design (docs/ARCHITECTURE.md §5): `Participation` says WHO took part, `Response`
says WHAT was answered. While a person fills the survey, their answers live in a `Draft` reached
only through the unguessable token on their participation; on submit the draft becomes a
`Response` with no link to anyone, the token is cut and the draft deleted. A response carries no
timestamp and a random primary key, so neither ordering nor time can join it to a participation.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from berakhlak.models import AsnType, BehaviourGuide, CoreValue, Employee
from evaluations.models import Round, RoundAgency

VALUE_CODES = ("BP", "AK", "KO", "HA", "LO", "AD", "KL")


class InstrumentKind(models.TextChoices):
    BEHAVIOUR = "BEHAVIOUR", _("Perilaku BerAKHLAK")
    VALUES_SELECTION = "VALUES_SELECTION", _("Pemilihan nilai")
    ENGAGEMENT = "ENGAGEMENT", _("Keterikatan pegawai")


class Instrument(models.Model):
    """A versioned questionnaire. Frozen (read-only) once a round using it opens."""

    code = models.SlugField(_("kode"), max_length=40)
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    name = models.CharField(_("nama"), max_length=200)
    description = models.TextField(_("keterangan"), blank=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=InstrumentKind.choices)
    scale_points = models.PositiveSmallIntegerField(_("jumlah titik skala"), default=6)
    scale_labels = models.JSONField(_("label skala"), default=list, blank=True)
    pick_count = models.PositiveSmallIntegerField(_("jumlah pilihan (K)"), default=10)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    frozen_at = models.DateTimeField(_("dibekukan"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instrumen")
        verbose_name_plural = _("instrumen")
        ordering = ["kind", "code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="instrument_code_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(scale_points__gte=2) & Q(scale_points__lte=11),
                name="instrument_scale_2_11",
            ),
            models.CheckConstraint(
                condition=Q(pick_count__gte=1), name="instrument_pick_at_least_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Item(models.Model):
    """A statement (behaviour or engagement), answered on the instrument's scale."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("kode"), max_length=16)
    order = models.PositiveSmallIntegerField(_("urutan"))
    text = models.TextField(_("pernyataan"))
    value = models.ForeignKey(
        CoreValue, verbose_name=_("nilai"), on_delete=models.PROTECT, null=True, blank=True
    )
    guide = models.ForeignKey(
        BehaviourGuide,
        verbose_name=_("panduan perilaku"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    reverse = models.BooleanField(_("skor terbalik"), default=False)

    class Meta:
        verbose_name = _("butir")
        verbose_name_plural = _("butir")
        ordering = ["instrument", "order"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="item_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"


class Option(models.Model):
    """A choice of the values-selection instrument: tied to one core value, or limiting."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("kode"), max_length=16)
    order = models.PositiveSmallIntegerField(_("urutan"))
    text = models.CharField(_("teks"), max_length=200)
    value = models.ForeignKey(
        CoreValue, verbose_name=_("nilai"), on_delete=models.PROTECT, null=True, blank=True
    )
    limiting = models.BooleanField(_("perilaku penghambat"), default=False)

    class Meta:
        verbose_name = _("pilihan")
        verbose_name_plural = _("pilihan")
        ordering = ["instrument", "order"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="option_code_unique"),
            models.CheckConstraint(
                condition=(Q(limiting=True) & Q(value__isnull=True))
                | (Q(limiting=False) & Q(value__isnull=False)),
                name="option_value_xor_limiting",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class RoundInstrument(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="round_instruments")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "instrument"], name="round_instrument_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.instrument_id}"


class ParticipationStatus(models.TextChoices):
    INVITED = "INVITED", _("Diundang")
    STARTED = "STARTED", _("Sedang mengisi")
    SUBMITTED = "SUBMITTED", _("Sudah mengirim")


class Participation(models.Model):
    """WHO was invited and whether they took part. Never joined to a response."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participations")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="participations")
    round_agency = models.ForeignKey(
        RoundAgency, on_delete=models.CASCADE, related_name="participations"
    )
    asn_type = models.CharField(_("jenis ASN"), max_length=20, choices=AsnType.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ParticipationStatus.choices,
        default=ParticipationStatus.INVITED,
    )
    # Key of the person's draft while they fill the survey; set to NULL on submit.
    draft_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Coarse on purpose: the day only.
    submitted_on = models.DateField(_("dikirim pada"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("pengingat terkirim"), default=0)
    last_reminded_on = models.DateField(_("pengingat terakhir"), null=True, blank=True)

    class Meta:
        verbose_name = _("partisipasi")
        verbose_name_plural = _("partisipasi")
        constraints = [
            models.UniqueConstraint(fields=["round", "employee"], name="participation_unique"),
            models.CheckConstraint(
                condition=~Q(status="SUBMITTED") | Q(draft_token__isnull=True),
                name="participation_submitted_has_no_token",
            ),
        ]
        indexes = [models.Index(fields=["round", "round_agency", "status"])]

    def __str__(self) -> str:
        return f"{self.employee_id} @ {self.round_id}: {self.status}"


class Draft(models.Model):
    """Answers being typed. Reached only through Participation.draft_token; deleted on submit."""

    token = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("draf jawaban")
        verbose_name_plural = _("draf jawaban")

    def __str__(self) -> str:
        return str(_("draf jawaban"))


# Bit i of Response.current_mask is set when VALUE_BITS[i] was chosen as current culture.
VALUE_BITS = ("BP", "AK", "KO", "HA", "LO", "AD", "KL")


def _codes(text: str) -> set[str]:
    return {code for code in (text or "").split(",") if code}


def _share(base: set[str], other: set[str]) -> float | None:
    """% of the codes in `base` that are also in `other`; None when `base` is empty."""
    return len(base & other) * 100.0 / len(base) if base else None


def selection_derived(current: str, personal: str, desired: str) -> dict:
    """What the aggregation needs of a values selection, computed once per response: the current
    culture as a bit mask and the two alignment shares (desired in current, personal in current)."""
    chosen = _codes(current)
    return {
        "current_mask": sum(1 << i for i, code in enumerate(VALUE_BITS) if code in chosen)
        if current
        else None,
        "alignment_desired": _share(_codes(desired), chosen),
        "alignment_personal": _share(_codes(personal), chosen),
    }


class ResponseSource(models.TextChoices):
    WEB = "WEB", _("Daring")
    PAPER = "PAPER", _("Kertas/luring (impor)")


class Response(models.Model):
    """WHAT was answered, by an agency snapshot and ASN type, never by whom.

    The seven per-value scores (0-100) are computed at submit so that a round's aggregation reads
    one row per respondent.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    round_agency = models.ForeignKey(
        RoundAgency, on_delete=models.CASCADE, related_name="responses"
    )
    asn_type = models.CharField(_("jenis ASN"), max_length=20, choices=AsnType.choices)
    source = models.CharField(
        _("sumber"), max_length=8, choices=ResponseSource.choices, default=ResponseSource.WEB
    )
    answers = models.JSONField(_("jawaban"), default=dict)
    score_bp = models.FloatField(null=True, blank=True)
    score_ak = models.FloatField(null=True, blank=True)
    score_ko = models.FloatField(null=True, blank=True)
    score_ha = models.FloatField(null=True, blank=True)
    score_lo = models.FloatField(null=True, blank=True)
    score_ad = models.FloatField(null=True, blank=True)
    score_kl = models.FloatField(null=True, blank=True)
    score_engagement = models.FloatField(null=True, blank=True)
    # Values selection, summarised at submit: value codes chosen as current culture (e.g. "AK,BP"),
    # number of limiting choices among current culture, and codes chosen as personal / desired.
    current_values = models.CharField(max_length=32, blank=True, default="")
    current_limiting = models.PositiveSmallIntegerField(null=True, blank=True)
    personal_values = models.CharField(max_length=32, blank=True, default="")
    desired_values = models.CharField(max_length=32, blank=True, default="")
    # Derived from the three above by selection_derived() (kept in step by save() and
    # surveys.services.filling.response_fields), so that the round's scan stays cheap.
    current_mask = models.PositiveSmallIntegerField(null=True, blank=True)
    alignment_desired = models.FloatField(null=True, blank=True)
    alignment_personal = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("jawaban anonim")
        verbose_name_plural = _("jawaban anonim")
        indexes = [models.Index(fields=["round", "round_agency"])]

    def __str__(self) -> str:
        return str(_("jawaban anonim"))

    def save(self, *args, **kwargs):
        if self.current_values or self.personal_values or self.desired_values:
            for name, value in selection_derived(
                self.current_values, self.personal_values, self.desired_values
            ).items():
                setattr(self, name, value)
        super().save(*args, **kwargs)
