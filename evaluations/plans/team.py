"""The agency's culture team (its SK and members) and its roadmaps: the writes of the team page.

Each service checks that `by` may edit the agency's team (a change agent, leader or admin whose
scope holds the agency) and raises `Refused` with the reason the page shows
(docs/ARCHITECTURE.md §2, "Refusals").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from berakhlak.audit import records_actor
from berakhlak.models import Agency, CoreValue, Employee, Role, User
from berakhlak.permissions import ALLOWED, Decision, in_scope
from berakhlak.refusals import Refused, require
from evaluations.plans.models import CultureTeam, CultureTeamMember, Roadmap, RoadmapYear, TeamRole

EDITORS = (Role.CHANGE_AGENT, Role.LEADER, Role.ADMIN)


def can_edit_team(user: User, agency: Agency) -> Decision:
    if in_scope(user, agency, EDITORS):
        return ALLOWED
    return Decision(False, _("Hanya agen perubahan, pimpinan unit ini atau admin."))


def _team(agency: Agency) -> CultureTeam:
    team, _created = CultureTeam.objects.get_or_create(agency=agency)
    return team


@records_actor()
@transaction.atomic
def team_sk_save(
    *, agency: Agency, by: User, sk_number: str, sk_date: dt.date | None
) -> CultureTeam:
    require(can_edit_team(by, agency))
    team = _team(agency)
    team.sk_number, team.sk_date = sk_number, sk_date
    team.save()
    return team


@records_actor()
@transaction.atomic
def team_member_set(*, agency: Agency, by: User, nip: str, role: str) -> CultureTeamMember:
    """Add a member of the agency (or a unit below it) by NIP, or change their role; one leader."""
    require(can_edit_team(by, agency))
    nip = "".join(nip.split())
    employee = Employee.objects.filter(nip=nip, agency__path__startswith=agency.path).first()
    if employee is None or role not in TeamRole.values:
        raise Refused(_("Pegawai dengan NIP itu tidak ada di unit ini."))
    team = CultureTeam.objects.select_for_update().filter(pk=_team(agency).pk).get()
    other_leader = team.members.filter(role=TeamRole.LEADER).exclude(employee=employee)
    if role == TeamRole.LEADER and other_leader.exists():
        raise Refused(_("Tim sudah memiliki ketua; ubah dulu peran ketua yang lama."))
    member, _created = CultureTeamMember.objects.update_or_create(
        team=team, employee=employee, defaults={"role": role}
    )
    return member


@records_actor()
def team_member_remove(*, agency: Agency, by: User, member_id: int) -> None:
    require(can_edit_team(by, agency))
    CultureTeamMember.objects.filter(team__agency=agency, pk=member_id).delete()


@records_actor()
@transaction.atomic
def roadmap_create(*, agency: Agency, by: User, **fields) -> Roadmap:
    """A roadmap over start_year..end_year with one (empty) row per year."""
    require(can_edit_team(by, agency))
    roadmap = Roadmap.objects.create(agency=agency, **fields)
    RoadmapYear.objects.bulk_create(
        RoadmapYear(roadmap=roadmap, year=year)
        for year in range(roadmap.start_year, roadmap.end_year + 1)
    )
    return roadmap


@records_actor()
@transaction.atomic
def roadmap_year_save(
    *, agency: Agency, by: User, year: RoadmapYear, milestones: str, focus: Iterable[str]
) -> RoadmapYear:
    require(can_edit_team(by, agency))
    if year.roadmap.agency_id != agency.pk:
        raise Refused(_("Tahun itu bukan bagian dari peta jalan unit ini."))
    year.milestones = milestones.strip()
    year.save(update_fields=["milestones"])
    year.focus_values.set(CoreValue.objects.filter(code__in=list(focus)))
    return year
