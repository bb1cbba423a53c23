"""Index snapshots: one `IndexRun` per computation, its figures append-only (stored as
`FigureGroup` rows, read as `IndexFigure` rows).

A run is the unit of history (docs/ARCHITECTURE.md §7): recomputing never edits figures, it adds a
run, and readers take the newest finished one (`IndexRun.objects.for_round(r).done().latest()`).
The run row is also the task's state (queued -> running -> done/failed): the row, not the
broker, is the source of truth, so a lost enqueue or a killed worker leaves a visible,
retryable state that the sweeper picks up.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berakhlak.jobs import Job
from evaluations.models import Round, RoundAgency
from reports.notes import note_text

# Bump when a formula, a rounding rule or the suppression rule changes: every stored figure says
# which method produced it.
METHOD_VERSION = "2026.2"
VALUE_CODES = ("BP", "AK", "KO", "HA", "LO", "AD", "KL")


class RunStatus(models.TextChoices):
    QUEUED = "QUEUED", _("Menunggu")
    RUNNING = "RUNNING", _("Sedang dihitung")
    DONE = "DONE", _("Selesai")
    FAILED = "FAILED", _("Gagal")


ACTIVE_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class RunTrigger(models.TextChoices):
    MANUAL = "MANUAL", _("Tombol Hitung")
    COMMAND = "COMMAND", _("Perintah compute_indices")
    SCHEDULE = "SCHEDULE", _("Terjadwal")


class IndexRunQuerySet(models.QuerySet):
    def for_round(self, round: Round | int) -> IndexRunQuerySet:
        return self.filter(round=round)

    def done(self) -> IndexRunQuerySet:
        return self.filter(status=RunStatus.DONE)

    def final(self) -> IndexRunQuerySet:
        """Finished runs of a closed round (not provisional)."""
        return self.done().filter(provisional=False)

    def active(self) -> IndexRunQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def latest_for(self, round: Round | int, *, final: bool = False) -> IndexRun | None:
        """The newest finished run of a round, or None. `final` skips provisional runs."""
        runs = self.for_round(round)
        runs = runs.final() if final else runs.done()
        try:
            return runs.latest()
        except self.model.DoesNotExist:
            return None


class IndexRun(Job):
    """One computation of a round's indices and the task state that produced it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="index_runs")
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    trigger = models.CharField(
        _("pemicu"), max_length=8, choices=RunTrigger.choices, default=RunTrigger.MANUAL
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Computed while the survey was still open: figures may change.
    provisional = models.BooleanField(_("sementara"), default=False)
    method_version = models.CharField(_("versi metode"), max_length=16, default=METHOD_VERSION)
    # Set by whoever claims the run; only the holder may report progress or finish it.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    # Response and completed counts read by the run: an unchanged round is not recomputed.
    response_count = models.PositiveIntegerField(_("jumlah jawaban"), default=0)
    input_fingerprint = models.CharField(max_length=64, blank=True, default="")
    # Provisional runs: how many waiting submissions of each true cell they counted
    # (reports.inputs; counts only), so that the next run moves in steps of the minimum group.
    basis = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("kesalahan"), blank=True, default="")
    created_at = models.DateTimeField(_("diminta"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    objects = IndexRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("perhitungan indeks")
        verbose_name_plural = _("perhitungan indeks")
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["finished_at", "pk"]
        constraints = [
            # At most one run per round waiting or running: two "Hitung" at once give one run.
            models.UniqueConstraint(
                fields=["round"],
                condition=Q(status__in=["QUEUED", "RUNNING"]),
                name="indexrun_one_active_per_round",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RunStatus.values), name="indexrun_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(trigger__in=RunTrigger.values), name="indexrun_trigger_valid"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="indexrun_progress_0_100"),
            models.CheckConstraint(
                condition=~Q(status="DONE") | Q(finished_at__isnull=False),
                name="indexrun_done_has_finished_at",
            ),
        ]
        indexes = [models.Index(fields=["round", "status", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.round_id}#{self.pk} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Scope(models.TextChoices):
    AGENCY = "AGENCY", _("Unit (pegawai unit itu sendiri)")
    SUBTREE = "SUBTREE", _("Unit beserta unit di bawahnya")
    PROVINCE = "PROVINCE", _("Provinsi")


class Dimension(models.TextChoices):
    NONE = "", _("Semua")
    ASN_TYPE = "ASN_TYPE", _("Jenis ASN")
    AGENCY_KIND = "AGENCY_KIND", _("Jenis unit")


class FigureCode(models.TextChoices):
    BP = "BP", "Berorientasi Pelayanan"
    AK = "AK", "Akuntabel"
    KO = "KO", "Kompeten"
    HA = "HA", "Harmonis"
    LO = "LO", "Loyal"
    AD = "AD", "Adaptif"
    KL = "KL", "Kolaboratif"
    INDIVIDUAL = "INDIVIDUAL", _("Indeks individu (survei)")
    INSTITUTIONAL = "INSTITUTIONAL", _("Indeks instansi (LKE)")
    COMPOSITE = "COMPOSITE", _("Indeks gabungan")
    ENGAGEMENT = "ENGAGEMENT", _("Keterikatan pegawai")
    RESPONSE_RATE = "RESPONSE_RATE", _("Tingkat partisipasi")
    MIN_RESPONDENTS = "MIN_RESPONDENTS", _("Responden minimum")
    IMPLEMENTATION_BP = "IMPLEMENTATION_BP", _("Implementasi Berorientasi Pelayanan")
    IMPLEMENTATION_AK = "IMPLEMENTATION_AK", _("Implementasi Akuntabel")
    IMPLEMENTATION_KO = "IMPLEMENTATION_KO", _("Implementasi Kompeten")
    IMPLEMENTATION_HA = "IMPLEMENTATION_HA", _("Implementasi Harmonis")
    IMPLEMENTATION_LO = "IMPLEMENTATION_LO", _("Implementasi Loyal")
    IMPLEMENTATION_AD = "IMPLEMENTATION_AD", _("Implementasi Adaptif")
    IMPLEMENTATION_KL = "IMPLEMENTATION_KL", _("Implementasi Kolaboratif")
    ENTROPY = "ENTROPY", _("Entropi budaya")
    ALIGNMENT = "ALIGNMENT", _("Keselarasan budaya saat ini - harapan")
    ALIGNMENT_PERSONAL = "ALIGNMENT_PERSONAL", _("Keselarasan nilai pribadi - budaya saat ini")


# The dashboard's index of a unit, in the order it is taken: the composite where it is shown,
# else the individual index (a hidden figure has no value, so it falls through); and the figure a
# level is ranked by when ordered by participation.
INDEX_CODES = ("COMPOSITE", "INDIVIDUAL")
RATE_CODE = "RESPONSE_RATE"


# A run's figures are stored one row per group (FigureGroup: run, scope, agency, breakdown)
# with a block of columns per code, in this order, and read one row per figure (IndexFigure,
# the view reports_indexfigure over the groups). docs/ARCHITECTURE.md §7.2.
FIGURE_ORDER = (
    *VALUE_CODES,
    "INDIVIDUAL",
    "ENGAGEMENT",
    "INSTITUTIONAL",
    "COMPOSITE",
    *(f"IMPLEMENTATION_{c}" for c in VALUE_CODES),
    "ENTROPY",
    "ALIGNMENT",
    "ALIGNMENT_PERSONAL",
    "RESPONSE_RATE",
    "MIN_RESPONDENTS",
)
# The codes that carry a 95% interval (reports.stats): the values, the individual index and the
# composite; only their blocks have the interval's columns.
INTERVAL_CODES = (*VALUE_CODES, "INDIVIDUAL", "COMPOSITE")
FIGURE_PARTS = ("value", "n", "denominator", "suppressed", "reason", "band")
INTERVAL_PARTS = ("low", "high", "se")


def figure_parts(code: str) -> tuple[str, ...]:
    """The stored parts of a code's block, in column order."""
    return FIGURE_PARTS + INTERVAL_PARTS if code in INTERVAL_CODES else FIGURE_PARTS


def figure_column(code: str, part: str) -> str:
    """The FigureGroup field (and column) of one part of a code's block: `bp_value`."""
    return f"{code.lower()}_{part}"


def _block_fields(code: str) -> dict[str, models.Field]:
    """The fields of one code's block. A block is empty (every part null) where the group has
    no such figure; else `n`, `suppressed`, `reason` and `band` are set."""
    fields = {
        "value": models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True),
        # Counts are never negative: a rule of the block's one constraint (_block_constraints)
        # rather than a constraint of their own per field.
        "n": models.IntegerField(null=True, blank=True),
        "denominator": models.IntegerField(null=True, blank=True),
        "suppressed": models.BooleanField(null=True, blank=True),
        "reason": models.CharField(max_length=200, null=True, blank=True),
        "band": models.CharField(max_length=1, null=True, blank=True),
    }
    if code in INTERVAL_CODES:
        fields["low"] = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
        fields["high"] = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
        fields["se"] = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    return {figure_column(code, part): field for part, field in fields.items()}


def _block_constraints(code: str) -> list[models.CheckConstraint]:
    """The rules of one figure, per block, as one constraint (the database checks each of a
    row's constraints apart: 25 in all rather than 103 took a national run's COPY ~0.06 s
    less, docs/ARCHITECTURE.md §7.2). The rules IndexFigure's rows kept before the groups:
    - valid: a block is empty (every part null) or has its count, hidden flag, reason and
      band; counts are not negative, a value lies in 0-100, the band is one of A-D or none;
    - a hidden figure has no value, and a reason (confidentiality);
    - an interval only on a shown value, and containing it (confidentiality: a hidden
      figure's interval would tell what it hides)."""

    def q(part: str, lookup: str = "", value=None) -> Q:
        return Q(**{figure_column(code, part) + (f"__{lookup}" if lookup else ""): value})

    parts = figure_parts(code)
    absent = Q(*(q(part, "isnull", True) for part in parts))
    present = (
        Q(*(q(part, "isnull", False) for part in ("n", "suppressed", "reason", "band")))
        & q("n", "gte", 0)
        & (q("denominator", "isnull", True) | q("denominator", "gte", 0))
        & (q("value", "isnull", True) | (q("value", "gte", 0) & q("value", "lte", 100)))
        & q("band", "in", ["", "A", "B", "C", "D"])
    )
    hidden_has_no_value = (
        q("suppressed", "isnull", True)
        | q("suppressed", "", False)
        | (q("value", "isnull", True) & ~q("reason", "", ""))
    )
    rules = (absent | present) & hidden_has_no_value
    if code in INTERVAL_CODES:
        value = models.F(figure_column(code, "value"))
        rules &= Q(*(q(part, "isnull", True) for part in INTERVAL_PARTS)) | (
            q("suppressed", "", False)
            & q("value", "isnull", False)
            & q("low", "lte", value)
            & q("high", "gte", value)
        )
    return [models.CheckConstraint(condition=rules, name=f"figuregroup_{code.lower()}_rules")]


class FigureGroup(models.Model):
    """The stored figures of one group (scope x breakdown) in one run: a block of columns per
    figure code (FIGURE_ORDER), about 11 of the 23 filled. One row per group rather than per
    figure: ~9,800 rows for a national run instead of ~107,000, which is most of what writing a
    run costs (docs/ARCHITECTURE.md §7.2). Read through IndexFigure, one row per figure.

    A suppressed figure is stored too (value null, `suppressed`, `reason`) so that every display
    can say why a cell is empty. A block's `n` is the figure's number of responses (for the
    response-rate figures: completed responses, out of `denominator`).
    """

    # Written only by reports.figure_store in the transaction that marks the run DONE, with ids
    # read in that transaction: no database foreign key (a check per row at commit cost more
    # than writing the rows) and no index of their own (the unique index below serves the run;
    # Django's CASCADE deletes them). docs/ARCHITECTURE.md §7.2.
    run = models.ForeignKey(
        IndexRun,
        on_delete=models.CASCADE,
        related_name="figure_groups",
        db_constraint=False,
        db_index=False,
    )
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    scope = models.CharField(_("cakupan"), max_length=8, choices=Scope.choices)
    round_agency = models.ForeignKey(
        RoundAgency,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    dimension = models.CharField(
        _("rincian"), max_length=12, choices=Dimension.choices, blank=True, default=""
    )
    dimension_key = models.CharField(_("kelompok"), max_length=20, blank=True, default="")

    class Meta:
        verbose_name = _("kelompok angka indeks")
        verbose_name_plural = _("kelompok angka indeks")
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="PROVINCE") & Q(round_agency__isnull=True))
                | (Q(scope__in=["AGENCY", "SUBTREE"]) & Q(round_agency__isnull=False)),
                name="figuregroup_scope_agency",
            ),
            models.CheckConstraint(
                condition=Q(dimension__in=Dimension.values)
                & (Q(dimension="") | ~Q(dimension_key=""))
                & (~Q(dimension="") | Q(dimension_key="")),
                name="figuregroup_dimension_key",
            ),
            # One group per agency, scope and breakdown in a run; also the pages' index for the
            # groups of given agencies (run, agency). Agency first, as the compute writes them:
            # each run's rows go in at the index's end.
            models.UniqueConstraint(
                fields=["run", "round_agency", "scope", "dimension", "dimension_key"],
                name="figuregroup_unique_group",
            ),
            models.UniqueConstraint(
                fields=["run", "scope", "dimension", "dimension_key"],
                condition=Q(round_agency__isnull=True),
                name="figuregroup_unique_province",
            ),
            *(rule for code in FIGURE_ORDER for rule in _block_constraints(code)),
        ]
        indexes = [
            # A level ranked or counted by its index or participation (reports.selectors.pages):
            # the run's groups of one scope and breakdown, agency by agency.
            models.Index(
                fields=["run", "scope", "dimension", "dimension_key", "round_agency"],
                name="figuregroup_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.round_agency_id} {self.dimension}:{self.dimension_key}"


for _code in FIGURE_ORDER:
    for _name, _field in _block_fields(_code).items():
        FigureGroup.add_to_class(_name, _field)
del _code, _name, _field


class IndexFigureQuerySet(models.QuerySet):
    def whole(self) -> IndexFigureQuerySet:
        """Figures of whole groups (no breakdown)."""
        return self.filter(dimension=Dimension.NONE)

    def province(self) -> IndexFigureQuerySet:
        return self.filter(scope=Scope.PROVINCE)


class IndexFigure(models.Model):
    """One published number: a figure of one group (scope x breakdown) in one run, as the pages,
    exports and reports read it. Read only: the view `reports_indexfigure` shows each filled
    block of a FigureGroup as one row (reports.figure_store); its id is the group's id x 32 plus
    the code's place in FIGURE_ORDER. Written through reports.figure_store, deleted with its
    group (the foreign keys below do nothing: the group's cascade does it).

    A suppressed figure is stored too (value null, `suppressed`, `reason`) so that every display
    can say why a cell is empty. `n` is the group's number of responses (for the response-rate
    figures: completed responses, out of `denominator`).
    """

    run = models.ForeignKey(
        IndexRun,
        on_delete=models.DO_NOTHING,
        related_name="figures",
        db_constraint=False,
        db_index=False,
    )
    round = models.ForeignKey(
        Round, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    scope = models.CharField(_("cakupan"), max_length=8, choices=Scope.choices)
    round_agency = models.ForeignKey(
        RoundAgency,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    dimension = models.CharField(
        _("rincian"), max_length=12, choices=Dimension.choices, blank=True, default=""
    )
    dimension_key = models.CharField(_("kelompok"), max_length=20, blank=True, default="")
    code = models.CharField(_("angka"), max_length=20, choices=FigureCode.choices)
    value = models.DecimalField(_("nilai"), max_digits=5, decimal_places=1, null=True, blank=True)
    n = models.PositiveIntegerField(_("jumlah responden"), default=0)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    suppressed = models.BooleanField(_("disembunyikan"), default=False)
    reason = models.CharField(_("keterangan"), max_length=200, blank=True, default="")
    band = models.CharField(_("kategori"), max_length=1, blank=True, default="")
    # The 95% interval of a published value, individual or composite figure and its standard
    # error (reports.stats, docs/ARCHITECTURE.md §7.5); never for a hidden or empty figure.
    low = models.DecimalField(
        _("batas bawah"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    high = models.DecimalField(
        _("batas atas"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    se = models.DecimalField(_("galat baku"), max_digits=7, decimal_places=3, null=True, blank=True)

    objects = IndexFigureQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "reports_indexfigure"
        verbose_name = _("angka indeks")
        verbose_name_plural = _("angka indeks")

    def __str__(self) -> str:
        return f"{self.code}={self.value}"

    @property
    def reason_text(self) -> str:
        """The stored reason (a code) in the active language (reports.notes)."""
        return note_text(self.reason)


class InstrumentQuality(Job):
    """How well the behaviour instrument measured in one run, for the Biro's methodologists
    (reports.services.quality, docs/ARCHITECTURE.md §7.5): Cronbach's alpha per value and for the
    whole instrument, each item's corrected item-total correlation, and the share of straight-
    lined answers, from complete answers; per unit only alphas, and only for published units
    with at least the minimum of complete answers; never a person's answer.

    The row is also the state of its background job (queued -> running -> done/failed, §3.1):
    an admin asks for it and a worker computes it, since one pass over every answer of a
    national round takes longer than a request may."""

    run = models.OneToOneField(IndexRun, on_delete=models.CASCADE, related_name="quality")
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("diminta"), default=timezone.now)
    computed_at = models.DateTimeField(_("dihitung"), null=True, blank=True)
    error = models.TextField(blank=True)
    # Done, but nothing to show: fewer complete answers than the group minimum, or no
    # behaviour instrument in the round.
    empty = models.BooleanField(default=False)
    responses = models.PositiveIntegerField(_("jawaban lengkap"), default=0)
    straight_share = models.DecimalField(
        _("jawaban seragam (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    alpha = models.DecimalField(
        _("alfa Cronbach instrumen"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    # [{"code": value code, "alpha": float | None, "items": [{"code", "r", "flagged"}]}]
    values = models.JSONField(default=list, blank=True)
    # Units whose individual index is published and with >= the minimum of complete answers:
    # [{"agency": id, "code", "m", "alpha", "values": {value code: alpha}}]
    units = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("mutu instrumen")
        verbose_name_plural = _("mutu instrumen")

    def __str__(self) -> str:
        return f"{self.run_id}: alpha {self.alpha}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def unit_rows(self) -> list[dict]:
        """The units with their alphas per value as (code, alpha) pairs in the values' order
        (a JSON object in PostgreSQL keeps its keys sorted, not in the order written)."""
        order = [value["code"] for value in self.values]
        return [
            {
                **unit,
                "values": [
                    (code, unit["values"][code]) for code in order if code in unit["values"]
                ],
            }
            for unit in self.units
        ]

    @property
    def shown(self) -> bool:
        """Finished with figures to show (the page and the PDF annex read only these)."""
        return self.status == RunStatus.DONE and not self.empty


# --- Generated documents (PDF / Excel) ------------------------------------------------------------


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel"


def report_upload_path(instance: ReportFile, filename: str) -> str:
    # Private: MEDIA_ROOT is never served; downloads go through a view that checks scope.
    return f"reports/{instance.pk.hex[:2]}/{instance.pk.hex}.{instance.format}"


class ReportFile(Job):
    """A report built in the background for one person and one scope; deleted when it expires."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_files"
    )
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="report_files")
    # None: the province report; otherwise the report of this agency (its subtree).
    round_agency = models.ForeignKey(
        RoundAgency, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    language = models.CharField(_("bahasa"), max_length=8, default="id")
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    file = models.FileField(upload_to=report_upload_path, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    # A PDF built while the letterhead had no signatory name: the build page says so.
    unsigned = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("kedaluwarsa"), db_index=True)

    class Meta:
        verbose_name = _("berkas laporan")
        verbose_name_plural = _("berkas laporan")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=ReportFormat.values), name="reportfile_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="reportfile_progress_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} {self.round} {self.round_agency or ''}".strip()

    @property
    def filename(self) -> str:
        scope = self.round_agency.code if self.round_agency_id else "provinsi"
        return f"laporan-berakhlak-{self.round.year}-{scope.lower()}.{self.format}"


class ReportLetterhead(models.Model):
    """The letterhead and signatory of every PDF report, edited by the Biro's admin in the UI
    (reports.letterhead). One row; an empty field falls back to its REPORT_* setting."""

    government = models.CharField(_("pemerintah"), max_length=120, blank=True)
    unit = models.CharField(_("unit kerja"), max_length=120, blank=True)
    address = models.CharField(_("alamat"), max_length=200, blank=True)
    city = models.CharField(_("kota penandatanganan"), max_length=60, blank=True)
    signatory_title = models.CharField(_("jabatan penanda tangan"), max_length=120, blank=True)
    signatory_name = models.CharField(_("nama penanda tangan"), max_length=120, blank=True)
    signatory_nip = models.CharField(_("NIP penanda tangan"), max_length=18, blank=True)
    # The logo itself, small (<= 512 KB, checked on upload): in the database, so that a backup
    # holds it and the PDF embeds it without reading any file outside static/.
    logo = models.BinaryField(_("logo"), blank=True, default=b"", editable=False)
    logo_type = models.CharField(max_length=20, blank=True, default="")
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("kop laporan")
        verbose_name_plural = _("kop laporan")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="reportletterhead_single_row"),
            models.CheckConstraint(
                condition=Q(logo_type__in=["", "image/png", "image/jpeg"]),
                name="reportletterhead_logo_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.government or self._meta.verbose_name)
