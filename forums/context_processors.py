"""The navbar's count of unread forum notifications (lazy: pages without the menu never count)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from forums import inbox


def forum_notices(request) -> dict:
    user = request.user
    return {"forum_unread": SimpleLazyObject(lambda: inbox.unread_count(user))}
