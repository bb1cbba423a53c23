"""The PDF report: one HTML template rendered by WeasyPrint, A4, fonts from static/, the
letterhead and logo as the admin stored them (reports.letterhead)."""

from __future__ import annotations

from django.template.loader import render_to_string

from berakhlak.pdf import html_to_pdf
from reports.letterhead import letterhead
from reports.printing.context import ReportData


def report_html(data: ReportData) -> str:
    head = letterhead()
    return render_to_string(
        "reports/print/report.html", {"data": data, "head": head, "logo": head.logo}
    )


def report_pdf_bytes(data: ReportData) -> bytes:
    return html_to_pdf(report_html(data))
