"""List filters for the organisation pages (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from berakhlak.models import Agency, AsnType, Employee, Role, RoleGrant
from berakhlak.nip import nip_normalise


class EmployeeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Cari"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Nama atau NIP"), "type": "search"}),
    )
    agency = django_filters.ModelChoiceFilter(
        label=_("Unit kerja"), queryset=Agency.objects.none(), empty_label=_("Semua unit")
    )
    asn_type = django_filters.ChoiceFilter(
        label=_("Jenis ASN"), choices=AsnType.choices, empty_label=_("Semua jenis")
    )
    active = django_filters.BooleanFilter(
        label=_("Status"),
        widget=forms.Select(
            choices=[("", _("Semua")), ("true", _("Aktif")), ("false", _("Nonaktif"))]
        ),
    )

    class Meta:
        model = Employee
        fields = ["q", "agency", "asn_type", "active"]

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["agency"].queryset = (
            agencies if agencies is not None else Agency.objects.none()
        )
        for field in self.form.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def search(self, queryset, name, value):
        value = value.strip()
        digits = nip_normalise(value)
        if digits.isdigit():
            return queryset.filter(nip__startswith=digits)
        return queryset.filter(Q(name__icontains=value) | Q(position__icontains=value))


class AgencyFilter(django_filters.FilterSet):
    """The agency list's search box (?q=): a name or a code, in part."""

    q = django_filters.CharFilter(method="search")

    class Meta:
        model = Agency
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class RoleGrantFilter(django_filters.FilterSet):
    """The role list's select (?peran=); a value that is not a role is ignored."""

    peran = django_filters.ChoiceFilter(field_name="role", choices=Role.choices)

    class Meta:
        model = RoleGrant
        fields = ["peran"]


def chosen(filterset: django_filters.FilterSet, name: str, default=""):
    """The valid value of one filter (``default`` when absent or not valid)."""
    filterset.is_valid()
    return filterset.form.cleaned_data.get(name) or default
