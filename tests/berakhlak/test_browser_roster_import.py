"""An admin uploads a roster in the browser, checks the preview, confirms, and finds the people."""

from __future__ import annotations

import os

import pytest

from berakhlak.models import Employee
from tests.berakhlak.roster_files import employee, nip, workbook_bytes
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
UNITS = [
    ["PROV", "Pemerintah Provinsi Uji", "PROVINSI", None],
    ["DINKES", "Dinas Kesehatan", "DINAS", "PROV"],
    ["UPTD-BLK", "UPTD Balai Latihan Kerja", "UPTD", "DINKES"],
]


def test_admin_uploads_previews_confirms_and_sees_new_employees(
    page, live_server, province, tmp_path
):
    good = tmp_path / "pegawai.xlsx"
    good.write_bytes(
        workbook_bytes(
            units=UNITS,
            employees=[
                employee(101, unit="UPTD-BLK", nama="Siti Rahmah"),
                employee(102, unit="UPTD-BLK", nama="Muhammad Rizki"),
            ],
        ).getvalue()
    )
    bad = tmp_path / "salah.xlsx"
    bad.write_bytes(workbook_bytes(units=UNITS, employees=[employee(103, nip="12345")]).getvalue())
    shots = os.environ.get("SHOTS") == "1"

    browser_login(page, live_server, province.admin.nip)
    page.get_by_role("main").get_by_role("link", name="Impor pegawai").click()
    page.get_by_label("Berkas data pegawai (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Unggah dan periksa").click()
    errors = page.get_by_test_id("import-errors")
    errors.wait_for()
    assert "NIP harus 18 digit" in errors.inner_text()
    assert page.get_by_role("button", name="Terapkan impor").count() == 0

    page.get_by_role("link", name="Unggah berkas yang sudah diperbaiki").click()
    page.get_by_label("Berkas data pegawai (.xlsx)").set_input_files(str(good))
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.get_by_test_id("import-counts").wait_for()
    assert page.get_by_test_id("count-new").inner_text() == "2"
    if shots:
        page.screenshot(path="/tmp/shots/import-preview-desktop.png", full_page=True)
    assert not Employee.objects.filter(agency__code="UPTD-BLK").exists()

    page.get_by_role("button", name="Terapkan impor").click()
    page.get_by_test_id("import-applied").wait_for()
    assert Employee.objects.filter(agency__code="UPTD-BLK").count() == 2
    page.get_by_role("link", name="Lihat daftar pegawai").click()
    page.get_by_label("Cari").fill(nip(101, year=1970))
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Siti Rahmah" in page.content()
    if shots:
        page.set_viewport_size({"width": 360, "height": 800})
        page.goto(f"{live_server.url}/impor/pegawai/")
        page.screenshot(path="/tmp/shots/import-start-phone.png", full_page=True)
