"""Organisation pages: owner, member and outsider for every view; role grants; password reset."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from berakhlak.models import Role, RoleGrant

pytestmark = pytest.mark.django_db


def login(client, employee):
    client.force_login(employee.user)
    return client


def test_agency_list_shows_only_the_scope(client, province):
    login(client, province.leader_a)
    page = client.get(reverse("agency_list")).content.decode()
    assert "Dinas Kesehatan" in page and "UPTD Laboratorium" in page
    assert "Dinas Pendidikan" not in page
    login(client, province.admin)
    page = client.get(reverse("agency_list")).content.decode()
    assert "Dinas Pendidikan" in page and "Dinas Kesehatan" in page


def test_agency_list_is_404_for_a_plain_employee(client, province):
    login(client, province.asn_a)
    assert client.get(reverse("agency_list")).status_code == 404


def test_agency_list_search_answers_htmx_with_rows_only(client, province):
    login(client, province.admin)
    response = client.get(reverse("agency_list"), {"q": "pendidikan"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Dinas Pendidikan" in body and "Dinas Kesehatan" not in body
    assert "<html" not in body


@pytest.mark.parametrize(
    ("person", "code", "status"),
    [
        ("leader_a", "DINKES", 200),  # owner
        ("leader_a", "UPTD-LAB", 200),  # subtree
        ("agent_a", "DINKES", 200),  # member
        ("evaluator", "DINKES", 200),
        ("leader_b", "DINKES", 404),  # outsider
        ("asn_a", "DINKES", 404),
        ("admin", "DISDIK", 200),
        ("leader_a", "NOPE", 404),
    ],
)
def test_agency_detail_scope(client, province, person, code, status):
    login(client, getattr(province, person))
    assert client.get(reverse("agency_detail", args=[code])).status_code == status


def test_breadcrumb_links_only_the_parents_in_scope(client, province):
    """A leader of DINKES sees the province's name but no link to its page (a 404 for them);
    from the unit below, the link to DINKES is theirs to follow."""
    login(client, province.leader_a)
    page = client.get(reverse("agency_detail", args=["DINKES"])).content.decode()
    root = reverse("agency_detail", args=[province.root.code])
    assert province.root.name in page and f'href="{root}"' not in page
    lab = client.get(reverse("agency_detail", args=["UPTD-LAB"])).content.decode()
    dinkes = reverse("agency_detail", args=["DINKES"])
    assert f'href="{dinkes}"' in lab and client.get(dinkes).status_code == 200
    login(client, province.admin)
    assert f'href="{root}"' in client.get(dinkes).content.decode()


def test_agency_detail_counts_the_subtree(client, province):
    login(client, province.leader_a)
    page = client.get(reverse("agency_detail", args=["DINKES"])).content.decode()
    assert "Kepala Dinkes" in page  # role holders are named
    assert "UPTD Laboratorium" in page


@pytest.mark.parametrize(
    ("person", "target", "status"),
    [
        ("admin", "asn_b", 200),
        ("leader_a", "asn_unit", 200),
        ("agent_a", "asn_a", 200),
        ("leader_a", "asn_b", 404),
        ("agent_b", "asn_a", 404),
        ("evaluator", "asn_a", 404),  # evaluators score evidence, they do not browse the roster
        ("asn_a", "asn_a", 404),
    ],
)
def test_employee_detail_scope(client, province, person, target, status):
    login(client, getattr(province, person))
    nip = getattr(province, target).nip
    assert client.get(reverse("employee_detail", args=[nip])).status_code == status


def test_employee_list_filters_by_name_and_by_nip_with_spaces(client, province):
    login(client, province.admin)
    page = client.get(reverse("employee_list"), {"q": "Disdik"}).content.decode()
    assert "ASN Disdik" in page and "ASN Dinkes" not in page
    nip = province.asn_a.nip
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    page = client.get(reverse("employee_list"), {"q": spaced}).content.decode()
    assert "ASN Dinkes" in page and "ASN Disdik" not in page


def test_employee_list_is_scoped(client, province):
    login(client, province.agent_a)
    page = client.get(reverse("employee_list")).content.decode()
    assert "ASN Dinkes" in page and "ASN Lab" in page
    assert "ASN Disdik" not in page
    # Filtering on another agency's id shows nothing of it.
    page = client.get(reverse("employee_list"), {"agency": province.agency_b.pk}).content.decode()
    assert "ASN Disdik" not in page
    for person in (province.asn_a, province.evaluator):
        login(client, person)
        assert client.get(reverse("employee_list")).status_code == 404


def test_password_reset_by_admin_shows_the_password_once_and_forces_a_change(client, province):
    login(client, province.admin)
    url = reverse("employee_password_reset", args=[province.asn_a.nip])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = response.context["temporary_password"]
    user = province.asn_a.user
    user.refresh_from_db()
    assert user.must_change_password and user.check_password(password)
    client.logout()
    assert (
        client.post(
            reverse("login"), {"username": province.asn_a.nip, "password": password}
        ).status_code
        == 302
    )
    assert client.get(reverse("home")).url == reverse("password_change")


@pytest.mark.parametrize("person", ["leader_a", "agent_a", "asn_a", "leader_b"])
def test_password_reset_refused_to_non_admins(client, province, person):
    login(client, getattr(province, person))
    url = reverse("employee_password_reset", args=[province.asn_a.nip])
    assert client.post(url).status_code == 404


def test_role_list_only_for_admins(client, province):
    for person in (province.leader_a, province.agent_a, province.asn_a, province.evaluator):
        login(client, person)
        assert client.get(reverse("role_list")).status_code == 404
    login(client, province.admin)
    page = client.get(reverse("role_list")).content.decode()
    assert "Kepala Dinkes" in page and "Kepala Disdik" in page


def test_admin_grants_a_role_and_it_is_audited(client, province):
    login(client, province.admin)
    data = {"nip": province.asn_a.nip, "role": Role.CHANGE_AGENT, "agency": "DINKES"}
    response = client.post(reverse("role_list"), data)
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=province.asn_a.user, role=Role.CHANGE_AGENT)
    assert grant.granted_by == province.admin.user
    entry = LogEntry.objects.get_for_object(grant).get()
    assert entry.actor == province.admin.user
    client.post(reverse("role_revoke", args=[grant.pk]))
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert LogEntry.objects.filter(object_pk=str(grant.pk), action=LogEntry.Action.DELETE).exists()


def test_grant_outside_scope_is_refused_and_keeps_input(client, province):
    sub_admin = province.agent_a  # make an admin of agency A only
    RoleGrant.objects.create(user=sub_admin.user, role=Role.ADMIN, agency=province.agency_a)
    login(client, sub_admin)
    data = {"nip": province.asn_b.nip, "role": Role.LEADER, "agency": "DISDIK"}
    response = client.post(reverse("role_list"), data)
    assert response.status_code == 200
    assert "di luar cakupan" in response.content.decode()
    assert response.context["form"]["nip"].value() == province.asn_b.nip
    assert not RoleGrant.objects.filter(user=province.asn_b.user, role=Role.LEADER).exists()
    other = RoleGrant.objects.get(user=province.leader_b.user)
    assert client.post(reverse("role_revoke", args=[other.pk])).status_code == 404


def test_nobody_grants_themselves_a_role(client, province):
    login(client, province.admin)
    data = {"nip": province.admin.nip, "role": Role.LEADER, "agency": "DINKES"}
    response = client.post(reverse("role_list"), data)
    assert "diri sendiri" in response.content.decode()
    assert not RoleGrant.objects.filter(user=province.admin.user, role=Role.LEADER).exists()


def test_unknown_nip_gets_a_clear_error(client, province):
    login(client, province.admin)
    data = {"nip": "199001012015011999", "role": Role.LEADER, "agency": "DINKES"}
    response = client.post(reverse("role_list"), data)
    assert "tidak ditemukan" in response.content.decode()


def test_the_grant_form_has_no_default_role(client, province):
    login(client, province.admin)
    page = client.get(reverse("role_list"))
    assert page.context["form"]["role"].value() in (None, "")
    html = page.content.decode()
    assert '<option value="" selected>— pilih peran —</option>' in html
    response = client.post(reverse("role_list"), {"nip": province.asn_a.nip, "agency": "DINKES"})
    assert (
        response.status_code == 200 and "Pilih peran yang diberikan." in response.content.decode()
    )
    assert not RoleGrant.objects.filter(user=province.asn_a.user).exists()
