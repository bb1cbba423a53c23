"""Every page each demo role reaches passes axe-core's WCAG 2.0/2.1 A and AA rules (no serious or
critical violation) at 1280 and 390 px, and reflows at 320 px without sideways scrolling.

Each role (and a visitor) crawls the same-origin links from its home page and the footer's pages
to a bounded depth, in one browser context. A page is scanned once per width and per what it
shows: pages of one kind (ids and codes folded) with the same forms and controls count once, so
the admin's and the change agent's version of a page are both scanned, 40 agencies' pages are
not."""

from __future__ import annotations

import re
from collections import deque
from io import StringIO
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError

from berakhlak.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.a11y.axe import axe_violations, format_violations, horizontal_overflow
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 640}
MAX_DEPTH = 3
# Not our pages (Django admin), not pages (downloads, the language switch), or leaving the session.
SKIP = re.compile(r"^/(admin|i18n|akun/keluar|health)/|\.(xlsx|pdf|csv|png|svg)$|/unduh/|/berkas/")
KNOWN = ("/", "/nilai-dasar/", "/metode/", "/aksesibilitas/", "/akun/kata-sandi/")
# What a page offers: its forms, fields and buttons (the same template shows more to an admin).
CONTROLS = """() => [...document.querySelectorAll(
  'main form, main input, main select, main textarea, main button'
)].map((el) => el.tagName + (el.name || '') + (el.type || '')).join(',')"""

HOLD_HTMX = "() => document.addEventListener('htmx:beforeRequest', (e) => e.preventDefault())"


def page_kind(url: str) -> str:
    """One kind per view: ids, codes, NIPs and uuids folded, query values ignored."""
    parts = urlsplit(url)
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "U", parts.path)
    path = re.sub(r"/[A-Z0-9][A-Z0-9-]*(?=/)", "/C", path)
    keys = sorted({k for k, _ in parse_qsl(parts.query)})
    return path + ("?" + "&".join(keys) if keys else "")


def same_origin_links(page, origin: str) -> list[str]:
    found = []
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" == origin and not SKIP.search(parts.path):
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def scan(page, where: str) -> list[str]:
    problems = []
    for viewport in (WIDE, PHONE):
        page.set_viewport_size(viewport)
        violations = axe_violations(page)
        if violations:
            problems.append(format_violations(violations, f"{where} @{viewport['width']}"))
    page.set_viewport_size(NARROW)
    overflow = horizontal_overflow(page)
    if overflow:
        problems.append(f"{where} @320: {overflow} px wider than the screen")
    page.set_viewport_size(WIDE)
    return problems


def crawl(page, origin: str, who: str, scanned: set[tuple[str, str]]) -> list[str]:
    problems, visited = [], set()
    queue = deque((url, 0) for url in KNOWN)
    while queue:
        url, depth = queue.popleft()
        kind = page_kind(url)
        if kind in visited:
            continue
        visited.add(kind)
        try:
            response = page.goto(origin + url)
        except PlaywrightError:  # a download, not a page
            continue
        if response is None or response.status != 200:
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        # Polling pages (the response board, the index panel) would swap the DOM under axe.
        page.evaluate(HOLD_HTMX)
        signature = (kind, page.evaluate(CONTROLS))
        if signature not in scanned:
            scanned.add(signature)
            problems += scan(page, f"{who} {url}")
        if depth < MAX_DEPTH:
            queue.extend((link, depth + 1) for link in same_origin_links(page, origin))
    return problems


def test_every_page_of_every_role_passes_axe(browser, live_server):
    call_command("seed_demo", employees=120, stdout=StringIO())
    problems, scanned = [], set()
    for account in [None, *DEMO_ACCOUNTS]:
        context = browser.new_context(viewport=WIDE, locale="id-ID")
        page = context.new_page()
        if account:
            browser_login(page, live_server, account.nip, DEMO_PASSWORD)
        problems += crawl(page, live_server.url, account.key if account else "visitor", scanned)
        context.close()
    assert not problems, "\n".join(problems)
    assert len(scanned) >= 60, f"only {len(scanned)} pages scanned: is the crawl broken?"
