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
