"""The minimum group sizes and the words a suppressed figure says (docs/ARCHITECTURE.md §7.3)."""

from __future__ import annotations

from django.utils.translation import gettext as _

ABSOLUTE_MINIMUM = 3
COMMENT_MINIMUM = 10


def group_minimum(min_group: int) -> int:
    """The round's minimum group size, never below 3."""
    return max(ABSOLUTE_MINIMUM, int(min_group or 0))


def comment_minimum(min_comment_group: int, min_group: int) -> int:
    """Comments of a group are shown from this many responses (the round's setting, default 10)."""
    return max(min_comment_group or COMMENT_MINIMUM, group_minimum(min_group))


# A hidden figure stores the code of its reason with the minimum; reports.notes translates it
# when shown (docs/ARCHITECTURE.md §7.4).
PRIMARY_CODE = "SMALL"
COMPLEMENTARY_CODE = "PROTECT"


def primary_reason(minimum: int) -> str:
    return f"{PRIMARY_CODE}:{minimum}"


def complementary_reason(minimum: int) -> str:
    return f"{COMPLEMENTARY_CODE}:{minimum}"


def primary_text(minimum: int) -> str:
    return _("kurang dari %(n)s responden") % {"n": minimum}


def complementary_text(minimum: int) -> str:
    return _(
        "melindungi kelompok kecil (kurang dari %(n)s responden) agar tidak terhitung dari selisih"
    ) % {"n": minimum}


def display_text(minimum: int) -> str:
    """What a suppressed cell says in every display."""
    return _("disembunyikan (kurang dari %(n)s responden)") % {"n": minimum}
