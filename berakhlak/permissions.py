"""Who may do what in the organisation domain: one place, answers allowed or denied-with-reason.

Roles are granted over an agency subtree (RoleGrant). A superuser counts as an admin of every
agency. Nothing here ever grants access to individual survey answers: no such permission exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from berakhlak.models import Agency, Employee, Role, RoleGrant, User

VIEW_AGENCY_ROLES = (Role.ADMIN, Role.LEADER, Role.CHANGE_AGENT, Role.EVALUATOR)
VIEW_ROSTER_ROLES = (Role.ADMIN, Role.LEADER, Role.CHANGE_AGENT)
# Accounts that must log in with a second factor (OWASP ASVS 5.0 6.3.3), besides superusers and
# staff (the Django admin). Change agents and ASN keep password login.
SECOND_FACTOR_ROLES = (Role.ADMIN, Role.EVALUATOR, Role.LEADER)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def _deny(reason) -> Decision:
    return Decision(False, str(reason))


def grants_of(user: User) -> list[tuple[str, str, int]]:
    """(role, agency path, agency id) for each grant, cached on the user object per request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_grant_cache", None)
    if cached is None:
        cached = list(
            RoleGrant.objects.filter(user=user, agency__active=True).values_list(
                "role", "agency__path", "agency_id"
            )
        )
        user._grant_cache = cached
    return cached


def role_paths(user: User, roles) -> list[str]:
    return [path for role, path, _id in grants_of(user) if role in roles]


def has_role(user: User, role: str) -> bool:
    if user.is_authenticated and user.is_superuser and role == Role.ADMIN:
        return True
    return any(r == role for r, _p, _i in grants_of(user))


def roles_of(user: User) -> set[str]:
    roles = {role for role, _p, _i in grants_of(user)}
    if user.is_authenticated and user.is_superuser:
        roles.add(Role.ADMIN)
    return roles


def in_scope(user: User, agency: Agency, roles) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser and Role.ADMIN in roles:
        return True
    return any(agency.path.startswith(path) for path in role_paths(user, roles))


def is_province_admin(user: User) -> bool:
    """An admin whose grant covers a whole tree (granted at a root agency)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(role == Role.ADMIN and path.count("/") == 2 for role, path, _i in grants_of(user))


def requires_second_factor(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return any(role in SECOND_FACTOR_ROLES for role, _p, _i in grants_of(user))


def can_view_agency(user: User, agency: Agency) -> Decision:
    if in_scope(user, agency, VIEW_AGENCY_ROLES):
        return ALLOWED
    return _deny(_("Unit kerja ini di luar cakupan peran Anda."))


def can_view_roster(user: User, agency: Agency) -> Decision:
    if in_scope(user, agency, VIEW_ROSTER_ROLES):
        return ALLOWED
    return _deny(_("Daftar pegawai hanya untuk admin, pimpinan dan agen perubahan unit ini."))


def can_manage_employee(user: User, employee: Employee) -> Decision:
    if in_scope(user, employee.agency, (Role.ADMIN,)):
        return ALLOWED
    return _deny(_("Hanya Admin Biro Organisasi yang dapat mengelola akun pegawai."))


def can_import_roster(user: User) -> Decision:
    if is_province_admin(user):
        return ALLOWED
    return _deny(_("Impor data pegawai hanya untuk Admin Biro Organisasi tingkat provinsi."))


def can_manage_roles(user: User, agency: Agency | None = None) -> Decision:
    if agency is None:
        allowed = has_role(user, Role.ADMIN)
    else:
        allowed = in_scope(user, agency, (Role.ADMIN,))
    if allowed:
        return ALLOWED
    return _deny(
        _("Hanya Admin Biro Organisasi yang dapat memberi atau mencabut peran di unit ini.")
    )


def can_grant_role(user: User, target: User, agency: Agency) -> Decision:
    if target.pk == user.pk:
        return _deny(_("Anda tidak dapat memberi peran kepada diri sendiri."))
    return can_manage_roles(user, agency)


def can_end_sessions(user: User, employee: Employee) -> Decision:
    if employee.user_id == user.pk:
        return _deny(_("Sesi Anda sendiri berakhir saat Anda keluar."))
    return can_manage_employee(user, employee)


def can_reset_second_factor(user: User, employee: Employee) -> Decision:
    if employee.user_id == user.pk:
        return _deny(
            _("Verifikasi dua langkah Anda sendiri hanya dapat diatur ulang oleh admin lain.")
        )
    return can_manage_employee(user, employee)


def can_set_employee_active(user: User, employee: Employee) -> Decision:
    if employee.user_id == user.pk:
        return _deny(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    return can_manage_employee(user, employee)
