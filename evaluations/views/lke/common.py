"""Helpers shared by the LKE views."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def error_messages(error: ValidationError) -> list[str]:
    return list(error.messages)


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
