"""List filters of the forum pages (django-filter, as berakhlak.filters): the query string of the
threads, the library and the members. A value that is not one of the forum's own (another
forum's category, an agency outside the forum) is ignored, as an empty filter."""

from __future__ import annotations

import django_filters

from forums import selectors
from forums.models import Forum, Membership, Practice, Thread


def _words(queryset, name, value):
    # The words go to forums.selectors.search, which ranks threads and practices together.
    return queryset


class ThreadFilter(django_filters.FilterSet):
    kategori = django_filters.ModelChoiceFilter(field_name="category", queryset=None)
    q = django_filters.CharFilter(method=_words)

    class Meta:
        model = Thread
        fields = ["kategori", "q"]

    def __init__(self, data=None, *, forum: Forum, **kwargs):
        super().__init__(data, **kwargs)
        self.filters["kategori"].queryset = forum.categories.all()


class PracticeFilter(django_filters.FilterSet):
    nilai = django_filters.CharFilter(field_name="values__code", distinct=True)
    unit = django_filters.ModelChoiceFilter(field_name="agency", queryset=None)
    q = django_filters.CharFilter(method=_words)

    class Meta:
        model = Practice
        fields = ["nilai", "unit", "q"]

    def __init__(self, data=None, *, forum: Forum, **kwargs):
        super().__init__(data, **kwargs)
        self.filters["unit"].queryset = selectors.member_agencies(forum)


class MemberFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(field_name="agency", queryset=None)

    class Meta:
        model = Membership
        fields = ["unit"]

    def __init__(self, data=None, *, forum: Forum, **kwargs):
        super().__init__(data, **kwargs)
        self.filters["unit"].queryset = selectors.member_agencies(forum)


def chosen(filterset: django_filters.FilterSet, name: str, default=None):
    """The valid value of one filter (``default`` when absent or not valid)."""
    filterset.is_valid()
    return filterset.form.cleaned_data.get(name) or default
