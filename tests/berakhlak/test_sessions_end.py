"""Ending sessions (ASVS 7.4.2, 7.4.5): an admin ends a user's sessions, deactivating an employee on
the page or by a roster import ends them, and a later reactivation does not bring them back."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from berakhlak.models import Employee
from berakhlak.roster.services import roster_plan_from_file
from berakhlak.roster.writer import roster_apply
from tests.berakhlak.roster_files import employee, nip, workbook_bytes
from tests.factories import TEST_PASSWORD
from tests.second_factor import VerifiedClient

pytestmark = pytest.mark.django_db


def logged_in(user, n: int = 2) -> list[VerifiedClient]:
    """The user logged in on n devices."""
    clients = []
    for _ in range(n):
        c = VerifiedClient()
        c.force_login(user)
        assert c.get(reverse("home")).status_code == 200
        clients.append(c)
    return clients


def logged_out(c) -> bool:
    response = c.get(reverse("home"))
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_admin_ends_every_session_of_a_user_audited(client, province):
    target = province.leader_a
    devices = logged_in(target.user)
    client.force_login(province.admin.user)
    page = client.get(reverse("employee_detail", args=[target.nip])).content.decode()
    assert "Akhiri semua sesi" in page
    response = client.post(reverse("employee_sessions_end", args=[target.nip]), follow=True)
    assert "Semua sesi Kepala Dinkes telah diakhiri" in response.content.decode()
    assert all(logged_out(c) for c in devices)
    assert client.get(reverse("home")).status_code == 200  # the admin's own session goes on
    entry = LogEntry.objects.get_for_object(target.user).filter(actor=province.admin.user).get()
    assert entry.changes_dict["session_generation"] == ["0", "1"]
    # They log in again as usual.
    again = VerifiedClient()
    assert (
        again.post(
            reverse("login"), {"username": target.nip, "password": TEST_PASSWORD}
        ).status_code
        == 302
    )


def test_only_an_admin_in_scope_ends_sessions_and_not_their_own(client, province):
    client.force_login(province.admin.user)
    assert (
        client.post(reverse("employee_sessions_end", args=[province.admin.nip])).status_code == 404
    )
    client.force_login(province.leader_a.user)
    assert (
        client.post(reverse("employee_sessions_end", args=[province.asn_a.nip])).status_code == 404
    )
    assert client.get(reverse("home")).status_code == 200


def test_deactivating_an_employee_ends_their_sessions_and_reactivating_does_not_revive_them(
    client, province
):
    target = province.asn_a
    devices = logged_in(target.user)
    client.force_login(province.admin.user)
    url = reverse("employee_active_set", args=[target.nip])
    response = client.post(url, {"active": "0"}, follow=True)
    assert "dinonaktifkan; semua sesinya diakhiri" in response.content.decode()
    target.refresh_from_db()
    assert not target.active and not target.user.is_active
    client.post(url, {"active": "1"})
    target.refresh_from_db()
    assert target.active and target.user.is_active
    assert all(logged_out(c) for c in devices)
    assert (
        client.post(
            reverse("employee_active_set", args=[province.admin.nip]), {"active": "0"}
        ).status_code
        == 404
    )


def test_a_roster_import_that_deactivates_employees_ends_their_sessions():
    roster_apply(
        roster_plan_from_file(workbook_bytes(employees=[employee(1), employee(2)])),
        deactivate_missing=False,
    )
    stays, leaves = (Employee.objects.get(nip=nip(n, year=1970)) for n in (1, 2))
    stays_device, leaves_device = logged_in(stays.user, 1)[0], logged_in(leaves.user, 1)[0]
    roster_apply(
        roster_plan_from_file(workbook_bytes(employees=[employee(1)])), deactivate_missing=True
    )
    assert logged_out(leaves_device)
    assert stays_device.get(reverse("home")).status_code == 200
    # Back in a later file: active again, the old session still ended.
    roster_apply(
        roster_plan_from_file(workbook_bytes(employees=[employee(1), employee(2)])),
        deactivate_missing=False,
    )
    leaves.refresh_from_db()
    assert leaves.active and leaves.user.is_active
    assert logged_out(leaves_device)


def test_deactivating_in_the_django_admin_ends_the_sessions_too(client, province):
    target = province.agent_a
    (device,) = logged_in(target.user, 1)
    admin = province.admin.user
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = client.get(reverse("admin:berakhlak_employee_change", args=[target.pk]))
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"user": target.user_id, "agency": target.agency_id, "active": ""})
    data.pop("active")
    response = client.post(reverse("admin:berakhlak_employee_change", args=[target.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert not target.active and not target.user.is_active
    assert logged_out(device)
