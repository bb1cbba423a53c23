"""Instruments, invitations, sealed submissions and anonymous responses.

Confidentiality by design (docs/ARCHITECTURE.md §5): `Participation` says WHO took part, `Response`
says WHAT was answered, and nothing stored ties the two together, not even for someone who holds
the database and its backups:
- while a person fills the survey their answers live in a `Draft`, sealed (encrypted) with a key the
  database never holds, reached only through the token on their participation;
- on submit the answers are sealed into a `SealedSubmission` that names no one and the draft is
  deleted; the participation is marked submitted in the same transaction, which is harmless because
  the sealed row cannot be read and is deleted at release;
- at release (surveys.services.release) all waiting submissions of a round become `Response` rows in
  one transaction, in random order, with their unit and ASN type generalised wherever fewer than the
  round's minimum group share a cell. A response has a random id and no timestamp.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from berakhlak.models import AsnType, BehaviourGuide, CoreValue, Employee
from evaluations.models import Round, RoundAgency

VALUE_CODES = ("BP", "AK", "KO", "HA", "LO", "AD", "KL")


def is_english() -> bool:
    return (get_language() or "").startswith("en")


def in_language(indonesian: str, english: str) -> str:
    """The survey's content in the interface's language: English where it has an English text."""
    return english if english and english.strip() and is_english() else indonesian


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
    # English texts, shown when the interface is English; empty: the Indonesian is shown.
    name_en = models.CharField(_("nama (Inggris)"), max_length=200, blank=True, default="")
    description_en = models.TextField(_("keterangan (Inggris)"), blank=True, default="")
    scale_labels_en = models.JSONField(_("label skala (Inggris)"), default=list, blank=True)
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

    @property
    def shown_name(self) -> str:
        return in_language(self.name, self.name_en)

    @property
    def shown_description(self) -> str:
        return in_language(self.description, self.description_en)

    def shown_scale_labels(self) -> list[str]:
        """The English labels in English when there is one for every point, else Indonesian."""
        if is_english() and len(self.scale_labels_en or []) == self.scale_points:
            return list(self.scale_labels_en)
        return list(self.scale_labels or [])


class Item(models.Model):
    """A statement (behaviour or engagement), answered on the instrument's scale."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("kode"), max_length=16)
    order = models.PositiveSmallIntegerField(_("urutan"))
    text = models.TextField(_("pernyataan"))
    text_en = models.TextField(_("pernyataan (Inggris)"), blank=True, default="")
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

    @property
    def shown_text(self) -> str:
        return in_language(self.text, self.text_en)


class Option(models.Model):
    """A choice of the values-selection instrument: tied to one core value, or limiting."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("kode"), max_length=16)
    order = models.PositiveSmallIntegerField(_("urutan"))
    text = models.CharField(_("teks"), max_length=200)
    text_en = models.CharField(_("teks (Inggris)"), max_length=200, blank=True, default="")
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

    @property
    def shown_text(self) -> str:
        return in_language(self.text, self.text_en)


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


class InvitationEmail(models.TextChoices):
    """The invitation e-mail of one participation (an outbox: surveys.services.invitations)."""

    NONE = "", _("tidak dikirim")
    DUE = "DUE", _("menunggu dikirim")
    SENT = "SENT", _("terkirim")


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
    invitation_email = models.CharField(
        _("e-mail undangan"), max_length=4, choices=InvitationEmail.choices, default="", blank=True
    )
    # The worker sending the invitation now (surveys.services.invitations; a lapsed claim is a dead
    # worker's). When the invitations went out, nothing about answers.
    invitation_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)

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
        indexes = [
            models.Index(fields=["round", "round_agency", "status"]),
            # The outbox's sweep looks for the few rows still waiting for their e-mail.
            models.Index(
                fields=["round"],
                condition=Q(invitation_email="DUE"),
                name="participation_invitation_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} @ {self.round_id}: {self.status}"


class Draft(models.Model):
    """Answers being typed, sealed (surveys.sealing, purpose "draft", bound to the token).

    Reached only through Participation.draft_token; deleted on submit."""

    token = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    key_id = models.CharField(max_length=16)
    sealed = models.BinaryField()

    class Meta:
        verbose_name = _("draf jawaban")
        verbose_name_plural = _("draf jawaban")
        indexes = [models.Index(fields=["key_id"], name="surveys_dra_key_id_3d2f3a_idx")]

    def __str__(self) -> str:
        return str(_("draf jawaban"))


class SealedSubmission(models.Model):
    """A submitted (or imported paper) answer sheet waiting for its round's release.

    Everything about it is inside two seals bound to round and id: `sealed` (purpose "submission":
    the unit, the ASN type, the source, every answer and score, written into `Response` at release)
    and `summary` (purpose "summary": unit, ASN type, source, the order of submission and just the
    numbers the indices add up, `SUMMARY_FIELDS`, so that provisional figures open a small blob per
    sheet). In the clear: a random id, the round and the key id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    key_id = models.CharField(max_length=16)
    sealed = models.BinaryField()
    summary = models.BinaryField()

    class Meta:
        verbose_name = _("jawaban tersegel")
        verbose_name_plural = _("jawaban tersegel")
        indexes = [
            models.Index(fields=["round"], name="surveys_sea_round_i_5b0b61_idx"),
            models.Index(fields=["key_id"], name="surveys_sea_key_id_7c1e0d_idx"),
        ]

    def __str__(self) -> str:
        return str(_("jawaban tersegel"))


class ReleaseCorrection(models.Model):
    """Sealed note of one release: which released responses were generalised, and their true unit
    and ASN type, so that the indices stay exact (reports add it back to the scan)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    key_id = models.CharField(max_length=16)
    sealed = models.BinaryField()

    class Meta:
        indexes = [
            models.Index(fields=["round"], name="surveys_rel_round_i_0a4c2e_idx"),
            models.Index(fields=["key_id"], name="surveys_rel_key_id_9d5b7f_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: koreksi pelepasan"


class ReleaseStatus(models.TextChoices):
    DONE = "DONE", _("Dilepas")
    HELD = "HELD", _("Ditahan (kurang dari kelompok minimum)")
    FAILED = "FAILED", _("Gagal")


class ResponseRelease(models.Model):
    """One attempt to release a round's waiting submissions (what the admin sees)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="releases")
    status = models.CharField(max_length=8, choices=ReleaseStatus.choices)
    released = models.PositiveIntegerField(_("dilepas"), default=0)
    generalised = models.PositiveIntegerField(_("digeneralisasi"), default=0)
    held = models.PositiveIntegerField(_("ditahan"), default=0)
    error = models.TextField(_("alasan"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReleaseStatus.values), name="responserelease_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.status}"


class PaperImport(models.Model):
    """How many paper answer sheets of one unit an import added (counts are public: the response
    board shows them; the sheets themselves wait sealed for the release like web answers)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    round_agency = models.ForeignKey(RoundAgency, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField()
    # SHA-256 of the imported file: the same file again is refused unless the admin confirms.
    content_sha256 = models.CharField(max_length=64, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["round", "round_agency"], name="surveys_pap_round_i_4e8a1b_idx")
        ]

    def __str__(self) -> str:
        return f"{self.round_agency_id}: {self.count}"


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


# The Response fields the indices add up, in the order a sealed summary lists them.
SUMMARY_FIELDS = (
    "score_bp",
    "score_ak",
    "score_ko",
    "score_ha",
    "score_lo",
    "score_ad",
    "score_kl",
    "score_engagement",
    "current_limiting",
    "current_mask",
    "alignment_desired",
    "alignment_personal",
)

# Stored ASN type of released responses whose own type had fewer than the minimum group.
ASN_TYPE_GENERALISED = "LAINNYA"
RESPONSE_ASN_TYPES = [*AsnType.choices, (ASN_TYPE_GENERALISED, _("Lainnya (digabung)"))]


class Response(models.Model):
    """WHAT was answered, by an agency snapshot and ASN type, never by whom.

    Written only by the release (or by imports before this design): `round_agency` and `asn_type`
    are the generalised ones (an ancestor, "LAINNYA") wherever the true cell was smaller than the
    round's minimum group; the sealed ReleaseCorrection of the release keeps the true ones.

    The seven per-value scores (0-100) are computed at submit so that a round's aggregation reads
    one row per respondent.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    round_agency = models.ForeignKey(
        RoundAgency, on_delete=models.CASCADE, related_name="responses"
    )
    asn_type = models.CharField(_("jenis ASN"), max_length=20, choices=RESPONSE_ASN_TYPES)
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
