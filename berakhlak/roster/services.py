"""An uploaded roster's way: stored -> checked (preview) -> confirmed -> applied, all or nothing.

State lives on the RosterImport row; Celery tasks only carry its id. Both steps are safe to run
twice: the preview only writes its own row, the apply claims the row under a lock. A step whose
worker died is run again by the one sweeper (berakhlak.jobs, `ROSTER_IMPORTS`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import IO

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from berakhlak.jobs import JobKind, heartbeat
from berakhlak.models import ImportStatus, RosterImport, User
from berakhlak.roster.planner import RosterPlan, roster_plan
from berakhlak.roster.reader import Problem, RosterReadError, roster_read
from berakhlak.roster.writer import roster_apply
from berakhlak.roster.xlsx import WorkbookError

logger = logging.getLogger(__name__)
MISSING_LIST_LIMIT = 500
CHANGES_LIST_LIMIT = 500  # rows listed in the preview; the counts cover all (ARCHITECTURE.md)
PENDING = (ImportStatus.PENDING_PREVIEW, ImportStatus.PENDING_APPLY)


def roster_plan_from_file(fileobj: IO[bytes]) -> RosterPlan:
    """Read and check a workbook; file-level problems come back as a plan with problems."""
    try:
        data = roster_read(fileobj)
    except WorkbookError as error:
        return RosterPlan(problems=[Problem("", None, "", str(error))])
    except RosterReadError as error:
        return RosterPlan(problems=error.problems)
    return roster_plan(data)


def _summary(plan: RosterPlan) -> dict:
    return {
        "counts": plan.counts(),
        "missing": plan.missing[:MISSING_LIST_LIMIT],
        "changes": plan.changes(CHANGES_LIST_LIMIT),
        "hidden_rows": plan.hidden_rows,
        "units": len(plan.units),
        "employees": len(plan.employees),
    }


def roster_import_create(*, uploaded_by: User, upload) -> RosterImport:
    """Store the upload under a generated name and queue its check."""
    record = RosterImport(uploaded_by=uploaded_by, original_name=Path(upload.name).name[:255])
    record.file.save("roster.xlsx", upload, save=False)
    record.save()
    ROSTER_IMPORTS.send(record)
    return record


def roster_import_preview(*, import_id: str) -> None:
    record = RosterImport.objects.filter(pk=import_id, status=ImportStatus.PENDING_PREVIEW).first()
    if record is None:
        return
    with (
        heartbeat(RosterImport, import_id, status=ImportStatus.PENDING_PREVIEW),
        record.file.open("rb") as fileobj,
    ):
        plan = roster_plan_from_file(fileobj)
    status = ImportStatus.PREVIEWED if plan.ok else ImportStatus.REJECTED
    RosterImport.objects.filter(pk=import_id, status=ImportStatus.PENDING_PREVIEW).update(
        status=status,
        summary=_summary(plan),
        errors=[p.as_dict() for p in plan.problems],
        updated_at=timezone.now(),
    )


def roster_import_confirm(*, record: RosterImport, deactivate_missing: bool) -> bool:
    """Queue the apply of a previewed import; False when it is not (or no longer) previewed."""
    claimed = RosterImport.objects.filter(pk=record.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.PENDING_APPLY,
        deactivate_missing=deactivate_missing,
        updated_at=timezone.now(),
        # A new step: the preview's heartbeat and message say nothing about it.
        heartbeat_at=None,
        enqueued_at=None,
        restarted_at=None,
    )
    if claimed:
        record.refresh_from_db()
        ROSTER_IMPORTS.send(record)
    return bool(claimed)


def roster_import_apply(*, import_id: str) -> None:
    """Re-check the file against the database as it is now and apply it, or record why not."""
    # The row stays locked while the apply runs, so the heartbeat cannot be written meanwhile:
    # the sweeper sees the live worker by the lock and skips the row.
    with heartbeat(RosterImport, import_id, status=ImportStatus.PENDING_APPLY):
        _apply(import_id)


def _apply(import_id: str) -> None:
    with transaction.atomic():
        record = (
            RosterImport.objects.select_for_update()
            .filter(pk=import_id, status=ImportStatus.PENDING_APPLY)
            .first()
        )
        if record is None:
            return
        with record.file.open("rb") as fileobj:
            plan = roster_plan_from_file(fileobj)
        if not plan.ok:
            record.status = ImportStatus.REJECTED
            record.errors = [p.as_dict() for p in plan.problems]
            record.summary = _summary(plan)
            record.save(update_fields=["status", "errors", "summary", "updated_at"])
            return
        counts = roster_apply(plan, deactivate_missing=record.deactivate_missing)
        record.status = ImportStatus.APPLIED
        record.summary = {**_summary(plan), "applied": counts}
        record.applied_at = timezone.now()
        record.save(update_fields=["status", "summary", "applied_at", "updated_at"])


def roster_import_fail(*, import_id: str) -> None:
    """Record an unexpected failure so the page stops waiting; nothing was applied."""
    RosterImport.objects.filter(
        pk=import_id, status__in=[ImportStatus.PENDING_PREVIEW, ImportStatus.PENDING_APPLY]
    ).update(status=ImportStatus.FAILED, updated_at=timezone.now())


def _step_task(record: RosterImport) -> tuple:
    from berakhlak.roster.tasks import roster_import_apply_task, roster_import_preview_task

    if record.status == ImportStatus.PENDING_PREVIEW:
        return roster_import_preview_task, (str(record.pk),)
    return roster_import_apply_task, (str(record.pk),)


# Imports for the one sweeper (registered in berakhlak/apps.py); a step is waiting for a worker
# or running in one while the row is pending, so only the heartbeat tells them apart.
ROSTER_IMPORTS = JobKind(
    model=RosterImport, active=Q(status__in=PENDING), task=_step_task, since="updated_at"
)
