"""Placeholder, being written."""
from django.http import Http404


def values_catalog(request):
    raise Http404
