"""Members: admins nominate change agents by decree, end memberships; the directory by agency;
agencies without an active change agent are flagged to the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from berakhlak.refusals import Refused
from forums import permissions, services
from forums.models import Membership

pytestmark = pytest.mark.django_db


def test_admin_nominates_a_change_agent_for_the_agency_of_the_employee(client, province, f):
    client.force_login(province.admin.user)
    url = reverse("forums:members", args=[f.forum.slug])
    response = client.post(
        url,
        {
            "nip": province.asn_unit.nip,
            "sk_number": "061/0421/ORG/2024",
            "sk_date": "2024-10-01",
            "active_to": "2025-12-31",
            "role_model": "1",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(employee=province.asn_unit)
    assert membership.agency == province.agency_a  # the UPTD's OPD
    assert membership.active_from == dt.date(2024, 10, 1) and membership.active_to == dt.date(
        2025, 12, 31
    )
    assert membership.role_model and not membership.moderator
    assert LogEntry.objects.get_for_object(membership).exists()
    page = client.get(url).content.decode()
    assert province.asn_unit.name in page and "Teladan" in page


def test_nomination_is_refused_with_the_reason(client, province, f):
    client.force_login(province.admin.user)
    url = reverse("forums:members", args=[f.forum.slug])
    response = client.post(
        url, {"nip": "199001012020121999", "sk_number": "1", "sk_date": "2024-10-01"}
    )
    assert response.status_code == 400 and "Tidak ada pegawai aktif" in response.content.decode()
    response = client.post(
        url,
        {
            "nip": province.asn_a.nip,
            "sk_number": "1",
            "sk_date": "2024-10-01",
            "active_to": "2024-01-01",
        },
    )
    assert response.status_code == 400 and "sebelum tanggal mulai" in response.content.decode()
    assert province.asn_a.nip in response.content.decode()  # what was typed stays
    with pytest.raises(Refused):
        services.membership_nominate(
            forum=f.forum,
            by=province.agent_a.user,
            nip=province.asn_a.nip,
            sk_number="1",
            sk_date=dt.date(2024, 1, 1),
        )


def test_ending_a_membership_keeps_it_in_the_history(client, province, f):
    membership = Membership.objects.get(employee=province.agent_a)
    client.force_login(province.admin.user)
    client.post(
        reverse("forums:members", args=[f.forum.slug]), {"op": "end", "membership": membership.pk}
    )
    membership.refresh_from_db()
    assert membership.active_to is not None
    permissions.membership_cache_clear(province.agent_a.user)
    tomorrow = membership.active_to + dt.timedelta(days=1)
    assert not Membership.objects.active(tomorrow).filter(pk=membership.pk).exists()


def test_directory_by_agency(client, province, f):
    client.force_login(province.asn_a.user)
    assert client.get(reverse("forums:members", args=[f.forum.slug])).status_code == 404
    client.force_login(province.agent_a.user)
    url = reverse("forums:members", args=[f.forum.slug])

    def names(**query):
        return {m.employee.name for m in client.get(url, query).context["memberships"]}

    assert names() == {province.agent_a.name, province.agent_b.name, f.moderator.name}
    assert names(unit=province.agency_b.pk) == {province.agent_b.name, f.moderator.name}


def test_admin_sees_agencies_without_an_active_agent(client, province, f):
    client.force_login(province.admin.user)
    page = client.get(reverse("forums:members", args=[f.forum.slug])).content.decode()
    assert 'data-testid="uncovered"' in page and "Biro Organisasi" in page
    assert "Dinas Kesehatan," not in page.split('data-testid="uncovered"')[1].split("</div>")[0]
    client.force_login(province.agent_a.user)
    page = client.get(reverse("forums:members", args=[f.forum.slug])).content.decode()
    assert 'data-testid="uncovered"' not in page
