"""The dashboard's list filters (django-filter, as berakhlak.filters): the query string of the
level below the focus.

The level is read from stored figures (reports.selectors.pages.level_page), not from a queryset
of this set: its form parses and validates ?jenis_asn=, ?jenis_unit= and ?cari=, and the
selector applies them in its figure query (docs/ARCHITECTURE.md §8). A value that is not a
choice is ignored, as an empty filter.
"""

from __future__ import annotations

import django_filters

from berakhlak.models import AgencyKind, AsnType
from evaluations.models import RoundAgency

SEARCH_LENGTH = 80


class DashboardFilter(django_filters.FilterSet):
    jenis_asn = django_filters.ChoiceFilter(choices=AsnType.choices, method="in_figures")
    jenis_unit = django_filters.ChoiceFilter(choices=AgencyKind.choices, method="in_figures")
    cari = django_filters.CharFilter(method="in_figures")

    class Meta:
        model = RoundAgency
        fields = ["jenis_asn", "jenis_unit", "cari"]

    def in_figures(self, queryset, name, value):
        # Applied by level_page to the figure rows (a breakdown, a kind, words), see above.
        return queryset

    def chosen(self) -> dict[str, str]:
        """The valid filters as the dashboard's Page takes them ("" for none)."""
        self.is_valid()
        data = self.form.cleaned_data
        return {
            "asn_type": data.get("jenis_asn") or "",
            "agency_kind": data.get("jenis_unit") or "",
            "search": (data.get("cari") or "")[:SEARCH_LENGTH],
        }
