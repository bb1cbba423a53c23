"""Demo data of the agenda perubahan, run by reports.demo once last year's round is published.

Dinas Kesehatan (the demo change agent's agency) gets its culture team and a 2025-2029 roadmap but
no plan: the demo users draft it themselves from the suggestions. Two other agencies get a plan
(one approved and under way, one still a draft) so that the Biro Organisasi's board is not empty.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from berakhlak.demo import DEMO_ACCOUNTS
from berakhlak.models import Agency, CoreValue, Employee, User
from evaluations.models import Round, RoundAgency
from evaluations.plans.models import (
    Action,
    ActionPlan,
    ActionStatus,
    CultureTeam,
    CultureTeamMember,
    PlanStatus,
    Roadmap,
    RoadmapYear,
    TeamRole,
)
from evaluations.plans.services import PUBLISHED, suggestions

ACCOUNTS = {account.key: account.nip for account in DEMO_ACCOUNTS}


@transaction.atomic
def plans_demo_prepare() -> list[str]:
    lines = []
    dinkes = Agency.objects.filter(code="DINKES").first()
    if dinkes is not None and not CultureTeam.objects.filter(agency=dinkes).exists():
        team = CultureTeam.objects.create(
            agency=dinkes, sk_number="800/123/DINKES/2025", sk_date=dt.date(2025, 2, 3)
        )
        for key, role in (("leader_agency", TeamRole.LEADER), ("agent", TeamRole.AGENT)):
            employee = Employee.objects.filter(nip=ACCOUNTS.get(key)).first()
            if employee:
                CultureTeamMember.objects.create(team=team, employee=employee, role=role)
        for employee in Employee.objects.filter(agency=dinkes, active=True).exclude(
            nip__in=ACCOUNTS.values()
        )[:3]:
            CultureTeamMember.objects.create(team=team, employee=employee, role=TeamRole.MEMBER)
        roadmap = Roadmap.objects.create(
            agency=dinkes, title="Peta Jalan Budaya Kerja BerAKHLAK", start_year=2025, end_year=2029
        )
        focus = {2025: ("BP", "AK"), 2026: ("AD",), 2027: ("KL",), 2028: ("KO",), 2029: ("HA",)}
        for year, codes in focus.items():
            row = RoadmapYear.objects.create(
                roadmap=roadmap,
                year=year,
                milestones="Rencana aksi disahkan dan dipantau tiap triwulan.",
            )
            row.focus_values.set(CoreValue.objects.filter(code__in=codes))
        lines.append("tim budaya kerja dan peta jalan Dinas Kesehatan dibuat")
    round = Round.objects.filter(status__in=PUBLISHED).order_by("-year").first()
    if round is None:
        return lines
    admin = User.objects.filter(username=ACCOUNTS.get("admin")).first()
    today = timezone.localdate()
    for code, approved in (("DISHUB", True), ("DISPERKIM", False)):
        round_agency = RoundAgency.objects.filter(round=round, code=code).first()
        if round_agency is None or ActionPlan.objects.filter(round_agency=round_agency).exists():
            continue
        plan = ActionPlan.objects.create(round_agency=round_agency, created_by=admin)
        for index, suggestion in enumerate(suggestions(round_agency)[:2]):
            Action.objects.create(
                plan=plan,
                value=suggestion.value,
                description=f"Penguatan nilai {suggestion.value.name}: coaching clinic dan pembiasaan",
                start_date=today - dt.timedelta(days=30),
                due_date=today + dt.timedelta(days=60 + 30 * index),
                target=f"Indeks {suggestion.value.name} naik satu kategori",
                status=ActionStatus.IN_PROGRESS if index == 0 else ActionStatus.PLANNED,
                progress=40 if index == 0 else 0,
            )
        if approved:
            plan.status, plan.approved_at = PlanStatus.APPROVED, timezone.now()
            plan.save(update_fields=["status", "approved_at"])
        lines.append(f"rencana aksi contoh {round_agency.name}")
    return lines
