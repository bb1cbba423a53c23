"""The evaluation round: schedule, weights, bands, thresholds, and the snapshot taken when it opens.

A round freezes the organisation as it was on the day it opened (agencies merge, split and rename
between rounds), so every later figure of the round refers to `RoundAgency` rows, never to the live
`Agency` tree.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from berakhlak.mailing import Mailed
from berakhlak.models import Agency, AgencyKind, Wording


class RoundStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draf")
    OPEN = "OPEN", _("Dibuka")
    CLOSED = "CLOSED", _("Ditutup")
    COMPUTED = "COMPUTED", _("Dihitung")
    PUBLISHED = "PUBLISHED", _("Dipublikasikan")
    ARCHIVED = "ARCHIVED", _("Diarsipkan")


class Round(models.Model):
    """One yearly evaluation: the survey, the institutional assessment and their indices."""

    # The tree the round covers: a province root (one deployment may later hold several).
    root = models.ForeignKey(
        Agency, verbose_name=_("instansi"), on_delete=models.PROTECT, related_name="rounds"
    )
    name = models.CharField(_("nama"), max_length=200)
    year = models.PositiveSmallIntegerField(_("tahun"))
    status = models.CharField(
        _("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    wording = models.CharField(
        _("rumusan nilai"), max_length=8, choices=Wording.choices, default=Wording.UU_2023
    )
    survey_opens_on = models.DateField(_("survei dibuka"))
    survey_closes_on = models.DateField(_("survei ditutup"))
    evidence_opens_on = models.DateField(_("unggah bukti dibuka"))
    evidence_closes_on = models.DateField(_("unggah bukti ditutup"))
    review_opens_on = models.DateField(_("penilaian dibuka"))
    review_closes_on = models.DateField(_("penilaian ditutup"))
    # Optional: while open, a change agent may contest a final LKE score once per criterion.
    appeal_opens_on = models.DateField(_("masa sanggah dibuka"), null=True, blank=True)
    appeal_closes_on = models.DateField(_("masa sanggah ditutup"), null=True, blank=True)
    # Leaders see only published figures unless the admin lets them follow the live ones.
    live_to_leaders = models.BooleanField(_("pimpinan melihat angka sementara"), default=False)

    weight_survey = models.PositiveSmallIntegerField(_("bobot survei individu (%)"), default=60)
    weight_lke = models.PositiveSmallIntegerField(_("bobot penilaian instansi/LKE (%)"), default=40)
    band_a_min = models.DecimalField(
        _("batas bawah A (Sehat)"), max_digits=4, decimal_places=1, default=Decimal("75.0")
    )
    band_b_min = models.DecimalField(
        _("batas bawah B (Cukup Sehat)"), max_digits=4, decimal_places=1, default=Decimal("50.0")
    )
    band_c_min = models.DecimalField(
        _("batas bawah C (Tidak Sehat)"), max_digits=4, decimal_places=1, default=Decimal("25.0")
    )
    min_group = models.PositiveSmallIntegerField(_("ukuran kelompok minimum"), default=5)
    min_comment_group = models.PositiveSmallIntegerField(
        _("ukuran kelompok minimum untuk komentar"), default=10
    )
    min_respondents = models.PositiveIntegerField(
        _("responden minimum per unit (orang)"), default=5
    )
    min_respondents_pct = models.PositiveSmallIntegerField(
        _("responden minimum per unit (% pegawai)"), default=30
    )
    reminder_gap_days = models.PositiveSmallIntegerField(_("jarak pengingat (hari)"), default=3)
    reminder_max = models.PositiveSmallIntegerField(_("pengingat paling banyak"), default=3)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    opened_at = models.DateTimeField(_("dibuka pada"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("putaran evaluasi")
        verbose_name_plural = _("putaran evaluasi")
        ordering = ["-year", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_survey__lte=100) & Q(weight_lke=100 - F("weight_survey")),
                name="round_weights_sum_100",
            ),
            models.CheckConstraint(
                condition=Q(band_a_min__gt=F("band_b_min"))
                & Q(band_b_min__gt=F("band_c_min"))
                & Q(band_c_min__gt=0)
                & Q(band_a_min__lte=100),
                name="round_bands_descending",
            ),
            models.CheckConstraint(
                condition=Q(min_group__gte=3), name="round_min_group_at_least_3"
            ),
            models.CheckConstraint(
                condition=Q(min_comment_group__gte=F("min_group")),
                name="round_comment_group_ge_group",
            ),
            models.CheckConstraint(
                condition=Q(min_respondents_pct__lte=100), name="round_min_pct_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(survey_closes_on__gte=F("survey_opens_on"))
                & Q(evidence_closes_on__gte=F("evidence_opens_on"))
                & Q(review_closes_on__gte=F("review_opens_on")),
                name="round_windows_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values), name="round_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(appeal_opens_on__isnull=True) & Q(appeal_closes_on__isnull=True))
                | Q(appeal_closes_on__gte=F("appeal_opens_on")),
                name="round_appeal_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    def band_for(self, score) -> str:
        """Band letter (A-D) of a 0-100 score under this round's thresholds."""
        if score is None:
            return ""
        score = Decimal(str(score))
        if score >= self.band_a_min:
            return "A"
        if score >= self.band_b_min:
            return "B"
        if score >= self.band_c_min:
            return "C"
        return "D"


class RoundAgency(models.Model):
    """An agency as it was when the round opened: the unit every figure of the round refers to."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="agencies")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="round_snapshots")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("kode"), max_length=32)
    name = models.CharField(_("nama"), max_length=255)
    kind = models.CharField(_("jenis"), max_length=16, choices=AgencyKind.choices)
    path = models.CharField(max_length=255, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)
    roster_count = models.PositiveIntegerField(_("jumlah pegawai"), default=0)

    class Meta:
        verbose_name = _("unit dalam putaran")
        verbose_name_plural = _("unit dalam putaran")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["round", "agency"], name="round_agency_unique"),
            models.UniqueConstraint(fields=["round", "code"], name="round_agency_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def min_respondents_needed(self) -> int:
        """The larger of the round's absolute and percentage minimums, never above the roster."""
        by_pct = -(-self.roster_count * self.round.min_respondents_pct // 100)  # ceiling
        return min(max(self.round.min_respondents, by_pct), self.roster_count)


# --- Institutional assessment (LKE) ---------------------------------------------------------------
# A round's worksheet: components -> criteria. Each agency at OPD level answers every criterion
# (`Assessment`), proves it with evidence files, and evaluators score it. See docs/ARCHITECTURE.md §6.


class AnswerKind(models.TextChoices):
    YA_TIDAK = "YA_TIDAK", _("Ya/Tidak")
    ABC = "ABC", _("A-B-C")
    A_E = "A_E", _("A-B-C-D-E")
    PERCENT = "PERCENT", _("Persentase (0-100)")
    MATURITY_1_5 = "MATURITY_1_5", _("Tingkat kematangan 1-5")


class Worksheet(models.Model):
    """The LKE of one round. Frozen once the round's evidence window opens (or by the admin)."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="worksheet")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    frozen_at = models.DateTimeField(_("dibekukan pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("lembar kerja evaluasi (LKE)")
        verbose_name_plural = _("lembar kerja evaluasi (LKE)")

    def __str__(self) -> str:
        return f"LKE {self.round}"


class Component(models.Model):
    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="components")
    order = models.PositiveSmallIntegerField(_("urutan"))
    name = models.CharField(_("nama komponen"), max_length=200)
    description = models.TextField(_("uraian"), blank=True)

    class Meta:
        verbose_name = _("komponen LKE")
        verbose_name_plural = _("komponen LKE")
        ordering = ["worksheet", "order"]
        constraints = [
            models.UniqueConstraint(fields=["worksheet", "order"], name="component_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class Criterion(models.Model):
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("urutan"))
    code = models.CharField(_("kode"), max_length=16)
    question = models.TextField(_("pertanyaan"))
    guidance = models.TextField(_("petunjuk penilaian"), blank=True)
    evidence_asked = models.TextField(_("bukti dukung yang diminta"), blank=True)
    evidence_required = models.BooleanField(_("bukti wajib diunggah"), default=True)
    weight = models.DecimalField(_("bobot"), max_digits=5, decimal_places=2)
    answer_kind = models.CharField(_("jenis jawaban"), max_length=16, choices=AnswerKind.choices)

    class Meta:
        verbose_name = _("kriteria LKE")
        verbose_name_plural = _("kriteria LKE")
        ordering = ["component__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["component", "order"], name="criterion_order_unique"),
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lte=100), name="criterion_weight_0_100"
            ),
            models.CheckConstraint(
                condition=Q(answer_kind__in=AnswerKind.values), name="criterion_answer_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.question[:60]}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draf")
    SUBMITTED = "SUBMITTED", _("Diajukan")
    IN_REVIEW = "IN_REVIEW", _("Sedang dinilai")
    REVISION_REQUESTED = "REVISION_REQUESTED", _("Perlu perbaikan")
    RESUBMITTED = "RESUBMITTED", _("Diajukan ulang")
    SCORED = "SCORED", _("Dinilai")
    FINAL = "FINAL", _("Final")
    APPEALED = "APPEALED", _("Disanggah")


class Assessment(models.Model):
    """One agency's answer to one criterion, with the evaluator's and the final score.

    `version` grows on every write; writes are conditional UPDATEs on the version the user saw,
    so a second evaluator saving over a first one is refused instead of overwriting.
    """

    round_agency = models.ForeignKey(
        RoundAgency, on_delete=models.CASCADE, related_name="assessments"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    self_answer = models.CharField(_("jawaban mandiri"), max_length=8, blank=True)
    self_narrative = models.TextField(_("penjelasan"), blank=True)
    evaluator_answer = models.CharField(_("jawaban evaluator"), max_length=8, blank=True)
    evaluator_notes = models.TextField(_("catatan evaluator"), blank=True)
    recommendation = models.TextField(_("rekomendasi"), blank=True)
    revision_deadline = models.DateField(_("batas perbaikan"), null=True, blank=True)
    final_answer = models.CharField(_("jawaban akhir"), max_length=8, blank=True)
    final_reason = models.TextField(_("alasan nilai akhir"), blank=True)
    appeal_reason = models.TextField(_("alasan sanggahan"), blank=True)
    appealed_at = models.DateTimeField(_("disanggah pada"), null=True, blank=True)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("penilaian kriteria")
        verbose_name_plural = _("penilaian kriteria")
        ordering = ["round_agency", "criterion__component__order", "criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["round_agency", "criterion"], name="assessment_agency_criterion_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AssessmentStatus.values), name="assessment_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=AssessmentStatus.FINAL) | ~Q(final_answer=""),
                name="assessment_final_has_answer",
            ),
            models.CheckConstraint(
                condition=Q(status=AssessmentStatus.DRAFT) | ~Q(self_answer=""),
                name="assessment_submitted_has_self_answer",
            ),
        ]
        indexes = [models.Index(fields=["round_agency", "status"])]

    def __str__(self) -> str:
        return f"{self.round_agency.code} {self.criterion.code}"


def evidence_upload_path(instance: Evidence, filename: str) -> str:
    # The stored name is generated; the user's file name is kept only as display text.
    return f"evidence/{instance.storage_key.hex[:2]}/{instance.storage_key.hex}{instance.extension}"


class Evidence(models.Model):
    """One evidence file of an assessment. Never deleted or overwritten: a replacement is a new row
    pointing back through `replaces`, and the older row gets `superseded_at`."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    storage_key = models.UUIDField(unique=True, editable=False)
    file = models.FileField(upload_to=evidence_upload_path, max_length=255)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(_("nama berkas"), max_length=200)
    description = models.CharField(_("keterangan"), max_length=300)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("diganti pada"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("ditarik pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("bukti dukung")
        verbose_name_plural = _("bukti dukung")
        ordering = ["assessment", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None and self.withdrawn_at is None


class EvaluatorAssignment(models.Model):
    """An evaluator assigned to one agency of a round. An assignment only counts while the user still
    holds an EVALUATOR grant covering the agency (revoking the role ends the access at once)."""

    round_agency = models.ForeignKey(
        RoundAgency, on_delete=models.CASCADE, related_name="evaluator_assignments"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lke_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("penugasan evaluator")
        verbose_name_plural = _("penugasan evaluator")
        constraints = [
            models.UniqueConstraint(
                fields=["round_agency", "evaluator"], name="evaluator_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} -> {self.round_agency.code}"


class EventKind(models.TextChoices):
    TRANSITION = "TRANSITION", _("Perubahan status")
    SELF_ANSWER = "SELF_ANSWER", _("Penilaian mandiri diubah")
    EVALUATOR_SCORE = "EVALUATOR_SCORE", _("Nilai evaluator diubah")
    FINAL_SCORE = "FINAL_SCORE", _("Nilai akhir ditetapkan")
    EVIDENCE_ADDED = "EVIDENCE_ADDED", _("Bukti diunggah")
    EVIDENCE_REPLACED = "EVIDENCE_REPLACED", _("Bukti diganti")
    EVIDENCE_WITHDRAWN = "EVIDENCE_WITHDRAWN", _("Bukti ditarik")


class AssessmentEvent(Mailed):
    """Append-only audit trail of an assessment: who, when, from, to, before, after, why.

    Rows are only ever inserted; the columns written later are the e-mail's delivery columns
    (berakhlak.mailing.Mailed).
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("jejak audit LKE")
        verbose_name_plural = _("jejak audit LKE")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="assessment_event_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


# The action plans' models live in evaluations/plans/ and belong to this app: imported here so that
# Django registers them (docs/ARCHITECTURE.md §2).
from evaluations.plans.models import (  # noqa: E402, F401
    Action,
    ActionLink,
    ActionPlan,
    ActionReminder,
    ActionStatus,
    CultureTeam,
    CultureTeamMember,
    PlanComment,
    PlanStatus,
    Roadmap,
    RoadmapYear,
    TeamRole,
)
