"""protect_table: primary, the top-down pass, the audit with repair, the kinds
(docs/ARCHITECTURE.md §7.3)."""

from __future__ import annotations

from dataclasses import dataclass, field

from reports.suppression.audit import Leak, TreeAudit
from reports.suppression.kinds import KindAudit
from reports.suppression.pattern import PRIMARY, LocalPass, Pattern, pick
from reports.suppression.reasons import complementary_reason, group_minimum, primary_reason
from reports.suppression.table import Table, Tree


@dataclass
class Suppression:
    """The groups to hide, each with the reason a suppressed figure gives.

    Keys: ("S", agency id, asn type or "") for subtree groups (leaves too; the province is the
    root's), ("K", kind) for agency kinds. Empty groups are never listed."""

    hidden: dict[tuple, str]
    minimum: int
    primary: int = 0
    complementary: int = 0
    complementary_by_audit: int = 0  # of the complementary: hidden by the audit's repairs
    kinds_by_audit: int = 0  # kinds hidden because published kinds would leak
    relations_examined: int = 0
    stats: dict[str, int] = field(default_factory=dict)


def _choose(leak: Leak, tree: Tree, minimum: int) -> tuple[int, int]:
    """The cell that breaks the leak: never the province total while anything else works; the
    cheapest that makes up the leak's deficit alone, else the largest (pattern.pick)."""
    if not leak.candidates:  # a cut always has a published group on its boundary
        raise RuntimeError(f"suppression found a leak it cannot break: {leak!r}")
    candidates = [c for c in leak.candidates if (0, 0) not in tree.labels(c[1], c[2])]
    return pick(tree, candidates or leak.candidates, minimum - leak.size, minimum)


def protect_table(table: Table, min_group: int) -> Suppression:
    """Groups to suppress in one count table, each with the reason; deterministic."""
    minimum = group_minimum(min_group)
    tree = Tree(table)
    pattern = Pattern(tree, minimum)
    pattern.hide_primary()
    local = LocalPass(pattern)
    local.seed()
    local.run()
    audit = TreeAudit(pattern)
    repairs = 0
    while (leak := audit.find_leak()) is not None:
        i, j = _choose(leak, tree, minimum)
        start = len(pattern.changed)
        pattern.hide(i, j)
        repairs += 1
        for cell in pattern.changed[start:]:
            local.push_cell(*cell)
        local.run()
    kinds = KindAudit(pattern)
    kinds_hidden = kinds.decide()
    primary, complementary = primary_reason(minimum), complementary_reason(minimum)
    hidden: dict[tuple, str] = {}
    counts = {PRIMARY: 0, "complementary": 0}
    for (i, j), why in sorted(pattern.why.items()):
        hidden[tree.key(i, j)] = primary if why == PRIMARY else complementary
        counts[why] += 1
    for kind, why in sorted(pattern.kinds.items()):
        hidden[("K", kind)] = primary if why == PRIMARY else complementary
        counts[why] += 1
    return Suppression(
        hidden=hidden,
        minimum=minimum,
        primary=counts[PRIMARY],
        complementary=counts["complementary"],
        complementary_by_audit=repairs,
        kinds_by_audit=kinds_hidden,
        relations_examined=local.examined,
        stats={
            "agencies": len(tree),
            "groups": sum(bin(mask).count("1") for mask in tree.nonempty)
            + sum(1 for size in tree.kind_size.values() if size),
            "audit_computations": audit.computed,
            "kind_search_nodes": kinds.searched,
        },
    )
