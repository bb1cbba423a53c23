"""Login by NIP, first-login password change, logout, lockout, session limits, security headers."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from berakhlak.middleware import SESSION_STARTED_KEY
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def spaced(nip: str) -> str:
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


@pytest.mark.parametrize("typed", ["plain", "spaced"])
def test_login_by_nip_with_or_without_spaces(client, province, typed):
    nip = province.asn_a.nip
    username = nip if typed == "plain" else spaced(nip)
    response = client.post(reverse("login"), {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_gives_a_clear_error_and_keeps_the_nip(client, province):
    response = client.post(reverse("login"), {"username": province.asn_a.nip, "password": "salah"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "NIP atau kata sandi salah" in body
    assert province.asn_a.nip in body


def test_first_login_forces_a_password_change_then_navigation_is_free(client, province):
    user = province.asn_a.user
    user.must_change_password = True
    user.save()
    client.post(reverse("login"), {"username": province.asn_a.nip, "password": TEST_PASSWORD})
    assert client.get(reverse("home")).url == reverse("password_change")
    assert client.get(reverse("values_catalog")).url == reverse("password_change")
    page = client.get(reverse("password_change")).content.decode()
    assert "kata sandi sementara" in page
    new = "Budaya-Kerja-Baru-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(new)
    assert client.get(reverse("home")).status_code == 200


def test_weak_new_password_is_refused_in_indonesian(client, province):
    client.force_login(province.asn_a.user)
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "terlalu" in response.content.decode().lower()


def test_logout_is_post_only(client, province):
    client.force_login(province.asn_a.user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_lockout_after_repeated_failures_is_per_nip_and_address(client, province, settings):
    nip = province.asn_a.nip
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"), {"username": nip, "password": "salah"}, REMOTE_ADDR="10.0.0.7"
        )
    locked = client.post(
        reverse("login"), {"username": nip, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    assert locked.status_code == 429
    assert "coba lagi setelah 15 menit" in locked.content.decode()
    # A colleague behind the same office address is not locked out.
    other = client.post(
        reverse("login"),
        {"username": province.asn_b.nip, "password": TEST_PASSWORD},
        REMOTE_ADDR="10.0.0.7",
    )
    assert other.status_code == 302


def test_session_older_than_the_absolute_limit_is_ended(client, province, settings):
    client.force_login(province.asn_a.user)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 5
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response.url
    assert client.get(reverse("home")).status_code == 302


def test_idle_timeout_is_thirty_minutes_renewed_on_each_request(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_security_headers_and_csp(client, province):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("person", ["admin", "leader_a", "agent_a", "evaluator", "asn_a"])
def test_home_sends_each_role_to_its_work(client, province, person):
    client.force_login(getattr(province, person).user)
    page = client.get(reverse("home")).content.decode()
    assert "Survei saya" in page
    expected = {
        "admin": "Admin Biro Organisasi",
        "leader_a": "Pimpinan",
        "agent_a": "Agen perubahan",
        "evaluator": "Evaluator",
        "asn_a": "Survei saya",
    }[person]
    assert expected in page
    if person == "asn_a":
        assert "Admin Biro Organisasi" not in page


def test_language_switch_to_english(client, province):
    client.force_login(province.asn_a.user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert "My survey" in page


def test_error_pages_render(client, province):
    client.force_login(province.asn_a.user)
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
