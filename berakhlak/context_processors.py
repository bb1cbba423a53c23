from __future__ import annotations

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from berakhlak import permissions


def site(request) -> dict:
    user = request.user
    return {
        "PROVINCE_NAME": settings.PROVINCE_NAME,
        # Lazy: htmx fragments that never show the menu do not pay for the query.
        "user_roles": SimpleLazyObject(
            lambda: permissions.roles_of(user) if user.is_authenticated else set()
        ),
    }
