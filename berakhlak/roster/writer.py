"""Apply a valid roster plan in one transaction, with bulk writes (tens of thousands of rows)."""

from __future__ import annotations

import secrets

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.db.models import F

from berakhlak.models import Agency, Employee, User
from berakhlak.roster.planner import CHANGED, NEW, RosterPlan
from berakhlak.services import agency_paths_rebuild

BATCH = 2000


class PlanNotValid(Exception):
    pass


def _unusable_password() -> str:
    # Imported employees get a password only when an admin resets it; until then none works.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(24)


def _apply_units(plan: RosterPlan) -> None:
    new_units = [unit for unit in plan.units if unit.change == NEW]
    Agency.objects.bulk_create(
        [Agency(code=unit.code, name=unit.name, kind=unit.kind, active=True) for unit in new_units],
        batch_size=BATCH,
    )
    id_of = {code.upper(): pk for pk, code in Agency.objects.values_list("id", "code")}
    touched = [
        Agency(
            id=id_of[unit.code],
            name=unit.name,
            kind=unit.kind,
            active=True,
            parent_id=id_of[unit.parent_code] if unit.parent_code else None,
        )
        for unit in plan.units
        if unit.change in (NEW, CHANGED)
    ]
    Agency.objects.bulk_update(touched, ["name", "kind", "parent", "active"], batch_size=BATCH)
    agency_paths_rebuild()


def _apply_employees(plan: RosterPlan, deactivate_missing: bool) -> None:
    id_of = {code.upper(): pk for pk, code in Agency.objects.values_list("id", "code")}
    new_rows = [row for row in plan.employees if row.change == NEW]
    taken = dict(
        User.objects.filter(username__in=[row.nip for row in new_rows]).values_list(
            "username", "id"
        )
    )
    User.objects.bulk_create(
        [
            User(username=row.nip, email=row.email, password=_unusable_password())
            for row in new_rows
            if row.nip not in taken
        ],
        batch_size=BATCH,
    )
    user_of = dict(
        User.objects.filter(username__in=[row.nip for row in new_rows]).values_list(
            "username", "id"
        )
    )
    Employee.objects.bulk_create(
        [
            Employee(
                user_id=user_of[row.nip],
                nip=row.nip,
                name=row.name,
                asn_type=row.asn_type,
                position=row.position,
                agency_id=id_of[row.unit_code],
                email=row.email,
                active=True,
            )
            for row in new_rows
        ],
        batch_size=BATCH,
    )
    changed = [row for row in plan.employees if row.change == CHANGED]
    Employee.objects.bulk_update(
        [
            Employee(
                id=row.existing_id,
                name=row.name,
                asn_type=row.asn_type,
                position=row.position,
                agency_id=id_of[row.unit_code],
                email=row.email,
                active=True,
            )
            for row in changed
        ],
        ["name", "asn_type", "position", "agency", "email", "active"],
        batch_size=BATCH,
    )
    User.objects.bulk_update(
        [User(id=row.user_id, email=row.email, is_active=True) for row in changed],
        ["email", "is_active"],
        batch_size=BATCH,
    )
    if deactivate_missing and plan.missing:
        nips = [row["nip"] for row in plan.missing]
        for start in range(0, len(nips), BATCH):
            chunk = nips[start : start + BATCH]
            Employee.objects.filter(nip__in=chunk).update(active=False)
            # Their sessions end too (berakhlak.services.user_sessions_end, in bulk).
            User.objects.filter(employee__nip__in=chunk).update(
                is_active=False, session_generation=F("session_generation") + 1
            )


@transaction.atomic
def roster_apply(plan: RosterPlan, *, deactivate_missing: bool) -> dict[str, int]:
    """Write the plan; refuses a plan with problems. Returns the counts applied."""
    if not plan.ok:
        raise PlanNotValid(f"{len(plan.problems)} problems")
    _apply_units(plan)
    _apply_employees(plan, deactivate_missing)
    counts = plan.counts()
    counts["employees_deactivated"] = len(plan.missing) if deactivate_missing else 0
    return counts
