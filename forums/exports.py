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
from berakhlak.spreadsheet import row_append_safe
from forums.models import Event, Registration

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Daftar Hadir")[:31])
    sheet.freeze_panes = "A2"
    row_append_safe(sheet, [_("no"), _("nama"), "nip", _("unit"), _("hadir"), _("cara")])
    for number, row in enumerate(rows, start=1):
        row_append_safe(
            sheet,
            [
                number,
                row.employee.name,
                row.employee.nip,
                row.employee.agency.name,
                timezone.localtime(row.attended_at).strftime("%Y-%m-%d %H:%M"),
                row.get_checkin_method_display(),
            ],
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
