"""In the browser: an evaluator enrols an authenticator at first login (the code computed from the
secret on the page), keeps the recovery codes, logs in again with a code and with a recovery code,
and is locked out after wrong codes; an admin resets it."""

from __future__ import annotations

import os
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests.conftest import browser_login
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_from_secret(secret: str, *, step_offset: int = 0) -> str:
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = totp.time + 30 * step_offset
    return f"{totp.token():06d}"


def password_step(page, live_server, nip: str) -> None:
    page.goto(f"{live_server.url}/akun/masuk/")
    page.get_by_label("NIP").fill(nip)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def log_out(page) -> None:
    page.get_by_role("button", name="Keluar").first.click()
    page.wait_for_load_state()


def shoot(page, name: str) -> None:
    if os.environ.get("SHOTS") != "1":
        return
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"/tmp/shot-{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_enrolment_login_with_a_code_and_a_recovery_code_and_the_lockout(
    page, live_server, province, settings
):
    nip = province.evaluator.nip
    password_step(page, live_server, nip)
    assert "/akun/dua-langkah/" in page.url
    page.get_by_role("heading", name="Aktifkan verifikasi dua langkah").wait_for()
    assert page.locator(".mfa-qr svg").count() == 1
    shoot(page, "mfa-enrol")
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Kode").fill("000000")
    page.get_by_role("button", name="Aktifkan").click()
    assert "Kode salah" in page.get_by_role("main").inner_text()
    page.get_by_label("Kode").fill(code_from_secret(secret))
    page.get_by_role("button", name="Aktifkan").click()
    codes = page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    shoot(page, "mfa-codes")
    page.get_by_role("link", name="Saya sudah menyimpannya, lanjutkan").click()
    page.wait_for_load_state()
    assert "/akun/" not in page.url and page.get_by_test_id("current-user").count() == 1
    log_out(page)

    # Again: the password, then the app's next code (this one was used at enrolment).
    password_step(page, live_server, nip)
    assert "/akun/verifikasi/" in page.url
    shoot(page, "mfa-verify")
    page.get_by_label("Kode").fill(code_from_secret(secret, step_offset=1))
    page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_load_state()
    assert "/akun/" not in page.url
    log_out(page)

    # The phone is not at hand: a recovery code, once.
    password_step(page, live_server, nip)
    page.get_by_label("Kode").fill(codes[0])
    page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_load_state()
    assert "sisa 9 kode" in page.get_by_role("main").inner_text()
    page.get_by_role("main").get_by_role("link", name="Keamanan akun").click()
    page.get_by_role("heading", name="Keamanan akun").wait_for()
    assert "aktif" in page.get_by_test_id("mfa-state").inner_text()
    shoot(page, "mfa-security")
    log_out(page)

    # Wrong codes: locked like the password step.
    password_step(page, live_server, nip)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Kode").fill(codes[0])  # already used
        page.get_by_role("button", name="Verifikasi").click()
        page.wait_for_load_state()
    assert "Terlalu banyak percobaan masuk" in page.get_by_role("main").inner_text()
    password_step(page, live_server, nip)
    assert "Terlalu banyak percobaan masuk" in page.get_by_role("main").inner_text()


def test_an_admin_resets_the_second_factor_of_a_colleague(page, live_server, province):
    from tests.second_factor import device_for

    device_for(province.leader_a.user)
    browser_login(page, live_server, province.admin.nip)
    page.goto(f"{live_server.url}/pegawai/{province.leader_a.nip}/")
    assert "Aktif (aplikasi autentikator)" in page.get_by_test_id("employee-mfa").inner_text()
    shoot(page, "employee-security")
    page.get_by_role("button", name="Atur ulang verifikasi dua langkah").click()
    page.wait_for_load_state()
    assert "telah diatur ulang" in page.get_by_role("main").inner_text()
    assert "belum didaftarkan" in page.get_by_test_id("employee-mfa").inner_text()
    page.get_by_role("button", name="Akhiri semua sesi").click()
    page.wait_for_load_state()
    assert "Semua sesi Kepala Dinkes telah diakhiri" in page.get_by_role("main").inner_text()
