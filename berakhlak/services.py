"""Writes for the organisation domain: agency paths, accounts, role grants."""

from __future__ import annotations

import secrets
import string

from django.db import transaction

from berakhlak.audit import records_actor
from berakhlak.models import Agency, AgencyKind, Employee, RoleGrant, User, path_segment

_PASSWORD_ALPHABET = string.ascii_letters + string.digits


def agency_paths_rebuild() -> int:
    """Recompute ``path`` and ``depth`` of every agency from the parent links; returns rows changed.

    One read of (id, parent) for the whole tree and one bulk update of the rows that changed, so
    it stays cheap for tens of thousands of agencies. Callers guarantee the tree has no cycle.
    """
    rows = {
        pk: (parent_id, path, depth)
        for pk, parent_id, path, depth in Agency.objects.values_list(
            "id", "parent_id", "path", "depth"
        )
    }
    computed: dict[int, tuple[str, int]] = {}

    def resolve(pk: int) -> tuple[str, int]:
        chain = []
        current = pk
        while current is not None and current not in computed:
            chain.append(current)
            current = rows[current][0]
        base_path, base_depth = computed[current] if current is not None else ("/", -1)
        for node in reversed(chain):
            base_path, base_depth = base_path + path_segment(node), base_depth + 1
            computed[node] = (base_path, base_depth)
        return computed[pk]

    changed = []
    for pk, (_parent, old_path, old_depth) in rows.items():
        path, depth = resolve(pk)
        if (path, depth) != (old_path, old_depth):
            changed.append(Agency(id=pk, path=path, depth=depth))
    Agency.objects.bulk_update(changed, ["path", "depth"], batch_size=2000)
    return len(changed)


def temporary_password() -> str:
    """A one-time password an admin hands over; the user must change it at first login."""
    groups = ["".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3)]
    return "-".join(groups)


@transaction.atomic
def employee_password_reset(*, employee: Employee) -> str:
    """Give the employee a temporary password and force a change at next login; returns it."""
    password = temporary_password()
    user = employee.user
    user.set_password(password)
    user.must_change_password = True
    user.is_active = employee.active
    user.save(update_fields=["password", "must_change_password", "is_active"])
    return password


@records_actor("by")
@transaction.atomic
def user_sessions_end(*, user: User, by: User | None) -> None:
    """End every session of the account, on every device: the next request of each finds its
    session hash stale and is logged out (User.get_session_auth_hash). The audit log records the
    change of `session_generation` with its actor."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.session_generation += 1
    locked.save(update_fields=["session_generation"])
    user.session_generation = locked.session_generation


@records_actor("by")
@transaction.atomic
def employee_active_set(*, employee: Employee, active: bool, by: User | None) -> Employee:
    """Activate or deactivate an employee and their account; deactivation ends their sessions."""
    employee.active = active
    employee.save(update_fields=["active", "updated_at"])
    user = employee.user
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        user_sessions_end(user=user, by=by)
    return employee


def user_password_changed(*, user: User) -> None:
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])


@records_actor("granted_by")
@transaction.atomic
def role_grant_create(
    *, user: User, role: str, agency: Agency, granted_by: User | None
) -> RoleGrant:
    grant, _created = RoleGrant.objects.get_or_create(
        user=user, role=role, agency=agency, defaults={"granted_by": granted_by}
    )
    return grant


@transaction.atomic
@records_actor()
def role_grant_revoke(*, grant: RoleGrant, by: User | None = None) -> None:
    grant.delete()


def province_root_ensure() -> Agency | None:
    """A fresh installation's top unit from settings (PROVINCE_CODE, PROVINCE_NAME), made once when
    no top unit exists; returns it, or None when no code is set or a top unit is already there.
    Run after every `migrate` (berakhlak/apps.py); docs/ARCHITECTURE.md, "A fresh installation"."""
    from django.conf import settings
    from django.db import connection

    code = settings.PROVINCE_CODE.strip().upper()
    if not code or Agency._meta.db_table not in connection.introspection.table_names():
        return None  # no code, or migrated back to zero
    if Agency.objects.filter(parent__isnull=True).exists():
        return None
    root, _created = Agency.objects.get_or_create(
        code=code, defaults={"name": settings.PROVINCE_NAME, "kind": AgencyKind.PROVINSI}
    )
    agency_paths_rebuild()
    root.refresh_from_db()
    return root
