"""Placeholder, being written."""
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


agency_list = agency_detail = employee_list = employee_detail = employee_password_reset = _todo
role_list = role_revoke = _todo
