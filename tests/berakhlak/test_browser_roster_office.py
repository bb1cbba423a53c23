"""One walk as the admin: a roster saved by LibreOffice with a change -> the per-row preview ->
apply -> export the roster as it now stands."""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from berakhlak.models import Employee
from berakhlak.roster.services import roster_plan_from_file
from berakhlak.roster.writer import roster_apply
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OFFICE = Path(__file__).resolve().parents[1] / "fixtures" / "office"
BUDI = "197003031995011002"


def test_admin_sees_each_change_of_an_office_file_applies_it_and_exports(
    page, live_server, province
):
    with (OFFICE / "pegawai_kantor.xlsx").open("rb") as first:
        roster_apply(roster_plan_from_file(first), deactivate_missing=False)
    shots = os.environ.get("SHOTS") == "1"

    browser_login(page, live_server, province.admin.nip)
    page.goto(f"{live_server.url}/impor/pegawai/")
    page.get_by_label("Berkas data pegawai (.xlsx)").set_input_files(
        str(OFFICE / "pegawai_kantor_berubah.xlsx")
    )
    page.get_by_role("button", name="Unggah dan periksa").click()
    changes = page.get_by_test_id("import-changes")
    changes.wait_for()
    budi = changes.locator("> li").filter(has_text=BUDI)
    assert "Analis Kebijakan" in budi.locator("del").inner_text()
    assert budi.locator("ins").inner_text() == "Analis Kebijakan Ahli Muda"
    assert changes.locator("> li").count() == 1  # Budi only: nothing else changed
    assert "baris 5" in page.get_by_test_id("import-hidden-rows").inner_text()
    page.get_by_text("Lihat pegawai yang tidak ada di berkas").click()
    assert page.get_by_text("Made Ayu").is_visible()
    if shots:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path="/tmp/shots/roster-preview-1280.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path="/tmp/shots/roster-preview-390.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Terapkan impor").click()
    page.get_by_test_id("import-applied").wait_for()
    assert Employee.objects.get(nip=BUDI).position == "Analis Kebijakan Ahli Muda"
    assert Employee.objects.get(name="Made Ayu").active  # not ticked: stays active

    page.goto(f"{live_server.url}/impor/pegawai/")
    with page.expect_download() as download:
        page.get_by_test_id("roster-export").click()
    book = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    rows = {row[0]: row for row in book["Pegawai"].iter_rows(min_row=2, values_only=True)}
    assert rows[BUDI][4] == "Analis Kebijakan Ahli Muda"
