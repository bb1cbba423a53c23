"""HTML to PDF with WeasyPrint, the one way every app prints (reports, action plans, forums).

Relative URLs resolve against the project's static/ directory (print.css, fonts, logo), and the
fetcher reads files under static/ only, plus images embedded as data: URIs (an uploaded logo): no
network, nothing else on disk, fonts never fetched.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

STATIC_DIR = Path(settings.BASE_DIR) / "static"


def static_fetcher():
    from weasyprint.urls import URLFetcher

    base = STATIC_DIR.resolve().as_uri() + "/"

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            embedded = url.startswith(("data:image/png;", "data:image/jpeg;"))
            if not embedded and (not url.startswith(base) or ".." in url):
                raise ValueError(f"refused to fetch {url[:80]!r}: only files under static/")
            return super().fetch(url, headers)

    return StaticOnly(allowed_protocols=("file", "data"), fail_on_errors=True)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(
        string=html, base_url=STATIC_DIR.resolve().as_uri() + "/", url_fetcher=static_fetcher()
    ).write_pdf()
