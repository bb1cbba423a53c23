"""Roster import: good files, every kind of bad row, wrong files, re-import, all or nothing."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from berakhlak.models import Agency, Employee, User
from berakhlak.roster.services import roster_plan_from_file
from berakhlak.roster.writer import roster_apply
from tests.berakhlak.roster_files import BASE_UNITS, EMPLOYEE_HEADER, employee, nip, workbook_bytes

pytestmark = pytest.mark.django_db


def plan_of(fileobj):
    return roster_plan_from_file(fileobj)


def messages_of(plan):
    return [(p.sheet, p.row, p.column, p.message) for p in plan.problems]


def test_good_file_creates_units_tree_and_employees_with_accounts():
    plan = plan_of(workbook_bytes(employees=[employee(1), employee(2, unit="UPTD-LAB")]))
    assert plan.ok, messages_of(plan)
    assert plan.counts()["units_new"] == 3 and plan.counts()["employees_new"] == 2
    roster_apply(plan, deactivate_missing=False)
    lab = Agency.objects.get(code="UPTD-LAB")
    assert lab.parent.code == "DINKES" and lab.depth == 2
    assert lab.path.startswith(Agency.objects.get(code="PROV").path)
    person = Employee.objects.get(nip=nip(2, year=1970))
    assert person.agency == lab and person.user.username == person.nip
    assert not person.user.has_usable_password()


def test_headers_are_matched_case_and_space_insensitively_and_extra_columns_ignored():
    header = ["NIP ", "Nama", "Jenis ASN", "KODE_UNIT", "jabatan", "E-mail?", "email", "catatan"]
    row = employee(1)
    rows = [[row[0], row[1], row[2], row[3], row[4], "x", row[5], "abaikan"]]
    plan = plan_of(
        workbook_bytes(
            employees=rows,
            employee_header=header,
            unit_header=["Kode", "NAMA", " jenis ", "Kode Induk"],
        )
    )
    assert plan.ok, messages_of(plan)
    assert plan.employees[0].email == row[5]


def test_reimport_updates_by_nip_and_code_without_duplicates():
    roster_apply(
        plan_of(workbook_bytes(employees=[employee(1), employee(2)])), deactivate_missing=False
    )
    units = [*BASE_UNITS[:2], ["UPTD-LAB", "UPTD Laboratorium Kesehatan Daerah", "UPTD", "DINKES"]]
    second = plan_of(
        workbook_bytes(units=units, employees=[employee(1, jabatan="Kepala Seksi"), employee(2)])
    )
    counts = second.counts()
    assert (counts["units_changed"], counts["units_unchanged"]) == (1, 2)
    assert (
        counts["employees_changed"],
        counts["employees_unchanged"],
        counts["employees_new"],
    ) == (1, 1, 0)
    roster_apply(second, deactivate_missing=False)
    assert (
        Employee.objects.count() == 2 and User.objects.count() == 2 and Agency.objects.count() == 3
    )
    assert Employee.objects.get(nip=nip(1, year=1970)).position == "Kepala Seksi"


def test_absent_employees_are_deactivated_only_when_confirmed():
    roster_apply(
        plan_of(workbook_bytes(employees=[employee(1), employee(2)])), deactivate_missing=False
    )
    plan = plan_of(workbook_bytes(employees=[employee(1)]))
    assert plan.counts()["employees_missing"] == 1
    roster_apply(plan, deactivate_missing=False)
    assert Employee.objects.filter(active=True).count() == 2
    roster_apply(plan_of(workbook_bytes(employees=[employee(1)])), deactivate_missing=True)
    gone = Employee.objects.get(nip=nip(2, year=1970))
    assert not gone.active and not gone.user.is_active
    # Coming back in a later file reactivates the same person, no duplicate.
    roster_apply(
        plan_of(workbook_bytes(employees=[employee(1), employee(2)])), deactivate_missing=False
    )
    gone.refresh_from_db()
    assert gone.active and Employee.objects.count() == 2


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        (employee(1, nip="12345"), "nip", "18 digit"),
        (employee(1, nip="198613452015051001"), "nip", "Tanggal lahir"),
        (employee(1, nip="198609262015131001"), "nip", "TMT"),
        (employee(1, nip="198609262015053001"), "nip", "jenis kelamin"),
        (employee(1, nip=1.98609262015051e17), "nip", "sebagai angka"),
        (employee(1, nip=None), "nip", "Wajib diisi"),
        (employee(1, kode_unit="TIDAK-ADA"), "kode_unit", "tidak dikenal"),
        (employee(1, jenis_asn="HONORER"), "jenis_asn", "tidak dikenal"),
        (employee(1, nama=""), "nama", "Wajib diisi"),
        (employee(1, email="bukan-email"), "email", "bukan alamat e-mail"),
    ],
)
def test_each_kind_of_bad_employee_row_is_reported_with_row_and_column(row, column, fragment):
    plan = plan_of(workbook_bytes(employees=[employee(2), row]))
    assert not plan.ok
    assert any(
        p.sheet == "Pegawai" and p.row == 3 and p.column == column and fragment in p.message
        for p in plan.problems
    ), messages_of(plan)


def test_pppk_nip_is_checked_for_length_birth_date_and_gender_only():
    # TMT month 13 would be wrong for a PNS, but PPPK numbers carry no TMT CPNS.
    pppk = employee(1, nip="199001012023131001", jenis_asn="PPPK")
    assert plan_of(workbook_bytes(employees=[pppk])).ok
    assert not plan_of(workbook_bytes(employees=[employee(1, nip="199001012023131001")])).ok


def test_duplicates_in_file_are_reported():
    units = [*BASE_UNITS, ["DINKES", "Dinas Kesehatan (lagi)", "DINAS", "PROV"]]
    plan = plan_of(workbook_bytes(units=units, employees=[employee(1), employee(1)]))
    found = messages_of(plan)
    assert ("Unit", 5, "kode", "Kode 'DINKES' sudah dipakai di baris 3.") in found
    assert any(
        sheet == "Pegawai" and row == 3 and "sudah ada di baris 2" in msg
        for sheet, row, _c, msg in found
    )


def test_unit_problems_unknown_kind_parent_and_cycle():
    units = [
        ["PROV", "Provinsi", "PROVINSI", None],
        ["A", "Unit A", "DINAS", "B"],
        ["B", "Unit B", "DINAS", "A"],
        ["C", "Unit C", "KANTOR", "PROV"],
        ["D", "Unit D", "DINAS", "ENTAH"],
        ["", "Tanpa kode", "DINAS", "PROV"],
    ]
    plan = plan_of(workbook_bytes(units=units, employees=[employee(1, unit="PROV")]))
    found = {(row, column): msg for sheet, row, column, msg in messages_of(plan)}
    assert "lingkaran" in found[(3, "kode_induk")] and "lingkaran" in found[(4, "kode_induk")]
    assert "KANTOR" in found[(5, "jenis")]
    assert "ENTAH" in found[(6, "kode_induk")]
    assert "Wajib diisi" in found[(7, "kode")]


def test_cycle_through_existing_database_parent_is_refused():
    roster_apply(plan_of(workbook_bytes(employees=[employee(1)])), deactivate_missing=False)
    # The file moves PROV under UPTD-LAB, whose existing parent chain leads back to PROV.
    units = [["PROV", "Provinsi", "PROVINSI", "UPTD-LAB"]]
    plan = plan_of(workbook_bytes(units=units, employees=[employee(1)]))
    assert any("lingkaran" in p.message for p in plan.problems)


def test_a_file_with_one_bad_row_changes_nothing_and_lists_every_bad_row():
    rows = [employee(n) for n in range(1, 50)] + [employee(60, nip="1"), employee(61, email="x@")]
    plan = plan_of(workbook_bytes(employees=rows))
    assert len(plan.problems) == 2
    with pytest.raises(Exception, match="problems"):
        roster_apply(plan, deactivate_missing=False)
    assert Employee.objects.count() == 0 and Agency.objects.count() == 0


def test_formula_without_a_saved_value_is_refused_with_row_and_column():
    """openpyxl (like other generators) writes formulas without the value a spreadsheet saves."""
    plan = plan_of(
        workbook_bytes(
            employees=[
                employee(1),
                employee(2, nama='=HYPERLINK("http://x","klik")', jabatan="=1+1"),
            ]
        )
    )
    found = {(p.row, p.column): p.message for p in plan.problems}
    assert set(found) == {(3, "nama"), (3, "jabatan")}, messages_of(plan)
    assert "tidak punya nilai tersimpan" in found[(3, "jabatan")]


OFFICE = Path(__file__).resolve().parents[1] / "fixtures" / "office"


def office_file(name: str) -> BytesIO:
    """A workbook LibreOffice wrote (tests/fixtures/office/build.py makes them)."""
    return BytesIO((OFFICE / f"{name}.xlsx").read_bytes())


def test_an_office_file_imports_saved_values_below_its_title_row_and_flags_hidden_rows():
    plan = plan_of(office_file("pegawai_kantor"))
    assert plan.ok, messages_of(plan)
    by_row = {e.row: e for e in plan.employees}
    assert by_row[3].name == "dr. Ni Luh Putu Ayu Wulandari"  # =G3&" "&H3, as saved
    assert by_row[3].position == "Dokter Ahli Muda"  # =PROPER("dokter ahli muda")
    assert by_row[4].nip == "197003031995011002"  # typed with full-width digits
    assert set(by_row) == {3, 4, 5, 6}  # the hidden and the filtered-out row are imported...
    assert plan.hidden_rows == {"Pegawai": [5, 6]}  # ...and the preview says so


def test_a_merged_header_cell_is_refused_with_a_message_that_says_so():
    plan = plan_of(office_file("pegawai_judul_gabung"))
    assert [(p.sheet, p.row, p.column) for p in plan.problems] == [("Pegawai", 1, "nama")]
    assert "digabung (B1:C1)" in plan.problems[0].message
    assert not plan.employees


def test_a_header_below_a_title_row_is_found_and_row_numbers_stay_the_sheets():
    rows = [["DAFTAR PEGAWAI DINAS KESEHATAN"], [], list(EMPLOYEE_HEADER), employee(1)]
    plan = plan_of(workbook_bytes(employees=rows[1:], employee_header=rows[0]))
    assert plan.ok, messages_of(plan)
    assert [e.row for e in plan.employees] == [4]


def test_full_width_digits_in_a_nip_and_code_are_read_as_digits():
    wide = str.maketrans("0123456789", "".join(chr(0xFF10 + n) for n in range(10)))
    row = employee(1, kode_unit="ＤＩＮＫＥＳ")
    row[0] = row[0].translate(wide)
    plan = plan_of(workbook_bytes(employees=[row]))
    assert plan.ok, messages_of(plan)
    assert plan.employees[0].nip == nip(1, year=1970) and plan.employees[0].unit_code == "DINKES"


@pytest.mark.parametrize(
    ("sheets", "unit_header", "fragment"),
    [
        (("Unit", "Staf"), None, "Sheet 'Pegawai' tidak ditemukan"),
        (("Unit", "Pegawai"), ["kode", "nama", "jenis"], "Kolom 'kode_induk' tidak ada"),
    ],
)
def test_wrong_sheets_or_headers(sheets, unit_header, fragment):
    kwargs = {"sheet_names": sheets}
    if unit_header:
        kwargs["unit_header"] = unit_header
    plan = plan_of(workbook_bytes(employees=[employee(1)], **kwargs))
    assert any(fragment in p.message for p in plan.problems), messages_of(plan)


def _zip_with(entries: dict[str, bytes]) -> BytesIO:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (BytesIO(b"nip,nama,jenis_asn\n198609262015051001,Budi,PNS\n"), "CSV"),
        (BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), ".xls"),
        (BytesIO(b"PK\x03\x04 this is not really a zip"), "rusak"),
        (BytesIO(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "bukan berkas Excel"),
        (BytesIO(b""), "kosong"),
        (_zip_with({"hello.txt": b"hi"}), "bukan buku kerja"),
        (
            _zip_with(
                {
                    "[Content_Types].xml": b"<x/>",
                    "xl/workbook.xml": b"<x/>",
                    "xl/vbaProject.bin": b"\0",
                }
            ),
            "makro",
        ),
        (_zip_with({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"broken"}), "rusak"),
        (
            _zip_with(
                {
                    "[Content_Types].xml": b"<x/>",
                    "xl/workbook.xml": b"<x/>",
                    "xl/worksheets/sheet1.xml": b"0" * (401 * 1024 * 1024),
                }
            ),
            "terlalu besar",
        ),
    ],
    ids=[
        "csv",
        "xls",
        "corrupt-zip",
        "png",
        "empty",
        "plain-zip",
        "macro",
        "broken-xml",
        "zip-bomb",
    ],
)
def test_files_that_are_not_a_valid_xlsx_get_a_clear_message(payload, fragment):
    plan = plan_of(payload)
    assert not plan.ok
    assert fragment in plan.problems[0].message


def test_management_command_dry_run_then_apply(tmp_path, capsys):
    path = tmp_path / "pegawai.xlsx"
    path.write_bytes(workbook_bytes(employees=[employee(1), employee(2)]).getvalue())
    call_command("import_roster", str(path), "--dry-run")
    assert Employee.objects.count() == 0
    assert "2 baru" in capsys.readouterr().out
    call_command("import_roster", str(path))
    assert Employee.objects.count() == 2


def test_management_command_fails_with_every_row_error_and_changes_nothing(tmp_path, capsys):
    path = tmp_path / "salah.xlsx"
    path.write_bytes(
        workbook_bytes(employees=[employee(1, nip="1"), employee(2, kode_unit="X")]).getvalue()
    )
    with pytest.raises(CommandError, match="2 kesalahan"):
        call_command("import_roster", str(path))
    err = capsys.readouterr().err
    assert "Pegawai, baris 2, kolom nip" in err and "Pegawai, baris 3, kolom kode_unit" in err
    assert Employee.objects.count() == 0


def test_management_command_exits_non_zero_from_the_shell(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "data.csv"
    path.write_text("nip,nama\n1,2\n")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_roster", str(path), "--dry-run"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DEBUG": "1"},
    )
    assert result.returncode != 0 and "CSV" in result.stderr


@pytest.mark.slow
def test_a_large_roster_imports_and_reimports_unchanged():
    # Correctness at a size that crosses every batch boundary; bench/roster_import.py times 50,000.
    count = 6_000
    rows = [employee(n, unit="DINKES" if n % 2 else "UPTD-LAB") for n in range(count)]
    plan = plan_of(workbook_bytes(employees=rows))
    assert plan.ok, messages_of(plan)[:5]
    roster_apply(plan, deactivate_missing=False)
    assert Employee.objects.count() == count
    again = plan_of(workbook_bytes(employees=rows))
    assert again.counts()["employees_unchanged"] == count
    assert EMPLOYEE_HEADER[0] == "nip"


def test_the_template_as_downloaded_imports_on_this_installation(province):
    """Its example unit hangs under the real top unit; on a fresh installation it brings one."""
    from io import BytesIO

    from openpyxl import load_workbook

    from berakhlak.roster.template import TEXT_ROWS, roster_template_bytes

    content = roster_template_bytes()
    assert load_workbook(BytesIO(content))["Unit"]["D2"].value == province.root.code
    plan = plan_of(BytesIO(content))
    assert plan.ok, messages_of(plan)
    # NIP and codes stay text in every row a person fills, not only the example's, and in the
    # columns' own style (what LibreOffice and Excel give a cell typed beyond those rows)
    book = load_workbook(BytesIO(content))
    for sheet, letters in (("Pegawai", "AD"), ("Unit", "AD")):
        for letter in letters:
            column = book[sheet]
            assert column[f"{letter}3"].number_format == "@", (sheet, letter)
            assert column[f"{letter}{TEXT_ROWS}"].number_format == "@", (sheet, letter)
            assert column.column_dimensions[letter].number_format == "@", (sheet, letter)
    assert book["Pegawai"]["B3"].number_format == "General"  # names are not forced to text


def test_the_template_of_a_fresh_installation_brings_its_top_unit():
    from io import BytesIO

    from berakhlak.roster.template import roster_template_bytes

    assert not Agency.objects.exists()
    plan = plan_of(BytesIO(roster_template_bytes()))
    assert plan.ok, messages_of(plan)
    roster_apply(plan, deactivate_missing=False)
    assert Agency.objects.get(code="DINKES").parent.code == "PROVINSI"


def test_export_then_import_changes_nothing_and_an_edit_shows_before_and_after():
    from openpyxl import load_workbook

    from berakhlak.roster.export import roster_export_bytes

    people = [employee(1), employee(2, unit="UPTD-LAB"), employee(3, email="")]
    roster_apply(plan_of(workbook_bytes(employees=people)), deactivate_missing=False)
    exported = roster_export_bytes()
    again = plan_of(BytesIO(exported))
    assert again.ok, messages_of(again)
    assert again.counts() == {
        "units_new": 0,
        "units_changed": 0,
        "units_unchanged": 3,
        "employees_new": 0,
        "employees_changed": 0,
        "employees_unchanged": 3,
        "employees_missing": 0,
    }
    book = load_workbook(BytesIO(exported))
    sheet = book["Pegawai"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].number_format == "@"
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == nip(2, year=1970))
    row[1].value, row[4].value = "Pegawai Dua", "Kepala Seksi"
    edited = BytesIO()
    book.save(edited)
    plan = plan_of(BytesIO(edited.getvalue()))
    assert plan.counts()["employees_changed"] == 1
    [change] = plan.changes(10)
    assert change["key"] == nip(2, year=1970)
    assert change["fields"] == [
        ["nama", "Pegawai 2", "Pegawai Dua"],
        ["jabatan", "Analis Kebijakan", "Kepala Seksi"],
    ]


def test_the_per_row_list_is_capped_but_the_counts_cover_every_row():
    plan = plan_of(workbook_bytes(employees=[employee(n) for n in range(30)]))
    assert plan.counts()["employees_new"] == 30
    assert len(plan.changes(10)) == 10 and plan.changes(10)[0]["sheet"] == "Unit"


def test_five_thousand_rows_are_checked_quickly_with_the_per_row_list():
    import time

    roster_apply(plan_of(workbook_bytes(employees=[employee(1)])), deactivate_missing=False)
    data = workbook_bytes(employees=[employee(n) for n in range(5000)])
    started = time.perf_counter()
    plan = plan_of(data)
    elapsed = time.perf_counter() - started
    assert plan.ok and len(plan.changes(500)) == 500
    # About a second on a quiet machine (the read is as fast as openpyxl's own); the bound
    # catches a per-row database query or a quadratic check, not a busy CI runner.
    assert elapsed < 5, elapsed


def test_a_fresh_installation_gets_its_province_from_the_settings_on_migrate(settings):
    """No demo: PROVINCE_CODE (and PROVINCE_NAME) make the top unit when `migrate` runs; the
    template then hangs its example under it, and importing it works."""
    from berakhlak.roster.template import roster_template_bytes

    settings.PROVINCE_CODE, settings.PROVINCE_NAME = "kalsel", "Provinsi Kalimantan Selatan"
    assert not Agency.objects.exists()
    call_command("migrate", verbosity=0)
    root = Agency.objects.get()
    assert (root.code, root.name, root.kind, root.depth) == (
        "KALSEL",
        "Provinsi Kalimantan Selatan",
        "PROVINSI",
        0,
    )
    call_command("migrate", verbosity=0)  # again: still one top unit
    assert Agency.objects.count() == 1
    plan = plan_of(BytesIO(roster_template_bytes()))
    assert plan.ok, messages_of(plan)
    roster_apply(plan, deactivate_missing=False)
    assert Agency.objects.get(code="DINKES").parent == root


def test_without_a_province_code_migrate_leaves_the_first_import_to_bring_the_top_unit(settings):
    settings.PROVINCE_CODE = ""
    call_command("migrate", verbosity=0)
    assert not Agency.objects.exists()


def test_a_merged_data_cell_is_refused_but_a_merge_over_ignored_columns_is_not():
    from openpyxl import Workbook

    book = Workbook()
    units = book.active
    units.title = "Unit"
    for row in [["kode", "nama", "jenis", "kode_induk"], *BASE_UNITS]:
        units.append(row)
    people = book.create_sheet("Pegawai")
    people.append([*EMPLOYEE_HEADER, "catatan", "x"])
    for n in (1, 2, 3):
        people.append(employee(n))
    people.merge_cells("D2:D3")  # one unit code over two people
    people.merge_cells("G1:H1")  # a note title over two ignored columns
    buffer = BytesIO()
    book.save(buffer)
    plan = plan_of(BytesIO(buffer.getvalue()))
    assert [(p.row, p.column) for p in plan.problems] == [(2, "kode_unit")], messages_of(plan)
    assert "Sel digabung (D2:D3)" in plan.problems[0].message
