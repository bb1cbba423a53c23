"""A change agent drafts the action plan from the suggestions, the leader approves it, an action
is marked done with LKE evidence attached, and the Biro Organisasi's board shows the agency on
track; the agency page then shows the culture team and the follow-up."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from evaluations.lke import opening
from evaluations.models import RoundAgency
from evaluations.plans.models import Action, ActionStatus, PlanStatus
from tests.conftest import browser_login
from tests.evaluations.lke_factories import evidence_direct, first
from tests.evaluations.plans.test_plans import computed_round
from tests.surveys.factories import core_values_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SHOTS") == "1"


def shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs("screenshots", exist_ok=True)
        page.screenshot(path=f"screenshots/{name}.png", full_page=True)


def test_plan_from_suggestion_to_approval_to_done(browser, live_server, province):
    core_values_ensure()
    round = computed_round(province)
    opening.worksheet_create_default(round=round, by=province.admin.user)
    round_agency = RoundAgency.objects.get(round=round, code="DINKES")
    opening.assessments_ensure(round_agency=round_agency)
    evidence_direct(first(round_agency), province.agent_a.user, name="daftar-hadir-pelatihan.pdf")

    agent = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = agent.new_page()
    browser_login(page, live_server, province.agent_a.nip)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Rencana aksi"
    ).click()
    page.get_by_role("link", name="Buka").click()
    page.get_by_role("button", name="Mulai menyusun rencana aksi").click()
    suggestions = page.get_by_test_id("suggestions")
    expect(suggestions).to_contain_text("Adaptif")
    suggestions.get_by_role("button", name="Tambah kegiatan untuk Adaptif").click()
    page.get_by_label("Uraian kegiatan").fill(
        "Pelatihan adaptasi layanan digital untuk seluruh pegawai"
    )
    page.get_by_label("Indikator target").fill("90% pegawai mengikuti pelatihan")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_test_id("suggestions").get_by_role(
        "button", name="Tambah kegiatan untuk Kolaboratif"
    ).click()
    # The suggestion is only a hint in the empty field, in the reader's language.
    expect(page.get_by_label("Uraian kegiatan")).to_have_value("")
    expect(page.get_by_label("Uraian kegiatan")).to_have_attribute(
        "placeholder", "Program penguatan nilai Kolaboratif: ..."
    )
    page.get_by_role("link", name="Batal").click()
    expect(page.get_by_test_id("action-AD")).to_contain_text("Pelatihan adaptasi")
    expect(page.get_by_test_id("action-KL")).to_contain_text("belum ditulis")

    # Submitting refuses, and says next to each action what it lacks.
    page.get_by_role("button", name="Ajukan kepada pimpinan").click()
    expect(page.get_by_test_id("plan-refusal")).to_contain_text("2 kegiatan belum lengkap")
    expect(page.get_by_test_id("gaps-AD")).to_contain_text("penanggung jawab belum dipilih")
    expect(page.get_by_test_id("gaps-AD")).not_to_contain_text("uraian")
    gaps = page.get_by_test_id("gaps-KL")
    for gap in ("uraian kegiatan masih usulan", "penanggung jawab", "indikator target"):
        expect(gaps).to_contain_text(gap)
    assert Action.objects.get(value__code="KL").plan.status == PlanStatus.DRAFT
    shot(page, "plan-refused-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "plan-refused-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    gaps.get_by_role("link", name="Lengkapi").click()
    page.get_by_label("Uraian kegiatan").fill("Forum kolaborasi lintas bidang tiap bulan")
    page.get_by_role("button", name="Simpan").click()  # no target yet: refused, text kept
    expect(page.get_by_label("Indikator target")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Uraian kegiatan")).to_have_value(
        "Forum kolaborasi lintas bidang tiap bulan"
    )
    page.get_by_label("Indikator target").fill("12 forum terlaksana")
    page.get_by_label("Penanggung jawab").select_option(str(province.agent_a.pk))
    page.get_by_role("button", name="Simpan").click()
    page.get_by_test_id("gaps-AD").get_by_role("link", name="Lengkapi").click()
    page.get_by_label("Penanggung jawab").select_option(str(province.leader_a.pk))
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("action-KL")).to_contain_text("Forum kolaborasi")
    expect(page.get_by_test_id("gaps-KL")).to_have_count(0)
    page.get_by_role("button", name="Ajukan kepada pimpinan").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Menunggu persetujuan")
    shot(page, "plan-agent")

    leader = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    lpage = leader.new_page()
    browser_login(lpage, live_server, province.leader_a.nip)
    lpage.goto(f"{live_server.url}/putaran/rencana-aksi/unit/{round_agency.pk}/")
    lpage.get_by_role("button", name="Setujui rencana").click()
    expect(lpage.get_by_test_id("plan-status")).to_have_text("Disetujui")
    shot(lpage, "plan-leader-phone")

    page.reload()
    page.get_by_test_id("action-AD").get_by_role("link", name="Ubah").click()
    page.get_by_label("Status").select_option("DONE")
    page.get_by_label("Daftar periksa").fill("[x] Materi disusun\n[x] Pelatihan dilaksanakan")
    page.get_by_label("1.1 · daftar-hadir-pelatihan.pdf · Bukti uji").check()
    page.get_by_label("Judul tautan (kegiatan forum, utas)").fill(
        "Pelatihan FOSKO SI DARA 10 Oktober"
    )
    page.get_by_label("Alamat tautan").fill("https://forum.example/kegiatan/1")
    page.get_by_role("button", name="Simpan").click()
    done = page.get_by_test_id("action-AD")
    expect(done).to_contain_text("Selesai")
    expect(done.get_by_role("link", name="daftar-hadir-pelatihan.pdf")).to_be_visible()
    action = Action.objects.get(plan__round_agency=round_agency, value__code="AD")
    assert action.status == ActionStatus.DONE and action.progress == 100
    assert action.evidence.count() == 1 and action.plan.status == PlanStatus.APPROVED

    admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    apage = admin.new_page()
    browser_login(apage, live_server, province.admin.nip)
    apage.goto(f"{live_server.url}/putaran/rencana-aksi/papan/")
    row = apage.get_by_test_id("board-DINKES")
    expect(row).to_contain_text("Sesuai jadwal")
    expect(apage.get_by_test_id("board-DISDIK")).to_contain_text("Belum ada rencana")
    shot(apage, "plans-board")
    apage.goto(f"{live_server.url}/unit/DINKES/")
    expect(apage.get_by_test_id("agenda-panel")).to_be_visible()
    for context in (agent, leader, admin):
        context.close()
