"""Helpers shared by the LKE views."""

from __future__ import annotations


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
