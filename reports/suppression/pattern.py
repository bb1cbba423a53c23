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

These rules are cheap and local, and they catch what a national tree needs; the audit
(reports.suppression.audit) is what proves the pattern safe, and repairs what they miss.
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


def _deficit(
    published: bool, total: int, count: int, capped: int, single: int, virtual: bool, m: int
) -> int | None:
    """How much more hidden (capped) size the relation needs, or None when it is safe.

    `count` hidden nonempty parts of capped sizes adding up to `capped`; when there is one,
    `single` is its size and `virtual` whether it is the parent's own staff."""
    if published:
        if not count:
            return None
        if count == 1:
            if single == total or (virtual and single >= m):
                return None
            return m - capped if capped < m else 0
        return None if capped >= m else m - capped
    need = total if total < m else m
    return None if capped >= need else need - capped


def pick(
    tree: Tree, candidates: list[tuple[int, int, int]], deficit: int, m: int
) -> tuple[int, int]:
    """The group to hide: the cheapest (Tree.cost) that closes the deficit alone, else the
    largest (fewest groups in all). Candidates are (size, agency, column)."""
    closing = [c for c in candidates if c[0] >= deficit or c[0] >= m]
    if closing:
        _cost, _leaf, i, j = min(tree.cost(i, j) for _size, i, j in closing)
    else:
        largest = max(size for size, _i, _j in candidates)
        _cost, _leaf, i, j = min(tree.cost(i, j) for size, i, j in candidates if size == largest)
    return i, j


class LocalPass:
    """The worklist over relations: ("C", parent, column) and ("R", agency)."""

    def __init__(self, pattern: Pattern) -> None:
        self.pattern = pattern
        self.tree = pattern.tree
        self.queue: deque[tuple[str, int, int]] = deque()
        self.queued: set[tuple[str, int, int]] = set()
        self.examined = 0
        self._cache: dict[tuple[str, int, int], list[tuple[int, int, int]]] = {}

    def push(self, relation: tuple[str, int, int]) -> None:
        if relation not in self.queued:
            self.queued.add(relation)
            self.queue.append(relation)

    def seed(self) -> None:
        """Every relation once, parents before children; a parent's children's type margins
        before its columns (a column then sees its children's hidden types at once, instead of
        being re-examined for each)."""
        tree = self.tree
        self.push(("R", 0, 0))
        for i in sorted(range(len(tree)), key=lambda i: (tree.depth[i], i)):
            if tree.children[i]:
                for c in tree.children[i]:
                    self.push(("R", c, 0))
                for j in range(tree.columns):
                    self.push(("C", i, j))

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

    def _parts(self, relation: tuple[str, int, int]) -> list[tuple[int, int, int]]:
        """The nonempty real parts of a relation as (size, agency, column); fixed sizes."""
        parts = self._cache.get(relation)
        if parts is None:
            tree = self.tree
            kind, i, j = relation
            if kind == "C":
                parts = [(tree.sub[c][j], c, j) for c in tree.children[i] if tree.sub[c][j]]
            else:
                parts = [(tree.sub[i][t], i, t) for t in range(1, tree.columns) if tree.sub[i][t]]
            self._cache[relation] = parts
        return parts

    def _fix(self, relation: tuple[str, int, int]) -> tuple[int, int] | None:
        tree, m = self.tree, self.pattern.minimum
        kind, i, j = relation
        hid = self.pattern.hid
        if kind == "R":
            if not hid[i]:
                return None  # a margin with nothing hidden
            j = 0
        total = tree.sub[i][j]
        if not total:
            return None
        parts = self._parts(relation)
        virtual = tree.own[i][j] if kind == "C" and tree.children[i] else 0
        if len(parts) + (1 if virtual else 0) < 2:
            return None  # one part is the total itself
        count, capped, single = (1, min(virtual, m), virtual) if virtual else (0, 0, 0)
        for size, c, t in parts:
            if hid[c] >> t & 1:
                count += 1
                capped += size if size < m else m
                single = size
        if count == len(parts) + (1 if virtual else 0):
            return None  # nothing left to hide
        published = not hid[i] >> j & 1
        deficit = _deficit(published, total, count, capped, single, count == 1 and virtual, m)
        if deficit is None:
            return None
        candidates = [part for part in parts if not hid[part[1]] >> part[2] & 1]
        if len(candidates) == 1:
            return candidates[0][1], candidates[0][2]
        return pick(tree, candidates, deficit, m)
