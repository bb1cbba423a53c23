"""Attendance lists of a forum event as PDF (WeasyPrint) and Excel (openpyxl, formula-safe).

Small enough to build inside the request (one event, at most a few hundred rows); the reports app
runs its large documents on Celery instead."""

from __future__ import annotations

import io

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from berakhlak.models import Agency
from berakhlak.pdf import html_to_pdf
from berakhlak.spreadsheet import HeaderedSheet
from forums.models import Event, Registration


def attendance_pdf(
    event: Event, rows: QuerySet[Registration], *, agency: Agency | None = None
) -> bytes:
    """The attendance list of `rows` (scoped by the caller); `agency` names the unit it is of."""
    html = render_to_string(
        "forums/attendance_pdf.html",
        {"event": event, "rows": list(rows), "agency": agency, "now": timezone.localtime()},
    )
    return html_to_pdf(html)


def attendance_xlsx(event: Event, rows: QuerySet[Registration]) -> bytes:
    """The attendance list as a sheet a person works with: readable headers, frozen and filtered,
    the check-in time as an Excel date (local time), NIP as text."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    header = [_("No."), _("Nama"), _("NIP"), _("Unit kerja"), _("Hadir pada"), _("Cara hadir")]
    sheet = HeaderedSheet(workbook, _("Daftar Hadir"), header, [6, 36, 22, 40, 18, 16])
    for number, row in enumerate(rows, start=1):
        sheet.add(
            [
                number,
                row.employee.name,
                str(row.employee.nip),
                row.employee.agency.name,
                row.attended_at,
                row.get_checkin_method_display(),
            ]
        )
    sheet.finish()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
