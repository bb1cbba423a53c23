"""In the browser, as the assigned evaluator: the agency's audit trail in words, filtered by the
kind of event and downloaded as Excel; every evidence file as one zip; the recap as Excel and
PDF. The change agent reads the same trail on a phone."""

from __future__ import annotations

import io
import os
import re
import zipfile

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.conftest import browser_login
from tests.evaluations.test_lke_documents import scored  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SHOTS") == "1"


def shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs("screenshots", exist_ok=True)
        page.screenshot(path=f"screenshots/{name}.png", full_page=True)


def _download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    return open(info.value.path(), "rb").read()


def test_evaluator_reads_filters_and_takes_away_the_lke(browser, live_server, province, scored):  # noqa: F811
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="id-ID", accept_downloads=True
    )
    page = context.new_page()
    browser_login(page, live_server, province.evaluator.nip)
    page.goto(f"{live_server.url}/putaran/lke/")
    page.get_by_role("link", name=re.compile("Dinas Kesehatan")).first.click()
    page.get_by_role("link", name="Jejak audit").click()
    table = page.get_by_test_id("audit-table")
    expect(table).to_contain_text("Evaluator Biro")
    expect(table).to_contain_text("Jawaban akhir: Tidak")
    expect(table).to_contain_text("Dinilai → Final")
    expect(table).not_to_contain_text("evaluator_id")
    expect(table.locator("td.audit-code", has_text="1.2")).to_have_count(0)  # a draft
    shot(page, "lke-audit-evaluator-1280")

    page.get_by_label("Jenis peristiwa").select_option(label="Nilai akhir ditetapkan")
    page.get_by_role("button", name="Saring").click()
    expect(page.get_by_test_id("audit-count")).to_have_text("1 catatan")
    expect(table.locator("tbody tr")).to_have_count(1)
    book = load_workbook(io.BytesIO(_download(page, page.get_by_test_id("audit-export"))))
    rows = list(book.active.iter_rows(min_row=2, values_only=True))
    assert [row[3] for row in rows] == ["Nilai akhir ditetapkan"]

    page.get_by_role("link", name="Dinas Kesehatan").click()
    downloads = page.get_by_test_id("lke-downloads")
    archive = zipfile.ZipFile(
        io.BytesIO(_download(page, downloads.get_by_role("link", name="Semua bukti (zip)")))
    )
    assert archive.namelist() == ["01/1.1_sk-roadmap.pdf", "01/1.3_sk-roadmap.pdf"]
    recap = load_workbook(
        io.BytesIO(_download(page, downloads.get_by_role("link", name="Rekap Excel")))
    )
    assert recap["Rekap LKE"]["A1"].value == "Komponen"
    pdf = _download(page, downloads.get_by_role("link", name="Rekap PDF"))
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Rekap LKE" in text and "Dinas Kesehatan" in text
    if SHOTS:
        with open("screenshots/lke-recap.pdf", "wb") as handle:
            handle.write(pdf)
    expect(page.get_by_test_id("criterion-1.1")).to_contain_text("nilai akhir 0,00")
    shot(page, "lke-workspace-downloads-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "lke-workspace-downloads-390")
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    agent = phone.new_page()
    browser_login(agent, live_server, province.agent_a.nip)
    agent.goto(f"{live_server.url}/putaran/lke/unit/{scored.ra_a.pk}/jejak/")
    trail = agent.get_by_test_id("audit-table")
    expect(trail.locator("td.audit-code", has_text="1.2")).to_have_count(1)  # its own draft
    expect(trail).to_contain_text("Jawaban mandiri: A")
    agent.get_by_label("Kriteria").select_option("1.1")
    agent.get_by_role("button", name="Saring").click()
    expect(trail.locator("td.audit-code", has_text="1.2")).to_have_count(0)
    width = agent.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    shot(agent, "lke-audit-agent-390")
    phone.close()
