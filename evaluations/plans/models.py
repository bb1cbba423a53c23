"""Agenda perubahan: the culture team and roadmap of an agency, and its action plan per round.

Imported by evaluations/models.py, so the models belong to the "evaluations" app.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berakhlak.models import Agency, CoreValue, Employee


class CultureTeam(models.Model):
    """The agency's tim budaya kerja, established by a decree (SK)."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="culture_team")
    sk_number = models.CharField(_("nomor SK"), max_length=100, blank=True)
    sk_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tim budaya kerja")
        verbose_name_plural = _("tim budaya kerja")

    def __str__(self) -> str:
        return f"{self.agency.code} {self.sk_number}"


class TeamRole(models.TextChoices):
    LEADER = "LEADER", _("Ketua")
    AGENT = "AGENT", _("Agen perubahan")
    MEMBER = "MEMBER", _("Anggota")


class CultureTeamMember(models.Model):
    team = models.ForeignKey(CultureTeam, on_delete=models.CASCADE, related_name="members")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("peran"), max_length=8, choices=TeamRole.choices)

    class Meta:
        verbose_name = _("anggota tim budaya kerja")
        verbose_name_plural = _("anggota tim budaya kerja")
        ordering = ["team", "role", "employee__name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "employee"], name="team_member_unique"),
            models.UniqueConstraint(
                fields=["team"], condition=Q(role="LEADER"), name="team_one_leader"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} ({self.get_role_display()})"


class Roadmap(models.Model):
    """A multi-year plan (e.g. 2025-2029) with a focus and milestones per year."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="roadmaps")
    title = models.CharField(_("judul"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("tahun mulai"))
    end_year = models.PositiveSmallIntegerField(_("tahun akhir"))

    class Meta:
        verbose_name = _("peta jalan")
        verbose_name_plural = _("peta jalan")
        ordering = ["agency", "-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="roadmap_years_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.start_year}-{self.end_year}"


class RoadmapYear(models.Model):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("tahun"))
    focus_values = models.ManyToManyField(CoreValue, blank=True, verbose_name=_("nilai fokus"))
    milestones = models.TextField(_("tonggak capaian"), blank=True)

    class Meta:
        ordering = ["roadmap", "year"]
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "year"], name="roadmap_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.roadmap} {self.year}"


class PlanStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draf")
    SUBMITTED = "SUBMITTED", _("Menunggu persetujuan")
    APPROVED = "APPROVED", _("Disetujui")


class ActionPlan(models.Model):
    """An agency's rencana aksi for one published round (OPD level, like the LKE)."""

    round_agency = models.OneToOneField(
        "evaluations.RoundAgency", on_delete=models.CASCADE, related_name="action_plan"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rencana aksi")
        verbose_name_plural = _("rencana aksi")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="actionplan_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_agency}"


class ActionStatus(models.TextChoices):
    PLANNED = "PLANNED", _("Direncanakan")
    IN_PROGRESS = "IN_PROGRESS", _("Berjalan")
    DONE = "DONE", _("Selesai")


class Action(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    value = models.ForeignKey(CoreValue, on_delete=models.PROTECT, verbose_name=_("nilai"))
    description = models.TextField(_("uraian kegiatan"))
    owner = models.ForeignKey(
        Employee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("penanggung jawab"),
    )
    # Empty while the action is the untouched suggestion; a plan is submitted only once every
    # action has them (evaluations.plans.services.action_gaps).
    start_date = models.DateField(_("mulai"), null=True, blank=True)
    due_date = models.DateField(_("tenggat"), null=True, blank=True)
    target = models.CharField(_("indikator target"), max_length=300)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    checklist = models.JSONField(_("daftar periksa"), default=list, blank=True)
    evidence = models.ManyToManyField(
        "evaluations.Evidence", blank=True, related_name="actions", verbose_name=_("bukti LKE")
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("aksi")
        verbose_name_plural = _("aksi")
        ordering = ["plan", "value__order", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("start_date")), name="action_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.value.code} {self.description[:60]}"

    def is_late(self, today: dt.date | None = None) -> bool:
        """Late is derived, never typed: not done and past its due date."""
        today = today or timezone.localdate()
        return (
            self.status != ActionStatus.DONE and self.due_date is not None and self.due_date < today
        )

    def state(self, today: dt.date | None = None) -> str:
        return "LATE" if self.is_late(today) else self.status


class ActionLink(models.Model):
    """A forum event, thread or other page that documents the action (title and address)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("judul"), max_length=200)
    url = models.URLField(_("alamat"), max_length=500)

    def __str__(self) -> str:
        return self.title


class PlanComment(models.Model):
    """A comment of the Biro Organisasi (or the leader) on a plan."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("komentar"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ActionReminder(models.Model):
    """One reminder sent for an action and a due date (the unique row is the claim)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=8)  # "SOON" or "LATE"
    due_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "kind", "due_date"], name="action_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_date}"


__all__ = [
    "Action",
    "ActionLink",
    "ActionPlan",
    "ActionReminder",
    "ActionStatus",
    "CultureTeam",
    "CultureTeamMember",
    "PlanComment",
    "PlanStatus",
    "Roadmap",
    "RoadmapYear",
    "TeamRole",
]
