"""Tasks through Redis to a real worker process, as in production (see tests/celery_worker.py)."""

from __future__ import annotations

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from berakhlak.models import Agency, Employee, ImportStatus, RosterImport
from berakhlak.roster.services import roster_import_confirm, roster_import_create
from berakhlak.spreadsheet import XLSX_TYPE
from berakhlak.tasks import ping
from tests.berakhlak.roster_files import employee, nip, workbook_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
WAIT_SECONDS = 60


def wait_for_status(import_id, *statuses: str) -> RosterImport:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        record = RosterImport.objects.get(pk=import_id)
        if record.status in statuses:
            return record
        if time.monotonic() > deadline:
            pytest.fail(f"import still {record.status} after {WAIT_SECONDS} s, expected {statuses}")
        time.sleep(0.2)


def test_ping_round_trips_through_the_worker_process(celery_worker_process):
    answer = ping.delay().get(timeout=30)
    assert answer == {"pong": True, "pid": celery_worker_process.pid}
    assert answer["pid"] != os.getpid()


def test_roster_import_is_checked_and_applied_by_the_worker(celery_worker_process):
    uploader = UserFactory()
    rows = [employee(1), employee(2, unit="UPTD-LAB")]
    upload = SimpleUploadedFile(
        "pegawai.xlsx", workbook_bytes(employees=rows).getvalue(), content_type=XLSX_TYPE
    )

    record = roster_import_create(uploaded_by=uploader, upload=upload)
    record = wait_for_status(
        record.pk, ImportStatus.PREVIEWED, ImportStatus.REJECTED, ImportStatus.FAILED
    )
    assert record.status == ImportStatus.PREVIEWED, record.errors
    assert record.summary["counts"]["employees_new"] == 2
    assert not Employee.objects.exists(), "the preview must not write employees"

    assert roster_import_confirm(record=record, deactivate_missing=False)
    record = wait_for_status(
        record.pk, ImportStatus.APPLIED, ImportStatus.REJECTED, ImportStatus.FAILED
    )
    assert record.status == ImportStatus.APPLIED, record.errors
    assert record.applied_at is not None

    people = Employee.objects.filter(nip__in=[nip(1, year=1970), nip(2, year=1970)])
    assert sorted(people.values_list("agency__code", flat=True)) == ["DINKES", "UPTD-LAB"]
    assert Agency.objects.filter(code__in=["PROV", "DINKES", "UPTD-LAB"]).count() == 3
