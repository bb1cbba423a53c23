"""A worker SIGKILLed in the middle of a roster import's apply: nothing half-written, and after
a new worker and one sweep the import is applied once, as an undisturbed apply would have
(PostgreSQL, real worker processes; README "Keandalan")."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from berakhlak.jobs import STALE_AFTER, jobs_sweep
from berakhlak.models import Employee, ImportStatus, RosterImport
from berakhlak.roster.services import roster_import_confirm, roster_import_create
from berakhlak.spreadsheet import XLSX_TYPE
from tests.berakhlak.roster_files import employee, nip, workbook_bytes
from tests.celery_worker import worker_kill
from tests.factories import UserFactory
from tests.faults import postgresql_only, raw_connection, wait_for, waiting_for_lock

pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True)]


def _import(uploader, rows) -> RosterImport:
    upload = SimpleUploadedFile(
        "pegawai.xlsx", workbook_bytes(employees=rows).getvalue(), content_type=XLSX_TYPE
    )
    record = roster_import_create(uploaded_by=uploader, upload=upload)
    wait_for(lambda: RosterImport.objects.get(pk=record.pk).status == ImportStatus.PREVIEWED)
    record.refresh_from_db()
    return record


def _people() -> list[tuple]:
    return sorted(Employee.objects.values_list("nip", "name", "agency__code", "active"))


def test_a_roster_apply_killed_midway_is_applied_once_after_a_restart(spare_celery_worker):
    uploader = UserFactory()
    worker = spare_celery_worker(wait=False)
    first = _import(uploader, [employee(1), employee(2)])
    assert roster_import_confirm(record=first, deactivate_missing=False)
    wait_for(lambda: RosterImport.objects.get(pk=first.pk).status == ImportStatus.APPLIED)
    before = _people()
    second = _import(uploader, [employee(1, nama="Pegawai Satu"), employee(2), employee(3)])

    renamed = Employee.objects.get(nip=nip(1, year=1970))
    blocker = raw_connection()
    with blocker.transaction():
        # The apply's update of this employee waits for the lock: caught mid-transaction.
        blocker.execute("SELECT id FROM berakhlak_employee WHERE id = %s FOR UPDATE", [renamed.pk])
        assert roster_import_confirm(record=second, deactivate_missing=False)
        wait_for(lambda: waiting_for_lock('UPDATE "berakhlak_employee"'), what="for the apply")
        worker_kill(worker)
    blocker.close()
    # Rolled back whole: the new employee is not there, the rename neither.
    assert _people() == before
    second.refresh_from_db()
    assert second.status == ImportStatus.PENDING_APPLY and second.heartbeat_at is not None

    started = time.monotonic()
    spare_celery_worker(wait=False)
    sweep = jobs_sweep(now=timezone.now() + STALE_AFTER + dt.timedelta(seconds=1))
    assert sweep["berakhlak.roster_imports"] == 1
    wait_for(lambda: RosterImport.objects.get(pk=second.pk).status == ImportStatus.APPLIED)
    assert time.monotonic() - started < 60

    second.refresh_from_db()
    assert second.restarted_at is not None and second.summary["applied"]
    assert not RosterImport.objects.filter(
        status__in=[ImportStatus.PENDING_PREVIEW, ImportStatus.PENDING_APPLY]
    ).exists()
    # What an undisturbed apply gives: the rename, the new employee, nobody twice.
    assert _people() == sorted(
        [
            (nip(1, year=1970), "Pegawai Satu", "DINKES", True),
            (nip(2, year=1970), "Pegawai 2", "DINKES", True),
            (nip(3, year=1970), "Pegawai 3", "DINKES", True),
        ]
    )
