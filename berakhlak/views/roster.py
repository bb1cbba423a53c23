"""Placeholder, being written."""
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


roster_import_start = roster_template = roster_import_detail = _todo
