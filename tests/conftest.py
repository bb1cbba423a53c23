"""Shared fixtures: a small province with one person per role, plus browser helpers."""

from __future__ import annotations

import os
import warnings

import pytest

from berakhlak.models import AgencyKind, Role, User
from tests.factories import TEST_PASSWORD, AgencyFactory, EmployeeFactory, grant
from tests.second_factor import VerifiedClient, code_for, device_for, needs_second_factor

pytest_plugins = ["tests.celery_worker"]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases; after this process's last test, before they are dropped,
    every other session still connected to them is named in a warning (it would keep the
    database from being dropped): which process (settings_test's application_name), its state
    and the last statement it ran."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, backend_start, left(query, 300) "
            "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        left = cursor.fetchall()
    for pid, name, state, started, query in left:
        warnings.warn(
            f"session {pid} ({name!r}, {state}, since {started:%H:%M:%S}) is still connected "
            f"to the test database; its last statement: {query}",
            stacklevel=1,
        )


@pytest.fixture
def client():
    """Django's test client; `force_login` also verifies the second factor of an account that
    needs one (tests/second_factor.py), as a whole login would."""
    return VerifiedClient()


@pytest.fixture
def province(db):
    """Province root with two OPDs (one with a UPTD) and a person for each role.

    ``owner`` names people of agency A, ``outsider`` people of agency B.
    """
    root = AgencyFactory(code="PROV", name="Pemerintah Provinsi Uji", kind=AgencyKind.PROVINSI)
    agency_a = AgencyFactory(code="DINKES", name="Dinas Kesehatan", parent=root)
    unit_a = AgencyFactory(
        code="UPTD-LAB", name="UPTD Laboratorium", kind=AgencyKind.UPTD, parent=agency_a
    )
    agency_b = AgencyFactory(code="DISDIK", name="Dinas Pendidikan", parent=root)
    biro = AgencyFactory(code="BIRO-ORG", name="Biro Organisasi", kind=AgencyKind.BIRO, parent=root)

    admin = EmployeeFactory(agency=biro, name="Admin Biro")
    grant(admin.user, Role.ADMIN, root)
    leader_a = EmployeeFactory(agency=agency_a, name="Kepala Dinkes")
    grant(leader_a.user, Role.LEADER, agency_a)
    agent_a = EmployeeFactory(agency=agency_a, name="Agen Dinkes")
    grant(agent_a.user, Role.CHANGE_AGENT, agency_a)
    evaluator = EmployeeFactory(agency=biro, name="Evaluator Biro")
    grant(evaluator.user, Role.EVALUATOR, agency_a)
    asn_a = EmployeeFactory(agency=agency_a, name="ASN Dinkes")
    asn_unit = EmployeeFactory(agency=unit_a, name="ASN Lab")
    leader_b = EmployeeFactory(agency=agency_b, name="Kepala Disdik")
    grant(leader_b.user, Role.LEADER, agency_b)
    agent_b = EmployeeFactory(agency=agency_b, name="Agen Disdik")
    grant(agent_b.user, Role.CHANGE_AGENT, agency_b)
    asn_b = EmployeeFactory(agency=agency_b, name="ASN Disdik")

    class Province:
        pass

    p = Province()
    p.root, p.agency_a, p.unit_a, p.agency_b, p.biro = root, agency_a, unit_a, agency_b, biro
    p.admin, p.leader_a, p.agent_a, p.evaluator = admin, leader_a, agent_a, evaluator
    p.asn_a, p.asn_unit, p.leader_b, p.agent_b, p.asn_b = asn_a, asn_unit, leader_b, agent_b, asn_b
    return p


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, with the flags it needs as root on a machine with a closed network."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM}: apt-get install -y chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
        ],
    }


def browser_login(page, live_server, username: str, password: str = TEST_PASSWORD) -> None:
    """Log in through the real login form, and the code step for an account that needs one (with
    an authenticator enrolled for it here when it has none)."""
    user = User.objects.filter(username=username).first()
    device = device_for(user) if user is not None and needs_second_factor(user) else None
    page.goto(f"{live_server.url}/akun/masuk/")
    page.get_by_label("NIP").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    if device is not None and "/akun/verifikasi/" in page.url:
        page.get_by_label("Kode").fill(code_for(device))
        page.get_by_role("button", name="Verifikasi").click()
        page.wait_for_load_state()
