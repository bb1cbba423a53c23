"""Report files: requested by a user for a scope they may read, built by a Celery task into a
private file, downloaded through a scope check, deleted when they expire. A build whose worker
died is built again by the one sweeper (berakhlak.jobs, `REPORT_FILES`) into the same file."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from berakhlak.jobs import JobKind, heartbeat
from berakhlak.models import User
from berakhlak.refusals import Refused, require
from evaluations.models import Round, RoundAgency
from reports import selectors
from reports.letterhead import letterhead
from reports.models import ACTIVE_STATUSES, ReportFile, ReportFormat, RunStatus
from reports.printing.context import report_data


class ReportRefused(Refused):
    """The user may not have this report; the views answer 404."""


def can_read_scope(user: User, round: Round, agency: RoundAgency | None) -> bool:
    """Exactly what the dashboard would show this user: the round, and the province or agency."""
    if round.pk not in {r.pk for r in selectors.dashboard_rounds_for_user(user)}:
        return False
    allowed, sees_province = selectors.dashboard_agencies_for_user(user, round)
    if agency is None:
        return sees_province
    return allowed.filter(pk=agency.pk).exists()


def _published_only(user: User, round: Round) -> bool:
    from berakhlak.models import Role
    from berakhlak.permissions import in_scope

    return not in_scope(user, round.root, (Role.ADMIN,))


def report_request(
    *, user: User, round: Round, agency: RoundAgency | None, format: str
) -> ReportFile:
    """A report of the scope for ``user``; a request for a document of theirs still queued or
    being built (same round, scope, format and language) joins it instead of building it twice."""
    require(
        format in ReportFormat.values and can_read_scope(user, round, agency),
        refusal=ReportRefused,
    )
    language = translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        # One request of this person at a time: a double click, or two tabs, cannot both miss
        # the waiting row and each create one (the owner's row is the lock; SQLite serialises).
        User.objects.select_for_update().filter(pk=user.pk).first()
        waiting = (
            ReportFile.objects.filter(
                owner=user,
                round=round,
                round_agency=agency,
                format=format,
                language=language,
                status__in=ACTIVE_STATUSES,
            )
            .order_by("created_at")
            .first()
        )
        if waiting is not None:
            return waiting
        report = ReportFile.objects.create(
            owner=user,
            round=round,
            round_agency=agency,
            format=format,
            language=language,
            expires_at=timezone.now() + dt.timedelta(hours=settings.REPORT_FILE_HOURS),
        )
        REPORT_FILES.send(report)
    return report


def report_bytes(
    *, round: Round, agency: RoundAgency | None, format: str, published_only: bool = True
) -> bytes:
    """The document itself (also for `manage.py build_report`)."""
    from reports.printing.excel import report_xlsx_bytes
    from reports.printing.pdf import report_pdf_bytes

    data = report_data(round=round, agency=agency, published_only=published_only)
    return report_pdf_bytes(data) if format == ReportFormat.PDF else report_xlsx_bytes(data)


def _progress(report_id, **values) -> int:
    return ReportFile.objects.filter(pk=report_id).update(**values)


def report_file_build(report_id) -> ReportFile | None:
    """Claim the queued file (one worker wins), build it, store it privately."""
    if not ReportFile.objects.filter(pk=report_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, progress=10, heartbeat_at=timezone.now()
    ):
        return None
    report = ReportFile.objects.select_related("round__root", "round_agency", "owner").get(
        pk=report_id
    )
    try:
        with heartbeat(ReportFile, report_id, status=RunStatus.RUNNING):
            with translation.override(report.language):
                _progress(report_id, progress=30)
                content = report_bytes(
                    round=report.round,
                    agency=report.round_agency,
                    format=report.format,
                    published_only=_published_only(report.owner, report.round),
                )
            _progress(report_id, progress=90)
            # A worker killed after writing the file: this build replaces it (one file per row).
            name = report.file.field.generate_filename(report, report.filename)
            report.file.storage.delete(name)
            report.file.save(report.filename, ContentFile(content), save=False)
        report.size, report.status, report.progress = len(content), RunStatus.DONE, 100
        report.finished_at = timezone.now()
        report.unsigned = report.format == ReportFormat.PDF and letterhead().unsigned
        report.save(update_fields=["file", "size", "status", "progress", "finished_at", "unsigned"])
    except Exception as error:
        _progress(report_id, status=RunStatus.FAILED, error=str(error)[:2000], progress=100)
        raise
    return report


def _build_task(report: ReportFile) -> tuple:
    from reports.tasks import report_build

    return report_build, (str(report.pk),)


REPORT_FILES = JobKind(
    model=ReportFile,
    active=Q(status__in=ACTIVE_STATUSES),
    task=_build_task,
    requeue={"status": RunStatus.QUEUED, "progress": 0},
)


def report_files_expire(*, now: dt.datetime | None = None) -> int:
    """Delete expired report files and their rows; returns how many."""
    now = now or timezone.now()
    expired = list(ReportFile.objects.filter(expires_at__lte=now))
    for report in expired:
        if report.file:
            report.file.delete(save=False)
        report.delete()
    return len(expired)
