"""Organisation pages: agencies, employees, role grants. Every object through a scoped selector."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from berakhlak import permissions, second_factor, selectors, services
from berakhlak.filters import AgencyFilter, EmployeeFilter, RoleGrantFilter, chosen
from berakhlak.models import AsnType, Employee, Role
from berakhlak.nip import nip_normalise


@login_required
def agency_list(request):
    agencies = selectors.agencies_for_user(request.user)
    if not permissions.roles_of(request.user):
        raise Http404
    filtered = AgencyFilter(request.GET, queryset=agencies)
    query = chosen(filtered, "q")
    agencies = filtered.qs.annotate(
        employee_count=Count("employees", filter=Q(employees__active=True))
    ).order_by("path")
    rows = list(agencies)
    min_depth = min((a.depth for a in rows), default=0)
    for agency in rows:
        agency.indent = min(agency.depth - min_depth, 4)
    template = "org/agency_list.html#rows" if request.htmx else "org/agency_list.html"
    return render(request, template, {"agencies": rows, "query": query})


@login_required
def agency_detail(request, code):
    agency = selectors.get_agency_for_user(request.user, code)
    subtree = selectors.agencies_for_user(request.user).filter(path__startswith=agency.path)
    employees = Employee.objects.filter(agency__in=subtree, active=True)
    by_type = dict(employees.values_list("asn_type").annotate(n=Count("id")))
    context = {
        "agency": agency,
        # The breadcrumb links the parent only inside the reader's scope (else its page is a 404).
        "parent_visible": agency.parent_id is not None
        and selectors.agencies_for_user(request.user).filter(pk=agency.parent_id).exists(),
        "children": agency.children.order_by("name").annotate(
            employee_count=Count("employees", filter=Q(employees__active=True))
        ),
        "employee_total": sum(by_type.values()),
        "by_type": [(label, by_type.get(value, 0)) for value, label in AsnType.choices],
        "role_holders": selectors.role_grants_on_agency(agency),
        "can_view_roster": permissions.can_view_roster(request.user, agency),
        "can_manage_roles": permissions.can_manage_roles(request.user, agency),
    }
    return render(request, "org/agency_detail.html", context)


@login_required
def employee_list(request):
    if not permissions.roles_of(request.user) & set(permissions.VIEW_ROSTER_ROLES):
        raise Http404
    employees = selectors.employees_for_user(request.user).order_by("agency__path", "name")
    agencies = selectors.agencies_for_user(request.user, permissions.VIEW_ROSTER_ROLES).order_by(
        "path"
    )
    filterset = EmployeeFilter(request.GET or None, queryset=employees, agencies=agencies)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"filter": filterset, "page": page, "params": params.urlencode()}
    template = "org/employee_list.html#results" if request.htmx else "org/employee_list.html"
    return render(request, template, context)


@login_required
def employee_detail(request, nip):
    employee = selectors.get_employee_for_user(request.user, nip_normalise(nip))
    user = request.user
    context = {
        "employee": employee,
        "grants": employee.user.role_grants.select_related("agency").order_by("role"),
        "can_manage": permissions.can_manage_employee(user, employee),
        "can_end_sessions": permissions.can_end_sessions(user, employee),
        "can_set_active": permissions.can_set_employee_active(user, employee),
        "can_reset_second_factor": permissions.can_reset_second_factor(user, employee),
        "second_factor_required": permissions.requires_second_factor(employee.user),
        "has_second_factor": second_factor.has_second_factor(employee.user),
    }
    return render(request, "org/employee_detail.html", context)


@login_required
@require_POST
def employee_sessions_end(request, nip):
    employee = selectors.get_employee_for_user(request.user, nip_normalise(nip))
    if not permissions.can_end_sessions(request.user, employee):
        raise Http404
    services.user_sessions_end(user=employee.user, by=request.user)
    messages.success(request, _("Semua sesi %(name)s telah diakhiri.") % {"name": employee.name})
    return redirect("employee_detail", employee.nip)


@login_required
@require_POST
def employee_active_set(request, nip):
    employee = selectors.get_employee_for_user(request.user, nip_normalise(nip))
    if not permissions.can_set_employee_active(request.user, employee):
        raise Http404
    active = request.POST.get("active") == "1"
    services.employee_active_set(employee=employee, active=active, by=request.user)
    if active:
        messages.success(request, _("%(name)s aktif kembali.") % {"name": employee.name})
    else:
        messages.success(
            request,
            _("%(name)s dinonaktifkan; semua sesinya diakhiri.") % {"name": employee.name},
        )
    return redirect("employee_detail", employee.nip)


@login_required
@require_POST
def employee_password_reset(request, nip):
    employee = selectors.get_employee_for_user(request.user, nip_normalise(nip))
    decision = permissions.can_manage_employee(request.user, employee)
    if not decision:
        raise Http404
    password = services.employee_password_reset(employee=employee)
    context = {"employee": employee, "temporary_password": password}
    response = render(request, "org/password_reset_done.html", context)
    response["Cache-Control"] = "no-store"
    return response


class RoleGrantForm(forms.Form):
    nip = forms.CharField(label=gettext_lazy("NIP pegawai"), max_length=40)
    # No default: the admin must choose (a preselected "Admin" is one slip from a superuser grant)
    role = forms.ChoiceField(
        label=gettext_lazy("Peran"),
        choices=[("", gettext_lazy("— pilih peran —")), *Role.choices],
        error_messages={"required": gettext_lazy("Pilih peran yang diberikan.")},
    )
    agency = forms.CharField(label=gettext_lazy("Kode unit kerja"), max_length=32)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "role" else "form-control"

    def clean(self):
        data = super().clean()
        nip, code = data.get("nip"), data.get("agency")
        if nip:
            employee = (
                Employee.objects.select_related("user").filter(nip=nip_normalise(nip)).first()
            )
            if employee is None:
                self.add_error("nip", _("Pegawai dengan NIP ini tidak ditemukan."))
            data["employee"] = employee
        if code:
            agency = (
                selectors.agencies_for_user(self.user, (Role.ADMIN,))
                .filter(code=code.strip())
                .first()
            )
            if agency is None:
                self.add_error("agency", _("Unit kerja ini tidak ada atau di luar cakupan Anda."))
            data["agency_obj"] = agency
        if data.get("employee") and data.get("agency_obj"):
            decision = permissions.can_grant_role(
                self.user, data["employee"].user, data["agency_obj"]
            )
            if not decision:
                raise forms.ValidationError(decision.reason)
        return data


@login_required
def role_list(request):
    if not permissions.can_manage_roles(request.user):
        raise Http404
    form = RoleGrantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.role_grant_create(
            user=data["employee"].user,
            role=data["role"],
            agency=data["agency_obj"],
            granted_by=request.user,
        )
        messages.success(
            request,
            _("Peran %(role)s diberikan kepada %(name)s di %(agency)s.")
            % {
                "role": Role(data["role"]).label,
                "name": data["employee"].name,
                "agency": data["agency_obj"].name,
            },
        )
        return redirect("role_list")
    grants = selectors.role_grants_for_user(request.user).order_by("agency__path", "role")
    filtered = RoleGrantFilter(request.GET, queryset=grants)
    role = chosen(filtered, "peran")
    page = Paginator(filtered.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "org/role_list.html",
        {"form": form, "page": page, "roles": Role.choices, "role": role},
    )


@login_required
@require_POST
def role_revoke(request, pk):
    grant = selectors.get_role_grant_for_user(request.user, pk)
    decision = permissions.can_grant_role(request.user, grant.user, grant.agency)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("role_list")
    services.role_grant_revoke(grant=grant, by=request.user)
    messages.success(request, _("Peran telah dicabut."))
    return redirect("role_list")
