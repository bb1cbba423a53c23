"""Which groups' figures may be published (docs/ARCHITECTURE.md §7.3).

Primary rule: no figure of answers for a group with fewer than the round's `min_group` responses
(never below 3). Complementary rule: published figures must not be combinable into a figure of a
small group. Each mean comes with its n, so a reader holds each published group's *sum*, and sums
add up along the relations the figures obey:

    agency subtree  = the agency's own staff + each child's subtree
    any group       = its PNS + CPNS + PPPK + PPPK paruh waktu parts
    province        = the sum of its agency kinds;  an agency kind = its agencies' own staff

From these equations a reader can recover (a) the one hidden part of an equation whose other
members are known, (b) a hidden total whose parts are all known, and (c) the combined sum of all
the hidden parts of an equation whose total is known. `protect` computes everything recoverable
that way, chains of equations included, and hides one more group (the smallest that breaks the
leak) until nothing recoverable is a group of 1..min-1 responses. Response counts are public
(the response-rate board shows them), so only sums are treated as secret, and empty groups are
always "known".

Not covered: attacks solving several equations jointly when no single one has one unknown (a
full linear audit); the relations above rarely allow them. Comments (not yet collected) need
`min_comment_group` (default 10), see `comment_minimum`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

ABSOLUTE_MINIMUM = 3
COMMENT_MINIMUM = 10


def group_minimum(min_group: int) -> int:
    """The round's minimum group size, never below 3."""
    return max(ABSOLUTE_MINIMUM, int(min_group or 0))


def comment_minimum(min_comment_group: int, min_group: int) -> int:
    """Comments of a group are shown from this many responses (the round's setting, default 10)."""
    return max(min_comment_group or COMMENT_MINIMUM, group_minimum(min_group))


@dataclass(frozen=True)
class Relation:
    """total = sum(parts): an equation a reader can use on published sums."""

    total: Hashable
    parts: tuple[Hashable, ...]


def primary_reason(minimum: int) -> str:
    return _("kurang dari %(n)s responden") % {"n": minimum}


def complementary_reason(minimum: int) -> str:
    return _(
        "melindungi kelompok kecil (kurang dari %(n)s responden) agar tidak terhitung dari selisih"
    ) % {"n": minimum}


def display_text(minimum: int) -> str:
    """What a suppressed cell says in every display."""
    return _("disembunyikan (kurang dari %(n)s responden)") % {"n": minimum}


class _Audit:
    def __init__(
        self, sizes: Mapping[Hashable, int], relations: Sequence[Relation], minimum: int
    ) -> None:
        self.sizes = sizes
        self.relations = relations
        self.minimum = minimum

    def small(self, size: int) -> bool:
        return 0 < size < self.minimum

    def closure(self, hidden: set) -> tuple[set, dict]:
        """Groups a reader knows (published or recoverable) and the equation that gave each."""
        known = {g for g in self.sizes if g not in hidden or self.sizes[g] == 0}
        derived: dict = {}
        changed = True
        while changed:
            changed = False
            for index, relation in enumerate(self.relations):
                unknown = [p for p in relation.parts if p not in known]
                if relation.total in known and len(unknown) == 1:
                    known.add(unknown[0])
                    derived[unknown[0]] = index
                    changed = True
                elif relation.total not in known and not unknown:
                    known.add(relation.total)
                    derived[relation.total] = index
                    changed = True
        return known, derived

    def leak(self, hidden: set) -> tuple[Hashable | None, int] | None:
        """(recoverable small group or None for a combined leak, equation index), or None."""
        known, derived = self.closure(hidden)
        for group in sorted(derived, key=repr):
            if self.small(self.sizes[group]):
                return group, derived[group]
        for index, relation in enumerate(self.relations):
            if relation.total in known:
                combined = sum(self.sizes[p] for p in relation.parts if p not in known)
                if self.small(combined):
                    return None, index
        return None

    def support(self, leak: tuple[Hashable | None, int], hidden: set) -> list[Hashable]:
        """Published groups whose hiding may stop the leak: the members of its equation, then
        of the equations that made its other members recoverable; smallest first."""
        group, index = leak
        _known, derived = self.closure(hidden)
        found: set = set()
        queue, seen = [index], {index}
        while queue:
            relation = self.relations[queue.pop(0)]
            for member in (*relation.parts, relation.total):
                if member == group or self.sizes[member] == 0:
                    continue
                if member not in hidden:
                    found.add(member)
                elif member in derived and derived[member] not in seen:
                    seen.add(derived[member])
                    queue.append(derived[member])
        return sorted(found, key=lambda g: (self.sizes[g], repr(g)))

    def still_leaks(self, leak: tuple[Hashable | None, int], hidden: set) -> bool:
        group, index = leak
        known, _derived = self.closure(hidden)
        if group is not None:
            return group in known
        relation = self.relations[index]
        if relation.total not in known:
            return False
        return self.small(sum(self.sizes[p] for p in relation.parts if p not in known))

    def fix(self, leak: tuple[Hashable | None, int], hidden: set, protected: set) -> Hashable:
        """The group to hide next: the smallest that closes the leak on its own, else the
        smallest that narrows it (the next round then looks one equation further). Protected
        groups (the province total) are hidden only when nothing else can close the leak."""
        candidates = self.support(leak, hidden)
        ordinary = [g for g in candidates if g not in protected]
        for group in ordinary:
            if not self.still_leaks(leak, hidden | {group}):
                return group
        if ordinary:
            return ordinary[0]
        for group in candidates:
            if not self.still_leaks(leak, hidden | {group}):
                return group
        if candidates:
            return candidates[0]
        raise RuntimeError(f"suppression cannot close a leak at {leak!r}")


def protect(
    sizes: Mapping[Hashable, int],
    relations: Iterable[Relation],
    min_group: int,
    *,
    protected: Iterable[Hashable] = (),
) -> dict[Hashable, str]:
    """Groups to suppress, each with the reason; deterministic for the same input.

    `sizes` maps every group (published or not yet) to its number of responses; `relations`
    are the equations their sums obey; `protected` groups are hidden for others only as the
    last resort.
    """
    protected = set(protected)
    minimum = group_minimum(min_group)
    audit = _Audit(sizes, list(relations), minimum)
    reasons = {g: primary_reason(minimum) for g, size in sizes.items() if audit.small(size)}
    hidden = set(reasons)
    for _step in range(len(sizes) + 1):
        leak = audit.leak(hidden)
        if leak is None:
            return reasons
        group = audit.fix(leak, hidden, protected)
        hidden.add(group)
        reasons[group] = complementary_reason(minimum)
    raise RuntimeError("suppression did not converge")  # pragma: no cover
