"""An uploaded roster's way: stored -> checked (preview) -> confirmed -> applied, all or nothing.

State lives on the RosterImport row; Celery tasks only carry its id. Both steps are safe to run
twice: the preview only writes its own row, the apply claims the row under a lock.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils import timezone

from berakhlak.models import ImportStatus, RosterImport, User
from berakhlak.roster.planner import RosterPlan, roster_plan
from berakhlak.roster.reader import Problem, RosterReadError, roster_read
from berakhlak.roster.writer import roster_apply
from berakhlak.roster.xlsx import WorkbookError

logger = logging.getLogger(__name__)
MISSING_LIST_LIMIT = 500
STALE_AFTER = timedelta(minutes=15)


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
        "units": len(plan.units),
        "employees": len(plan.employees),
    }


def roster_import_create(*, uploaded_by: User, upload) -> RosterImport:
    """Store the upload under a generated name and queue its check."""
    from berakhlak.roster.tasks import roster_import_preview_task

    record = RosterImport(uploaded_by=uploaded_by, original_name=Path(upload.name).name[:255])
    record.file.save("roster.xlsx", upload, save=False)
    record.save()
    transaction.on_commit(lambda: roster_import_preview_task.delay(str(record.pk)))
    return record


def roster_import_preview(*, import_id: str) -> None:
    record = RosterImport.objects.filter(pk=import_id, status=ImportStatus.PENDING_PREVIEW).first()
    if record is None:
        return
    with record.file.open("rb") as fileobj:
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
    from berakhlak.roster.tasks import roster_import_apply_task

    claimed = RosterImport.objects.filter(pk=record.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.PENDING_APPLY,
        deactivate_missing=deactivate_missing,
        updated_at=timezone.now(),
    )
    if claimed:
        transaction.on_commit(lambda: roster_import_apply_task.delay(str(record.pk)))
    return bool(claimed)


def roster_import_apply(*, import_id: str) -> None:
    """Re-check the file against the database as it is now and apply it, or record why not."""
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


def roster_imports_requeue_stale(*, now=None) -> int:
    """Re-enqueue imports left pending past their deadline (a lost enqueue or a killed worker)."""
    from berakhlak.roster.tasks import roster_import_apply_task, roster_import_preview_task

    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = RosterImport.objects.filter(
        status__in=[ImportStatus.PENDING_PREVIEW, ImportStatus.PENDING_APPLY], updated_at__lt=cutoff
    )
    count = 0
    for pk, status in stale.values_list("pk", "status"):
        RosterImport.objects.filter(pk=pk).update(updated_at=timezone.now())
        task = (
            roster_import_preview_task
            if status == ImportStatus.PENDING_PREVIEW
            else roster_import_apply_task
        )
        task.delay(str(pk))
        count += 1
    return count
