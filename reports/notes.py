"""Why a figure has no value (or no band): stored as a code with its numbers, translated when
shown, so a run computed in one language reads right in the other (docs/ARCHITECTURE.md §7.4).

Codes: `EMPTY` (no answers), `NO_ROSTER` (roster of 0), `NO_LKE` (no agency of the scope has an
LKE in the round), `LKE_PENDING:<assessed>:<expected>` (the scope's LKE coverage is incomplete:
no institutional index, no composite, no band), and the suppression codes `SMALL:<minimum>` and
`PROTECT:<minimum>` (reports.suppression.reasons). Runs stored before codes hold the text itself,
which is shown as it is.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.suppression.reasons import (
    COMPLEMENTARY_CODE,
    PRIMARY_CODE,
    complementary_text,
    primary_text,
)

EMPTY = "EMPTY"
NO_ROSTER = "NO_ROSTER"
NO_LKE = "NO_LKE"
LKE_PENDING = "LKE_PENDING"


def lke_pending(assessed: int, expected: int) -> str:
    return f"{LKE_PENDING}:{assessed}:{expected}"


def coverage_text(assessed: int, expected: int) -> str:
    """The words every display uses for an incomplete LKE coverage."""
    return ngettext(
        "LKE dinilai %(k)s dari %(m)s unit", "LKE dinilai %(k)s dari %(m)s unit", expected
    ) % {"k": assessed, "m": expected}


def _numbers(parts: list[str]) -> list[int] | None:
    try:
        return [int(p) for p in parts]
    except ValueError:
        return None


def note_text(reason: str) -> str:
    """The stored reason of a figure as the active language says it ("" for none)."""
    if not reason:
        return ""
    code, *rest = reason.split(":")
    numbers = _numbers(rest)
    if numbers is None:
        return reason
    if code == EMPTY and not numbers:
        return _("belum ada jawaban")
    if code == NO_ROSTER and not numbers:
        return _("jumlah pegawai 0")
    if code == NO_LKE and not numbers:
        return _("tidak ada LKE di cakupan ini")
    if code == LKE_PENDING and len(numbers) == 2:
        return coverage_text(*numbers)
    if code == PRIMARY_CODE and len(numbers) == 1:
        return primary_text(numbers[0])
    if code == COMPLEMENTARY_CODE and len(numbers) == 1:
        return complementary_text(numbers[0])
    return reason
