"""A change agent sets up the culture team in the browser: the SK, a member typed wrong and then
right, a leader, a roadmap and one of its years."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from evaluations.plans.models import CultureTeam, RoadmapYear, TeamRole
from tests.conftest import browser_login
from tests.surveys.factories import core_values_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_agent_sets_up_the_team_and_a_roadmap(browser, live_server, province):
    core_values_ensure()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    browser_login(page, live_server, province.agent_a.nip)
    page.goto(f"{live_server.url}/putaran/rencana-aksi/tim/DINKES/")
    page.get_by_label("Nomor SK tim").fill("800/45/DINKES/2026")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_text("SK tim disimpan.")).to_be_visible()
    expect(page.get_by_label("Nomor SK tim")).to_have_value("800/45/DINKES/2026")

    # Someone of another agency: refused, and what was typed stays.
    page.get_by_label("NIP pegawai").fill(province.asn_b.nip)
    page.get_by_label("Peran").select_option(TeamRole.LEADER)
    page.get_by_role("button", name="Tambah").click()
    expect(page.get_by_text("Pegawai dengan NIP itu tidak ada di unit ini.")).to_be_visible()
    expect(page.get_by_label("NIP pegawai")).to_have_value(province.asn_b.nip)
    expect(page.get_by_label("Peran")).to_have_value(TeamRole.LEADER)
    page.get_by_label("NIP pegawai").fill(province.asn_a.nip)
    page.get_by_role("button", name="Tambah").click()
    expect(page.get_by_text(f"{province.asn_a.name} ditambahkan ke tim.")).to_be_visible()

    page.get_by_label("Judul peta jalan").fill("Peta Jalan Budaya Kerja 2026-2028")
    page.get_by_label("Tahun mulai").fill("2026")
    page.get_by_label("Tahun akhir").fill("2028")
    page.get_by_role("button", name="Buat peta jalan").click()
    expect(page.get_by_text("Peta jalan dibuat")).to_be_visible()
    year = RoadmapYear.objects.get(roadmap__agency=province.agency_a, year=2027)
    form = page.locator(f"form:has(input[name=year][value='{year.pk}'])")
    form.get_by_label("AD").check()
    form.locator("textarea").fill("Layanan digital di semua bidang")
    form.get_by_role("button", name="Simpan tahun").click()
    expect(page.get_by_text("Tahun 2027 disimpan.")).to_be_visible()

    team = CultureTeam.objects.get(agency=province.agency_a)
    assert team.sk_number == "800/45/DINKES/2026"
    assert list(team.members.values_list("employee_id", "role")) == [
        (province.asn_a.pk, TeamRole.LEADER)
    ]
    year.refresh_from_db()
    assert year.milestones == "Layanan digital di semua bidang"
    assert list(year.focus_values.values_list("code", flat=True)) == ["AD"]
    context.close()
