"""Which groups' figures may be published (docs/ARCHITECTURE.md §7.3).

Primary rule: no figure of answers for a group with fewer than the round's `min_group`
responses (never below 3). Complementary rule: no published figures may be combined into the
figure of fewer than `min_group` people. Each mean comes with its n, so a reader holds each
published group's sum and its size; sizes are public (the response board shows counts), only
sums are secret. Safety is exact: no nonzero 0/1 combination of atoms (an agency's own staff
by ASN type) with 1..min-1 responses lies in the linear span of the published groups.

`protect_table` runs a top-down pass with a worklist (reports.suppression.pattern), an exact
audit of the tree x ASN-type margins with repair (reports.suppression.audit), then decides the
agency kinds (reports.suppression.kinds). Comments (not yet collected) need
`min_comment_group` (default 10), see `comment_minimum`.
"""

from __future__ import annotations

from reports.suppression.engine import Suppression, protect_table
from reports.suppression.reasons import (
    ABSOLUTE_MINIMUM,
    COMMENT_MINIMUM,
    comment_minimum,
    complementary_reason,
    display_text,
    group_minimum,
    primary_reason,
)
from reports.suppression.table import Table

__all__ = [
    "ABSOLUTE_MINIMUM",
    "COMMENT_MINIMUM",
    "Suppression",
    "Table",
    "comment_minimum",
    "complementary_reason",
    "display_text",
    "group_minimum",
    "primary_reason",
    "protect_table",
]
