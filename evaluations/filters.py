"""List filters of the evaluations pages (django-filter): the LKE audit trail and the evaluator's
review queue. The parameter names are the pages' addresses (?kriteria=1.1, ?status=SUBMITTED)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from berakhlak.models import User
from evaluations.models import (
    Assessment,
    AssessmentEvent,
    AssessmentStatus,
    Component,
    EventKind,
    RoundAgency,
)


class AuditFilter(django_filters.FilterSet):
    """The trail's filter; the parameter names are the page's address (?kriteria=1.1)."""

    komponen = django_filters.ChoiceFilter(
        label=gettext_lazy("Komponen"),
        field_name="assessment__criterion__component_id",
        empty_label=gettext_lazy("Semua komponen"),
    )
    kriteria = django_filters.ChoiceFilter(
        label=gettext_lazy("Kriteria"),
        field_name="assessment__criterion__code",
        empty_label=gettext_lazy("Semua kriteria"),
    )
    jenis = django_filters.ChoiceFilter(
        label=gettext_lazy("Jenis peristiwa"),
        field_name="kind",
        choices=EventKind.choices,
        empty_label=gettext_lazy("Semua peristiwa"),
    )
    oleh = django_filters.ChoiceFilter(
        label=gettext_lazy("Oleh"), field_name="actor_id", empty_label=gettext_lazy("Semua orang")
    )
    dari = django_filters.DateFilter(
        label=gettext_lazy("Dari tanggal"),
        field_name="at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sampai = django_filters.DateFilter(
        label=gettext_lazy("Sampai tanggal"),
        field_name="at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, data, queryset, *, round_agency: RoundAgency):
        super().__init__(data, queryset=queryset)
        worksheet_id = getattr(getattr(round_agency.round, "worksheet", None), "pk", None)
        self.filters["komponen"].extra["choices"] = [
            (str(c.pk), str(c))
            for c in Component.objects.filter(worksheet_id=worksheet_id).order_by("order")
        ]
        codes = (
            Assessment.objects.filter(round_agency=round_agency)
            .order_by("criterion__component__order", "criterion__order")
            .values_list("criterion__code", flat=True)
        )
        self.filters["kriteria"].extra["choices"] = [(code, code) for code in codes]
        people = User.objects.filter(pk__in=queryset.order_by().values("actor_id")).select_related(
            "employee"
        )
        self.filters["oleh"].extra["choices"] = sorted(
            ((str(u.pk), u.display_name()) for u in people), key=lambda choice: choice[1]
        )
        for form_field in self.form.fields.values():
            is_select = isinstance(form_field.widget, forms.Select)
            form_field.widget.attrs["class"] = (
                "form-select form-select-sm" if is_select else "form-control form-control-sm"
            )

    def filtered(self) -> QuerySet[AssessmentEvent]:
        """The events the valid filters select; an invalid filter is shown with its error on the
        form and filters nothing (the page never hides rows behind input it could not read)."""
        self.form.is_valid()
        return self.qs


class WholeNumberFilter(django_filters.NumberFilter):
    """A number filter that reads whole numbers only ("1.5" or "-1" is no id and filters nothing)."""

    field_class = forms.IntegerField


class ReviewQueueFilter(django_filters.FilterSet):
    """The review queue's filter; a value it cannot read filters nothing, as the page always did."""

    status = django_filters.ChoiceFilter(field_name="status", choices=AssessmentStatus.choices)
    komponen = WholeNumberFilter(field_name="criterion__component__order", min_value=0)
    unit = WholeNumberFilter(field_name="round_agency_id", min_value=0)

    def values(self) -> dict[str, str]:
        """What was asked, as typed, for the page's own select boxes."""
        return {name: self.data.get(name, "") for name in self.filters}
