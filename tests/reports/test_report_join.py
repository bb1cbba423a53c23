"""Two requests for the same report (a double click, two tabs) build it once: the second joins
the file still queued or being built; another format, language or a finished file is a new one."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import translation

from reports.models import ReportFile, RunStatus
from reports.printing import services
from reports.printing.services import report_request
from tests.reports.test_documents import published  # noqa: F401


def test_a_second_request_joins_the_waiting_report(province, published):  # noqa: F811
    admin = province.admin.user
    first = report_request(user=admin, round=published, agency=None, format="pdf")
    again = report_request(user=admin, round=published, agency=None, format="pdf")
    assert again.pk == first.pk and ReportFile.objects.count() == 1
    ReportFile.objects.filter(pk=first.pk).update(status=RunStatus.RUNNING)
    assert report_request(user=admin, round=published, agency=None, format="pdf").pk == first.pk
    assert report_request(user=admin, round=published, agency=None, format="xlsx").pk != first.pk
    with translation.override("en"):
        assert report_request(user=admin, round=published, agency=None, format="pdf").pk != first.pk
    ReportFile.objects.filter(pk=first.pk).update(status=RunStatus.DONE)
    assert report_request(user=admin, round=published, agency=None, format="pdf").pk != first.pk
    # Someone else's request is theirs (downloads are the owner's only).
    dinkes = published.agencies.get(code="DINKES")
    theirs = report_request(
        user=province.leader_a.user, round=published, agency=dinkes, format="pdf"
    )
    mine = report_request(user=admin, round=published, agency=dinkes, format="pdf")
    assert theirs.pk != mine.pk and theirs.owner == province.leader_a.user


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL; SQLite serialises every write anyway",
)
def test_simultaneous_requests_make_one_file(transactional_db, province, published, monkeypatch):  # noqa: F811
    # Nothing is built here: a build finishing between the two requests would be a new file.
    monkeypatch.setattr(
        services, "REPORT_FILES", type("Quiet", (), {"send": lambda self, row: None})()
    )
    clients = 4
    barrier = threading.Barrier(clients)
    ids, lock = [], threading.Lock()

    def request():
        try:
            barrier.wait(timeout=10)
            report = report_request(
                user=province.admin.user, round=published, agency=None, format="pdf"
            )
            with lock:
                ids.append(report.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(ids) == clients and len(set(ids)) == 1
    assert ReportFile.objects.count() == 1
