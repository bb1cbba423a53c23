"""A leader clicks "Unduh PDF" on the dashboard, follows the progress while a real Celery worker
builds the report, and receives the PDF; then the same for Excel."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from evaluations.models import RoundStatus
from reports.models import ReportFile, RunStatus
from reports.services.compute import index_compute_now
from tests.conftest import browser_login
from tests.reports.factories import respond, round_status_set, survey_round
from tests.surveys.factories import core_values_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_downloads_the_pdf_built_by_the_worker(
    celery_worker_process, browser, live_server, province
):
    core_values_ensure()
    round = survey_round(province)
    respond(round, "DINKES", 74, count=6)
    respond(round, "UPTD-LAB", 61, count=5)
    respond(round, "DISDIK", 58, count=6)
    round_status_set(round, RoundStatus.CLOSED)
    index_compute_now(round=round)
    round_status_set(round, RoundStatus.PUBLISHED)

    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="id-ID", accept_downloads=True
    )
    page = context.new_page()
    browser_login(page, live_server, province.leader_a.nip)
    page.goto(f"{live_server.url}/dasbor/{round.pk}/")
    page.get_by_role("button", name="Unduh PDF").click()
    status = page.get_by_test_id("report-status")
    expect(status).to_be_visible()
    expect(page.get_by_role("heading", name="Laporan PDF")).to_be_visible()
    link = page.get_by_test_id("report-download")
    expect(link).to_be_visible(timeout=60_000)  # the page polls until the worker is done
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith("-dinkes.pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    report = ReportFile.objects.get()
    assert report.status == RunStatus.DONE and report.owner == province.leader_a.user

    page.goto(f"{live_server.url}/dasbor/{round.pk}/")
    page.get_by_role("button", name="Unduh Excel").click()
    expect(page.get_by_test_id("report-download")).to_be_visible(timeout=60_000)
    with page.expect_download() as info:
        page.get_by_test_id("report-download").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    context.close()
