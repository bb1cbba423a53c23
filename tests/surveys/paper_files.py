"""Build `Jawaban` workbooks in the test itself."""

from __future__ import annotations

import io

from openpyxl import Workbook

CODES = [f"{v}{n}" for v in ("BP", "AK", "KO", "HA", "LO", "AD", "KL") for n in (1, 2, 3)]


def answer_row(unit: str = "DINKES", asn: str = "PNS", value: object = 5, **overrides) -> list:
    answers = dict.fromkeys(CODES, value)
    answers.update(overrides)
    return [unit, asn, *[answers[c] for c in CODES]]


def paper_workbook(
    rows: list[list], *, header: list | None = None, sheet: str = "Jawaban"
) -> io.BytesIO:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.append(header or ["kode_unit", "jenis_asn", *CODES])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer
