"""The PDF report: one HTML template rendered by WeasyPrint, A4, fonts and logo from static/."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from berakhlak.pdf import STATIC_DIR, html_to_pdf
from reports.printing.context import ReportData, letterhead


def report_html(data: ReportData) -> str:
    logo = settings.REPORT_LOGO if (STATIC_DIR / settings.REPORT_LOGO).is_file() else ""
    return render_to_string(
        "reports/print/report.html", {"data": data, "head": letterhead(), "logo": logo}
    )


def report_pdf_bytes(data: ReportData) -> bytes:
    return html_to_pdf(report_html(data))
