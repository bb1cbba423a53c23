"""An ASN fills and submits the survey with the keyboard alone, and at every step the element that
has the focus shows a focus ring of at least 2 px with 3:1 contrast (WCAG 2.1.1, 2.4.7, 1.4.11)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from surveys.models import Participation, ParticipationStatus
from tests.a11y.axe import assert_accessible
from tests.conftest import browser_login
from tests.surveys.factories import behaviour_instrument, open_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The focused element's outline and the contrast of its colour against the nearest opaque
# background behind it (relative luminance, as WCAG defines it).
FOCUS_RING = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {what: "body", style: "none", width: 0, ratio: 0};
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  let node = el.parentElement, bg = {r: 255, g: 255, b: 255, a: 1};
  while (node) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c && c.a > 0) { bg = c; break; }
    node = node.parentElement;
  }
  const s = getComputedStyle(el);
  const ring = parse(s.outlineColor) || {r: 0, g: 0, b: 0};
  const [hi, lo] = [lum(ring), lum(bg)].sort((a, b) => b - a);
  return {
    what: `${el.tagName.toLowerCase()}#${el.id} ${(el.innerText || el.value || "").trim().slice(0, 40)}`,
    style: s.outlineStyle, width: parseFloat(s.outlineWidth) || 0, ratio: (hi + 0.05) / (lo + 0.05),
  };
}"""


def assert_focus_visible(page) -> dict:
    ring = page.evaluate(FOCUS_RING)
    assert ring["style"] != "none" and ring["width"] >= 2, f"no visible focus on {ring}"
    assert ring["ratio"] >= 3, f"focus ring contrast {ring['ratio']:.2f}:1 on {ring['what']}"
    return ring


def tab_to(page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus, checking the ring each time."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert_focus_visible(page)
        if target.evaluate_all("(els) => els.includes(document.activeElement)"):
            return
    raise AssertionError(f"{selector} not reached with {limit} Tab presses")


def activate(page) -> None:
    """Enter on the focused link or button, and wait for the page it opens."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_asn_fills_and_submits_the_survey_with_the_keyboard_only(browser, live_server, province):
    round = open_round(province, instruments=[behaviour_instrument()])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    browser_login(page, live_server, province.asn_a.nip)
    page.goto(f"{live_server.url}/survei/")

    tab_to(page, "a:text('Mulai mengisi')")
    activate(page)
    tab_to(page, "a:text-is('Mulai')")
    activate(page)
    expect(page).to_have_url(re.compile(r"/halaman/nilai-bp/"))

    for value_code in ("BP", "AK", "KO", "HA", "LO", "AD", "KL"):
        assert_accessible(page, f"survey page {value_code}")
        for n in (1, 2, 3):
            key = f"{value_code}{n}"
            tab_to(page, f"input[name={key}]")
            for _ in range(3):  # the first option of the group has the focus: down to the fourth
                page.keyboard.press("ArrowDown")
                assert_focus_visible(page)
            expect(page.locator(f"#q-{key}-4")).to_be_checked()
            expect(page.locator(f"#status-{key}")).to_have_text(re.compile("Tersimpan"))
        tab_to(page, "button:text-matches('Simpan dan (lanjut|periksa)')")
        activate(page)

    expect(page.get_by_test_id("complete")).to_be_visible()
    assert_accessible(page, "survey review")
    tab_to(page, "button:text('Kirim jawaban')")
    activate(page)
    expect(page.get_by_test_id("receipt")).to_contain_text("Jawaban Anda sudah kami terima pada")
    assert_accessible(page, "survey receipt")
    context.close()

    participation = Participation.objects.get(round=round, employee=province.asn_a)
    assert participation.status == ParticipationStatus.SUBMITTED
