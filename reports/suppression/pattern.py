"""Which groups are hidden, and the top-down pass with its worklist (docs/ARCHITECTURE.md §7.3).

The pass is HITAS-like: every relation is a parent with its children in one column
(S(p, j) = own(p, j) + sum of S(c, j), the parent's own staff being a virtual child that is
never published) or an agency's ASN-type margin (S(a) = sum of S(a, t)). Relations are seeded
top-down and re-examined only when one of their cells is newly hidden. Rules, with n capped
at the minimum m:

- published total: the hidden parts are none, or at least two whose capped sizes add up to m
  (one hidden part would be the total minus the published ones). A virtual child of m or more
  may stand alone: its derivation exposes nobody, and the audit sees any use of it.
- hidden total: the hidden parts cover at least min(total, m), so that the relation is safe
  even where the total turns out derivable (a parent hidden only as a sibling's complement).

These rules are necessary conditions of a cheap kind; the audit (reports.suppression.audit)
is what proves the pattern safe.
"""

from __future__ import annotations

from collections import deque

from reports.suppression.table import Tree

PRIMARY = "primary"
COMPLEMENTARY = "complementary"


class Pattern:
    """Hidden groups: a bit mask of hidden columns per agency, kinds by name."""

    def __init__(self, tree: Tree, minimum: int) -> None:
        self.tree = tree
        self.minimum = minimum
        self.hid: list[int] = [0] * len(tree)
        self.why: dict[tuple[int, int], str] = {}
        self.kinds: dict[str, str] = {}
        self.changed: list[tuple[int, int]] = []

    def small(self, size: int) -> bool:
        return 0 < size < self.minimum

    def hidden(self, i: int, j: int) -> bool:
        return bool(self.hid[i] >> j & 1)

    def hide(self, i: int, j: int, why: str = COMPLEMENTARY) -> None:
        for a, c in self.tree.labels(i, j):
            if not self.hid[a] >> c & 1:
                self.hid[a] |= 1 << c
                self.why[(a, c)] = why
                self.changed.append((a, c))

    def hide_primary(self) -> None:
        tree = self.tree
        for i, row in enumerate(tree.sub):
            for j, size in enumerate(row):
                if self.small(size):
                    self.hide(i, j, PRIMARY)
        for kind, size in tree.kind_size.items():
            if self.small(size):
                self.kinds[kind] = PRIMARY


def _deficit(published: bool, total: int, hidden: list[tuple[int, bool]], m: int) -> int | None:
    """How much more hidden (capped) size the relation needs, or None when it is safe.

    `hidden` holds (size, virtual) of the hidden nonempty parts."""
    capped = sum(min(size, m) for size, _virtual in hidden)
    if published:
        if not hidden:
            return None
        if len(hidden) == 1:
            size, virtual = hidden[0]
            if size == total or (virtual and size >= m):
                return None
            return max(0, m - capped)
        return None if capped >= m else m - capped
    need = min(total, m)
    return None if capped >= need else need - capped


def pick(
    tree: Tree, candidates: list[tuple[int, int, int]], deficit: int, m: int
) -> tuple[int, int]:
    """The group to hide: the cheapest (Tree.cost) that closes the deficit alone, else the
    largest (fewest groups in all). Candidates are (size, agency, column)."""
    closing = [c for c in candidates if min(c[0], m) >= deficit]
    if closing:
        _size, i, j = min(closing, key=lambda c: tree.cost(c[1], c[2]))
    else:
        _size, i, j = max(candidates, key=lambda c: (c[0], [-x for x in tree.cost(c[1], c[2])]))
    return i, j


class LocalPass:
    """The worklist over relations: ("C", parent, column) and ("R", agency)."""

    def __init__(self, pattern: Pattern) -> None:
        self.pattern = pattern
        self.tree = pattern.tree
        self.queue: deque[tuple[str, int, int]] = deque()
        self.queued: set[tuple[str, int, int]] = set()
        self.examined = 0

    def push(self, relation: tuple[str, int, int]) -> None:
        if relation not in self.queued:
            self.queued.add(relation)
            self.queue.append(relation)

    def seed(self) -> None:
        """Every relation once, parents before children."""
        tree = self.tree
        for i in sorted(range(len(tree)), key=lambda i: (tree.depth[i], i)):
            if tree.children[i]:
                for j in range(tree.columns):
                    self.push(("C", i, j))
            self.push(("R", i, 0))

    def push_cell(self, i: int, j: int) -> None:
        """Relations that contain the group (i, j): as a part and as a total."""
        tree = self.tree
        self.push(("R", i, 0))
        if tree.parent[i] >= 0:
            self.push(("C", tree.parent[i], j))
        if tree.children[i]:
            self.push(("C", i, j))

    def run(self) -> None:
        pattern = self.pattern
        while self.queue:
            relation = self.queue.popleft()
            self.queued.discard(relation)
            self.examined += 1
            cell = self._fix(relation)
            if cell is not None:
                start = len(pattern.changed)
                pattern.hide(*cell)
                for hidden in pattern.changed[start:]:
                    self.push_cell(*hidden)
                self.push(relation)  # it may need more than one

    def _fix(self, relation: tuple[str, int, int]) -> tuple[int, int] | None:
        tree, pattern, m = self.tree, self.pattern, self.pattern.minimum
        kind, i, j = relation
        hid = pattern.hid
        hidden: list[tuple[int, bool]] = []
        candidates: list[tuple[int, int, int]] = []
        if kind == "C":
            total = tree.sub[i][j]
            if not total:
                return None
            own = tree.own[i][j]
            if own:
                hidden.append((own, True))
            for c in tree.children[i]:
                size = tree.sub[c][j]
                if not size:
                    continue
                if hid[c] >> j & 1:
                    hidden.append((size, False))
                else:
                    candidates.append((size, c, j))
            published = not hid[i] >> j & 1
        else:
            total = tree.sub[i][0]
            if not total:
                return None
            for t in range(1, tree.columns):
                size = tree.sub[i][t]
                if not size:
                    continue
                if hid[i] >> t & 1:
                    hidden.append((size, False))
                else:
                    candidates.append((size, i, t))
            published = not hid[i] & 1
        if len(hidden) + len(candidates) < 2:
            return None  # one part is the total itself
        deficit = _deficit(published, total, hidden, m)
        if deficit is None or not candidates:
            return None
        return pick(tree, candidates, deficit, m)
