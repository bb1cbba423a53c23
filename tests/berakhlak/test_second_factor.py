"""The second factor: who needs one, enrolment at first login, the code step and its lockout,
recovery codes, an admin's reset (audited), and the Django admin behind it."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from berakhlak import second_factor
from berakhlak.permissions import requires_second_factor
from tests.factories import TEST_PASSWORD, UserFactory
from tests.second_factor import code_for, device_for

pytestmark = pytest.mark.django_db

OPEN_PAGES = {"login", "logout", "health", "mfa_verify", "mfa_enrol", "set_language"}


def page_names(resolver=None, namespace: str = "") -> list[str]:
    """Every named page of the site that takes no argument."""
    names = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names += page_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.regex.groupindex:
            names.append(f"{namespace}{entry.name}")
    return [n for n in names if n.split(":")[-1] not in OPEN_PAGES and not n.startswith("admin:")]


def password_login(client, nip: str, **extra):
    return client.post(reverse("login"), {"username": nip, "password": TEST_PASSWORD}, **extra)


def test_admins_evaluators_leaders_staff_and_superusers_need_it_agents_and_asn_do_not(province):
    for person in (province.admin, province.evaluator, province.leader_a):
        assert requires_second_factor(person.user)
    for person in (province.agent_a, province.asn_a):
        assert not requires_second_factor(person.user)
    assert requires_second_factor(UserFactory(is_superuser=True))
    assert requires_second_factor(UserFactory(is_staff=True))


@pytest.mark.parametrize("who", ["admin", "evaluator", "leader_a"])
def test_every_page_and_the_django_admin_send_an_unverified_privileged_user_to_enrolment(
    client, province, who
):
    client.force_login(getattr(province, who).user, second_factor=False)
    names = page_names()
    assert len(names) > 20
    for name in names:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("mfa_enrol")), name
    for url in ("/admin/", "/admin/berakhlak/user/", f"/pegawai/{province.asn_a.nip}/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("mfa_enrol")), url
    htmx = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].startswith(reverse("mfa_enrol"))


def test_a_superuser_needs_it_for_the_django_admin_and_gets_in_with_it(client):
    boss = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(boss, second_factor=False)
    assert client.get("/admin/").url.startswith(reverse("mfa_enrol"))
    client.force_login(boss)
    assert client.get("/admin/").status_code == 200


def test_change_agents_and_asn_keep_password_login(client, province):
    for person in (province.agent_a, province.asn_a):
        client.post(reverse("logout"))
        assert password_login(client, person.nip).status_code == 302
        assert client.get(reverse("home")).status_code == 200
        assert not TOTPDevice.objects.filter(user=person.user).exists()


def test_enrolment_at_first_login_shows_recovery_codes_once(client, province):
    user = province.evaluator.user
    password_login(client, province.evaluator.nip)
    home = client.get(reverse("home"))
    assert home.url == f"{reverse('mfa_enrol')}?next=%2F"
    page = client.get(home.url)
    body = page.content.decode()
    assert "<svg" in body and 'data-testid="totp-secret"' in body
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert second_factor.totp_secret(device) in body
    assert (
        client.get(home.url).content.decode().count(second_factor.totp_secret(device)) == 1
    )  # the same secret on reload
    wrong = client.post(reverse("mfa_enrol"), {"code": "000000", "next": "/"})
    assert wrong.status_code == 400 and "Kode salah" in wrong.content.decode()
    done = client.post(reverse("mfa_enrol"), {"code": code_for(device), "next": "/"})
    assert done.status_code == 200 and done["Cache-Control"] == "no-store"
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == second_factor.RECOVERY_CODES
    shown = done.content.decode()
    codes = sorted(set(re.findall(r"\b[a-z2-9]{4}-[a-z2-9]{4}\b", shown)))
    assert stored <= {second_factor.recovery_code_stored(c) for c in codes}  # each one shown
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("mfa_enrol")).status_code == 302  # enrolled: no second enrolment
    security = client.get(reverse("account_security")).content.decode()
    assert codes[0] not in security and "aktif" in security
    created = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(TOTPDevice))
    assert created.filter(actor=user).exists()


def test_login_asks_for_the_code_and_goes_on_to_the_page_asked_for(client, province):
    device = device_for(province.admin.user)
    password_login(client, province.admin.nip)
    asked = client.get(reverse("role_list"))
    assert asked.url == f"{reverse('mfa_verify')}?next=%2Fperan%2F"
    wrong = client.post(reverse("mfa_verify"), {"code": "123456", "next": "/peran/"})
    assert wrong.status_code == 400 and "Kode salah" in wrong.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    right = client.post(reverse("mfa_verify"), {"code": code_for(device), "next": "/peran/"})
    assert right.url == "/peran/"
    assert client.get(reverse("role_list")).status_code == 200
    offsite = client.get(reverse("mfa_verify"), {"next": "https://evil.example/"})
    assert offsite.url == "/"  # never sent to another site
    client.post(reverse("logout"))
    password_login(client, province.admin.nip)
    assert (
        client.get(reverse("mfa_enrol"), {"next": "/peran/"}).url
        == f"{reverse('mfa_verify')}?next=%2Fperan%2F"
    )


def test_a_recovery_code_works_once(client, province):
    user = province.leader_a.user
    device_for(user)
    code = second_factor.recovery_codes_renew(user=user)[0]
    password_login(client, province.leader_a.nip)
    response = client.post(reverse("mfa_verify"), {"code": code.upper(), "next": "/"}, follow=True)
    assert response.status_code == 200 and "kode pemulihan" in response.content.decode()
    assert StaticToken.objects.filter(device__user=user).count() == second_factor.RECOVERY_CODES - 1
    client.post(reverse("logout"))
    password_login(client, province.leader_a.nip)
    again = client.post(reverse("mfa_verify"), {"code": code, "next": "/"})
    assert again.status_code == 400
    assert client.get(reverse("home")).url.startswith(reverse("mfa_verify"))


def test_wrong_codes_lock_the_code_step_like_the_password_step(client, province, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the lockout alone, not the device's own delays
    admin = province.admin
    device = device_for(admin.user)
    password_login(client, admin.nip, REMOTE_ADDR="10.0.0.9")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("mfa_verify"), {"code": "000000", "next": "/"}, REMOTE_ADDR="10.0.0.9"
        )
    assert response.status_code == 429
    assert "coba lagi setelah 15 menit" in response.content.decode()
    assert client.get(reverse("home"), REMOTE_ADDR="10.0.0.9").url.startswith(reverse("login"))
    # A correct password does not reset the code step's counter, nor does a correct code pass.
    password_login(client, admin.nip, REMOTE_ADDR="10.0.0.9")
    locked = client.post(
        reverse("mfa_verify"), {"code": code_for(device), "next": "/"}, REMOTE_ADDR="10.0.0.9"
    )
    assert locked.status_code == 429
    assert client.get(reverse("home"), REMOTE_ADDR="10.0.0.9").url.startswith(reverse("login"))


def test_the_device_doubles_its_delay_after_a_wrong_code(client, province):
    device = device_for(province.admin.user)
    password_login(client, province.admin.nip)
    client.post(reverse("mfa_verify"), {"code": "000000", "next": "/"})
    too_fast = client.post(reverse("mfa_verify"), {"code": code_for(device), "next": "/"})
    assert too_fast.status_code == 400 and "Tunggu beberapa detik" in too_fast.content.decode()


def test_another_admin_resets_the_second_factor_audited_and_the_sessions_end(client, province):
    from tests.second_factor import VerifiedClient

    evaluator = province.evaluator
    device_for(evaluator.user)
    second_factor.recovery_codes_renew(user=evaluator.user)
    theirs = VerifiedClient()
    theirs.force_login(evaluator.user)
    assert theirs.get(reverse("home")).status_code == 200
    client.force_login(province.admin.user)
    page = client.get(reverse("employee_detail", args=[evaluator.nip])).content.decode()
    assert "Atur ulang verifikasi dua langkah" in page
    response = client.post(reverse("employee_second_factor_reset", args=[evaluator.nip]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=evaluator.user).exists()
    assert not StaticDevice.objects.filter(user=evaluator.user).exists()
    deleted = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(TOTPDevice), action=LogEntry.Action.DELETE
    )
    assert deleted.actor == province.admin.user
    assert theirs.get(reverse("home")).url.startswith(reverse("login"))
    # Nobody resets their own: that would undo the second factor with the password alone.
    own = client.post(reverse("employee_second_factor_reset", args=[province.admin.nip]))
    assert own.status_code == 404
    client.force_login(province.leader_a.user)
    assert (
        client.post(reverse("employee_second_factor_reset", args=[evaluator.nip])).status_code
        == 404
    )


def test_new_recovery_codes_replace_the_old_ones(client, province):
    user = province.admin.user
    old = second_factor.recovery_codes_renew(user=user)
    client.force_login(user)
    response = client.post(reverse("account_security"))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    tokens = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(tokens) == second_factor.RECOVERY_CODES
    assert not {c.replace("-", "") for c in old} & tokens


def test_the_django_admin_shows_no_secret_or_recovery_code(client):
    boss = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(boss)
    index = client.get("/admin/").content.decode()
    assert "otp_totp" not in index and "otp_static" not in index
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_recovery_codes_are_kept_only_as_a_keyed_hash(client, province, settings):
    """A copy of the database (read here with raw SQL) holds no code that gets past the step."""
    from django.db import connection

    user = province.leader_a.user
    device_for(user)
    codes = second_factor.recovery_codes_renew(user=user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM otp_static_statictoken")
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert all(c.replace("-", "") not in stored for c in codes)
    # Typing a stored value is no code either.
    password_login(client, province.leader_a.nip)
    assert (
        client.post(reverse("mfa_verify"), {"code": stored.split()[0], "next": "/"}).status_code
        == 400
    )
    # After a key rotation (the old key kept as a fallback) the codes still work.
    StaticDevice.objects.filter(user=user).update(throttling_failure_count=0)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    response = client.post(reverse("mfa_verify"), {"code": codes[1], "next": "/"})
    assert response.status_code == 302


def test_the_migration_hashes_recovery_codes_kept_in_clear(province):
    import importlib

    from django.apps import apps

    user = province.leader_a.user
    device = StaticDevice.objects.create(
        user=user, name=second_factor.RECOVERY_NAME, confirmed=True
    )
    StaticToken.objects.create(device=device, token="abcd2345")
    importlib.import_module("berakhlak.migrations.0005_recovery_codes_hashed").hash_codes(
        apps, None
    )
    importlib.import_module("berakhlak.migrations.0005_recovery_codes_hashed").hash_codes(
        apps, None
    )
    token = StaticToken.objects.get(device=device).token
    assert token == second_factor.recovery_code_stored("abcd2345") and len(token) == 16
    assert (
        second_factor.second_factor_check(user=user, token="abcd-2345")[0] is second_factor.Check.OK
    )
