from __future__ import annotations

from django.conf import settings

from berakhlak import permissions


def site(request) -> dict:
    user = request.user
    return {
        "PROVINCE_NAME": settings.PROVINCE_NAME,
        "user_roles": permissions.roles_of(user) if user.is_authenticated else set(),
    }
