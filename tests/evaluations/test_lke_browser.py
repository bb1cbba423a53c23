"""In the browser: a change agent uploads evidence and submits, the evaluator asks for a revision,
the agent resubmits, the evaluator scores and sets the final score, the agency sees it."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import browser_login
from tests.evaluations.lke_factories import PDF, first, lke_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SHOTS") == "1"


def shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs("screenshots", exist_ok=True)
        page.screenshot(path=f"screenshots/{name}.png", full_page=True)


def login(page, live_server, nip: str) -> None:
    browser_login(page, live_server, nip)  # the password and, where needed, the second factor


def test_evidence_cycle_end_to_end(browser, live_server, province, tmp_path):
    from tests.surveys.factories import core_values_ensure

    core_values_ensure()
    setup = lke_round(province)
    assessment = first(setup.ra_a)
    evidence_file = tmp_path / "SK Roadmap Dinkes.pdf"
    evidence_file.write_bytes(PDF)

    agent = browser.new_context(viewport={"width": 360, "height": 800}, locale="id-ID")
    page = agent.new_page()
    login(page, live_server, province.agent_a.nip)
    page.goto(f"{live_server.url}/putaran/lke/")
    page.get_by_role("link", name=re.compile("Dinas Kesehatan")).click()
    expect(page.get_by_test_id("lke-progress")).to_contain_text("0 dari")
    shot(page, "lke-workspace-360")
    page.get_by_test_id("criterion-1.1").get_by_role("link").click()
    page.locator("label[for='self-self_answer-YA']").click()
    page.locator("#self-narrative").fill("Roadmap ditetapkan dengan SK Kepala Dinas.")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_text("Penilaian mandiri disimpan.")).to_be_visible()
    page.locator("#file-1").set_input_files(str(evidence_file))
    page.locator("#description-1").fill("SK penetapan roadmap")
    page.get_by_role("button", name="Unggah", exact=True).click()
    expect(page.get_by_test_id("evidence-list")).to_contain_text("SK Roadmap Dinkes.pdf")
    shot(page, "lke-criterion-agent-360")
    page.get_by_role("button", name="Simpan dan ajukan").click()
    expect(page.get_by_test_id("lke-status").first).to_have_text("Diajukan")

    reviewer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    review = reviewer.new_page()
    login(review, live_server, province.evaluator.nip)
    review.goto(f"{live_server.url}/putaran/lke/penilaian/")
    shot(review, "lke-queue-1280")
    review.get_by_test_id("review-queue").get_by_role("link", name=re.compile("1.1")).click()
    expect(review.get_by_test_id("evidence-list")).to_contain_text("SK Roadmap Dinkes.pdf")
    review.locator("#eval-notes").fill(
        "SK belum ditandatangani; unggah SK yang sudah ditandatangani."
    )
    deadline = timezone.localdate() + dt.timedelta(days=7)
    review.locator("#revision-deadline").fill(deadline.isoformat())
    review.get_by_role("button", name="Minta perbaikan").click()
    expect(review.get_by_test_id("lke-status").first).to_have_text("Perlu perbaikan")
    shot(review, "lke-criterion-evaluator-1280")

    page.reload()
    expect(page.get_by_test_id("revision-note")).to_contain_text("belum ditandatangani")
    page.locator("#file-1").set_input_files(str(evidence_file))
    page.locator("#description-1").fill("SK yang sudah ditandatangani")
    page.get_by_role("button", name="Unggah", exact=True).click()
    page.get_by_role("button", name="Simpan dan ajukan ulang").click()
    expect(page.get_by_test_id("lke-status").first).to_have_text("Diajukan ulang")

    review.reload()
    review.locator("label[for='eval-evaluator_answer-YA']").click()
    review.locator("#eval-recommendation").fill("Pertahankan dan evaluasi roadmap tiap tahun.")
    review.get_by_role("button", name="Beri nilai").click()
    expect(review.get_by_test_id("lke-status").first).to_have_text("Dinilai")
    review.get_by_role("button", name="Tetapkan nilai akhir").click()
    expect(review.get_by_test_id("lke-status").first).to_have_text("Final")

    page.goto(f"{live_server.url}/putaran/lke/unit/{setup.ra_a.pk}/")
    row = page.get_by_test_id("criterion-1.1")
    expect(row.get_by_test_id("lke-status")).to_have_text("Final")
    expect(row).to_contain_text("nilai akhir 5,00")
    page.goto(f"{live_server.url}/putaran/lke/kriteria/{assessment.pk}/")
    expect(page.get_by_test_id("final-result")).to_contain_text("Nilai akhir: YA")
    shot(page, "lke-final-agent-360")

    admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    desk = admin.new_page()
    login(desk, live_server, province.admin.nip)
    desk.goto(f"{live_server.url}/putaran/{setup.round.pk}/lke/")
    expect(desk.get_by_test_id("weight-total")).to_contain_text("jumlah bobot 100")
    shot(desk, "lke-worksheet-1280")
    desk.goto(f"{live_server.url}/putaran/lke/unit/{setup.ra_a.pk}/jejak/")
    expect(desk.get_by_test_id("audit-table")).to_contain_text("Nilai akhir ditetapkan")
    shot(desk, "lke-audit-1280")
    if SHOTS:
        for name, url in (
            ("lke-worksheet-360", f"/putaran/{setup.round.pk}/lke/"),
            ("lke-audit-360", f"/putaran/lke/unit/{setup.ra_a.pk}/jejak/"),
        ):
            desk.set_viewport_size({"width": 360, "height": 800})
            desk.goto(live_server.url + url)
            shot(desk, name)
        review.set_viewport_size({"width": 360, "height": 800})
        review.goto(f"{live_server.url}/putaran/lke/penilaian/")
        shot(review, "lke-queue-360")
        review.goto(f"{live_server.url}/putaran/lke/kriteria/{assessment.pk}/")
        shot(review, "lke-criterion-evaluator-360")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/putaran/lke/unit/{setup.ra_a.pk}/")
        shot(page, "lke-workspace-1280")
    agent.close()
    reviewer.close()
    admin.close()
