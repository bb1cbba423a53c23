"""Scoped reads for the organisation domain. Anything outside the user's scope is a 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from berakhlak import permissions
from berakhlak.models import Agency, CoreValue, Employee, Role, RoleGrant, RosterImport, User
from berakhlak.roster.planner import FIELD_LABELS


def _subtree_q(user: User, roles, field: str = "path") -> Q | None:
    """A Q matching every agency under the user's grants for these roles; None means all."""
    if user.is_authenticated and user.is_superuser and Role.ADMIN in roles:
        return None
    paths = permissions.role_paths(user, roles)
    if not paths:
        return Q(pk__in=[])
    query = Q()
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


def agencies_for_user(user: User, roles=permissions.VIEW_AGENCY_ROLES) -> QuerySet[Agency]:
    query = _subtree_q(user, roles)
    agencies = Agency.objects.all()
    return agencies if query is None else agencies.filter(query)


def get_agency_for_user(user: User, code: str, roles=permissions.VIEW_AGENCY_ROLES) -> Agency:
    agency = agencies_for_user(user, roles).filter(code=code).select_related("parent").first()
    if agency is None:
        raise Http404
    return agency


def employees_for_user(user: User, roles=permissions.VIEW_ROSTER_ROLES) -> QuerySet[Employee]:
    query = _subtree_q(user, roles, "agency__path")
    employees = Employee.objects.select_related("agency", "user")
    return employees if query is None else employees.filter(query)


def get_employee_for_user(user: User, nip: str, roles=permissions.VIEW_ROSTER_ROLES) -> Employee:
    employee = employees_for_user(user, roles).filter(nip=nip).first()
    if employee is None:
        raise Http404
    return employee


def role_grants_for_user(user: User) -> QuerySet[RoleGrant]:
    query = _subtree_q(user, (Role.ADMIN,), "agency__path")
    grants = RoleGrant.objects.select_related("agency", "user__employee", "granted_by")
    return grants if query is None else grants.filter(query)


def get_role_grant_for_user(user: User, pk: int) -> RoleGrant:
    grant = role_grants_for_user(user).filter(pk=pk).first()
    if grant is None:
        raise Http404
    return grant


def roster_imports_for_user(user: User) -> QuerySet[RosterImport]:
    if not permissions.can_import_roster(user):
        return RosterImport.objects.none()
    return RosterImport.objects.select_related("uploaded_by")


def get_roster_import_for_user(user: User, pk) -> RosterImport:
    found = roster_imports_for_user(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def roster_import_summary(record: RosterImport) -> dict:
    """The preview of an import as its page shows it: the counts, each new or changed row with
    its fields' labels (before -> after), how many changes in all, the hidden rows and how many
    people absent from the file are listed (docs/ARCHITECTURE.md §2.1)."""
    summary = record.summary
    counts = summary.get("counts", {})
    changed = ("units_new", "units_changed", "employees_new", "employees_changed")
    return {
        "counts": counts,
        "changes": [
            {**row, "fields": [(FIELD_LABELS.get(f, f), old, new) for f, old, new in row["fields"]]}
            for row in summary.get("changes", [])
        ],
        "changes_total": sum(counts.get(key, 0) for key in changed),
        "hidden_rows": summary.get("hidden_rows", {}),
        "missing_shown_negative": -len(summary.get("missing", [])),
    }


def core_values() -> QuerySet[CoreValue]:
    return CoreValue.objects.prefetch_related("guides")


def own_employee(user: User) -> Employee | None:
    if not user.is_authenticated:
        return None
    return Employee.objects.select_related("agency").filter(user=user).first()


def role_grants_on_agency(agency: Agency) -> QuerySet[RoleGrant]:
    """Who holds a role exactly on this agency (names and roles are not confidential)."""
    return RoleGrant.objects.filter(agency=agency).select_related("user__employee").order_by("role")
