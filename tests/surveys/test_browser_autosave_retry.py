"""The database restarting under an ASN who is answering: the failed autosave says "belum
tersimpan - mencoba lagi", is sent again by itself and ends "Tersimpan", with the answer in
the draft (README "Keandalan")."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from surveys import selectors
from surveys.models import Participation
from tests.surveys.factories import open_round
from tests.surveys.test_browser_survey import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FAILURES = 3  # answered 503 by the server, as while PostgreSQL restarts


@pytest.mark.parametrize("width", [390, 1280])
def test_a_failed_autosave_is_retried_until_it_is_saved(browser, live_server, province, width):
    round = open_round(province)
    asn = province.asn_a
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
    page = context.new_page()
    login(page, live_server, asn.nip)
    participation = Participation.objects.get(round=round, employee=asn)
    page.goto(f"{live_server.url}/survei/{participation.pk}/halaman/nilai-bp/")

    attempts = []

    def flaky(route):
        attempts.append(route.request.url)
        if len(attempts) <= FAILURES:
            route.fulfill(status=503, body="database restarting")
        else:
            route.continue_()

    page.route(re.compile(r"/jawab/$"), flaky)
    page.locator("#q-BP1-4").check()
    status = page.locator("#status-BP1")
    expect(status).to_have_text(re.compile("Belum tersimpan - mencoba lagi"))
    shot(page, f"survey-autosave-retrying-{width}")
    # Retries after 1, 2 and 4 s; the fourth try reaches the server.
    expect(status).to_have_text(re.compile("Tersimpan"), timeout=15_000)
    shot(page, f"survey-autosave-saved-{width}")
    assert len(attempts) == FAILURES + 1
    context.close()
    participation.refresh_from_db()
    assert selectors.draft_answers(participation)["BP1"] == 4
