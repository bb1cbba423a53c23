"""Build roster workbooks for tests."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook

UNIT_HEADER = ["kode", "nama", "jenis", "kode_induk"]
EMPLOYEE_HEADER = ["nip", "nama", "jenis_asn", "kode_unit", "jabatan", "email"]
BASE_UNITS = [
    ["PROV", "Pemerintah Provinsi Uji", "PROVINSI", None],
    ["DINKES", "Dinas Kesehatan", "DINAS", "PROV"],
    ["UPTD-LAB", "UPTD Laboratorium Kesehatan", "UPTD", "DINKES"],
]


def nip(n: int, *, year: int = 1980, gender: int = 1) -> str:
    return f"{year}{1 + n % 12:02d}{1 + n % 28:02d}{year + 25}01{gender}{n % 1000:03d}"


def employee(n: int, unit: str = "DINKES", **overrides) -> list:
    row = {
        "nip": nip(n, year=1970 + n // 1000 % 30),
        "nama": f"Pegawai {n}",
        "jenis_asn": "PNS",
        "kode_unit": unit,
        "jabatan": "Analis Kebijakan",
        "email": f"pegawai{n}@example.go.id",
    }
    row.update(overrides)
    return [row[key] for key in EMPLOYEE_HEADER]


def workbook_bytes(
    units=None,
    employees=None,
    *,
    unit_header=UNIT_HEADER,
    employee_header=EMPLOYEE_HEADER,
    sheet_names=("Unit", "Pegawai"),
) -> BytesIO:
    book = Workbook(write_only=True)
    unit_sheet = book.create_sheet(sheet_names[0])
    unit_sheet.append(unit_header)
    for row in BASE_UNITS if units is None else units:
        unit_sheet.append(row)
    employee_sheet = book.create_sheet(sheet_names[1])
    employee_sheet.append(employee_header)
    for row in employees or []:
        employee_sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "pegawai.xlsx"
    return buffer
