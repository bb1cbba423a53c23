"""The PDF report: one HTML template rendered by WeasyPrint, A4, fonts and logo from static/."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from reports.printing.context import ReportData, letterhead

STATIC_DIR = Path(settings.BASE_DIR) / "static"


def _static_fetcher():
    """A WeasyPrint fetcher that reads files under static/ only: no network, nothing else."""
    from weasyprint.urls import URLFetcher

    base = STATIC_DIR.resolve().as_uri() + "/"

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(base) or ".." in url:
                raise ValueError(f"refused to fetch {url!r}: reports use files under static/")
            return super().fetch(url, headers)

    return StaticOnly(allowed_protocols=("file",), fail_on_errors=True)


def report_html(data: ReportData) -> str:
    logo = settings.REPORT_LOGO if (STATIC_DIR / settings.REPORT_LOGO).is_file() else ""
    return render_to_string(
        "reports/print/report.html", {"data": data, "head": letterhead(), "logo": logo}
    )


def report_pdf_bytes(data: ReportData) -> bytes:
    from weasyprint import HTML

    html = HTML(
        string=report_html(data),
        base_url=STATIC_DIR.resolve().as_uri() + "/",
        url_fetcher=_static_fetcher(),
    )
    return html.write_pdf()
