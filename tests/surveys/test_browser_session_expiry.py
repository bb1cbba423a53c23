"""A session that ends in the middle of the survey: the autosave answers 401 (not the login page
inside the question card), the answers wait in the browser, the page asks for a new login, and
after it every answer is saved and the browser keeps none of them."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from surveys import selectors
from surveys.models import Participation
from tests.conftest import TEST_PASSWORD
from tests.surveys.factories import open_round
from tests.surveys.test_browser_survey import answer, login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _kept(page, participation) -> dict:
    return page.evaluate(
        "key => JSON.parse(window.localStorage.getItem(key) || '{}')",
        f"berakhlak-unsaved-{participation.pk}",
    )


def test_answers_given_after_the_session_expired_are_saved_after_logging_in_again(
    browser, live_server, province
):
    round = open_round(province)
    asn = province.asn_a
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="id-ID")
    page = context.new_page()
    login(page, live_server, asn.nip)
    participation = Participation.objects.get(round=round, employee=asn)
    page_url = f"{live_server.url}/survei/{participation.pk}/halaman/nilai-bp/"
    page.goto(page_url)
    answer(page, "BP1", 4)
    assert _kept(page, participation) == {}

    Session.objects.all().delete()  # the session expires while the page is open
    page.locator("#q-BP2-5").check()
    expect(page.locator("#status-BP2")).to_have_text(re.compile("sesi berakhir"))
    notice = page.locator("#survey-unsaved")
    expect(notice).to_be_visible()
    page.locator("#q-BP3-2").check()
    expect(page.locator("#status-BP3")).to_have_text(re.compile("sesi berakhir"))
    assert (
        page.locator("#q-BP3 form, #q-BP3 input[name=username]").count() == 0
    )  # no login form inside
    assert _kept(page, participation) == {"BP2": ["5"], "BP3": ["2"]}
    shot(page, "survey-session-expired-390")
    # The fixed notice leaves room: at the bottom of the page it covers no button.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    button = page.get_by_role("button", name=re.compile("Simpan dan (lanjut|periksa)")).last
    assert (
        button.bounding_box()["y"] + button.bounding_box()["height"] <= notice.bounding_box()["y"]
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "survey-session-expired-1280")

    notice.get_by_role("link", name="Masuk lagi").click()
    page.get_by_label("NIP").fill(asn.nip)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(page_url)
    expect(page.locator("#status-BP2")).to_have_text(re.compile("Tersimpan"))
    expect(page.locator("#status-BP3")).to_have_text(re.compile("Tersimpan"))
    expect(page.locator("#q-BP2-5")).to_be_checked()
    expect(notice).to_be_hidden()
    page.wait_for_function(
        "key => window.localStorage.getItem(key) === null",
        arg=f"berakhlak-unsaved-{participation.pk}",
    )
    # An answer kept for a question of another page is sent from here, then the page reads the
    # draft again (the person logged in again somewhere else in the survey).
    key = f"berakhlak-unsaved-{participation.pk}"
    page.evaluate('key => window.localStorage.setItem(key, \'{"AK1": ["3"]}\')', key)
    loads = []
    page.on("load", lambda _page: loads.append(1))
    page.reload()
    while len(loads) < 2:  # sent, then the page reloads itself to read the draft again
        page.wait_for_event("load")
    page.wait_for_function("key => window.localStorage.getItem(key) === null", arg=key)
    # Answers still waiting when the person logs out on purpose leave with them.
    page.evaluate("window.localStorage.setItem('berakhlak-unsaved-0', '{\"BP9\": [\"1\"]}')")
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(re.compile("/akun/"))
    assert page.evaluate("window.localStorage.getItem('berakhlak-unsaved-0')") is None
    context.close()
    participation.refresh_from_db()
    draft = selectors.draft_answers(participation)
    assert (draft["BP1"], draft["BP2"], draft["BP3"], draft["AK1"]) == (4, 5, 2, 3)
