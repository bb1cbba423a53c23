"""The exact audit of the agency tree x ASN-type margins (docs/ARCHITECTURE.md §7.3).

In one column the published subtree groups form a laminar family; its span is spanned by the
disjoint "pieces" (a published group minus its maximal published descendants). With the type
margins every atom (agency a, type t) is an edge from the piece of a in the all-types column
to the piece of a in column t, and the published figures span exactly the tensions of that
graph. A 0/1 set of atoms is derivable iff it is a directed cut: there are 0/1 values c (all
types) and tau_t (type t), constant on pieces, with tau_t(a) <= c(a) on every nonempty atom;
the set is the atoms with c = 1 and tau = 0. Pieces are cut out of the tree by published
groups: a hidden group (a, j) makes a's value in column j equal to its parent's.

So the audit is a dynamic programme over the tree: per agency and assignment of its (up to
five) values, the set of sizes of derivable sets in its subtree, capped below the minimum.
Any reachable size 1..m-1 is a leak, and walking the tables back yields one: its atoms and
the published groups whose hiding makes that assignment impossible (a value that differs
from the parent's). Linear in the number of agencies.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.suppression.pattern import Pattern


@dataclass
class Leak:
    """A derivable set of atoms smaller than the minimum, and the cells that would break it."""

    atoms: list[tuple[int, int, int]]  # (agency index, column, size)
    size: int
    candidates: list[tuple[int, int, int]]  # (size, agency index, column), published


def _subsets(mask: int):
    sub = mask
    while True:
        yield sub
        if not sub:
            return
        sub = (sub - 1) & mask


def _bits(mask: int):
    i = 0
    while mask:
        if mask & 1:
            yield i
        mask >>= 1
        i += 1


class TreeAudit:
    def __init__(self, pattern: Pattern) -> None:
        self.pattern = pattern
        tree = self.tree = pattern.tree
        n = len(tree)
        m = pattern.minimum
        self.limit = m - 1  # largest size that is a leak
        self.full = (1 << m) - 1
        self.L = [0] * n  # hidden nonempty columns: values tied to the parent's
        self.M = [1] * n  # columns whose value is part of the agency's state
        self.F: list[dict[int, int]] = [{} for _ in range(n)]
        self.H: list[dict[int, int]] = [{} for _ in range(n)]
        self.const = [1] * n  # all sizes reachable in the subtree, whatever the parent
        self.uf = [1] * n
        self.positive = [0] * n
        self.big = [0] * n
        self.small: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        for i, row in enumerate(tree.own):
            for j in range(1, tree.columns):
                w = row[j]
                if w:
                    self.positive[i] |= 1 << j
                    if w > self.limit:
                        self.big[i] |= 1 << j
                    else:
                        self.small[i].append((j, w))
        self.seen_changes = 0
        self.computed = 0
        self.dirty: set[int] = set(range(n))

    def sumset(self, a: int, b: int) -> int:
        if b == 1:
            return a
        if a == 1:
            return b
        result, shift = 0, 0
        while b:
            if b & 1:
                result |= a << shift
            b >>= 1
            shift += 1
        return result & self.full

    def _mark(self) -> None:
        parent = self.tree.parent
        changed = self.pattern.changed
        for i, _j in changed[self.seen_changes :]:
            while i >= 0 and i not in self.dirty:
                self.dirty.add(i)
                i = parent[i]
        self.seen_changes = len(changed)

    def refresh(self) -> None:
        self._mark()
        depth = self.tree.depth
        for i in sorted(self.dirty, key=lambda i: -depth[i]):
            self._compute(i)
        self.dirty.clear()

    def _states(self, i: int, M: int):
        """(state, own cost) of every assignment allowed by the agency's own atoms."""
        relevant = M & ~1
        positive, big = self.positive[i], self.big[i]
        for sub in _subsets(relevant & ~positive):
            yield sub, 0
        small_relevant = [(j, w) for j, w in self.small[i] if relevant >> j & 1]
        base = 1 | (relevant & big)
        for sub in _subsets(relevant & ~big):
            s = base | sub
            cost = 0
            for j, w in small_relevant:
                if not s >> j & 1:
                    cost += w
            yield s, cost

    def _compute(self, i: int) -> None:
        self.computed += 1
        tree, limit = self.tree, self.limit
        L = self.pattern.hid[i] & tree.nonempty[i]
        self.L[i] = L
        if not tree.children[i]:
            self._compute_leaf(i, L)
            return
        linked = []
        child_mask = 0
        constant = 1
        for c in tree.children[i]:
            if self.L[c]:
                child_mask |= self.L[c]
                linked.append(c)
            elif self.const[c] != 1:
                constant = self.sumset(constant, self.const[c])
        M = 1 | L | child_mask
        self.M[i] = M
        uf = 1
        for j, w in self.small[i]:
            if not M >> j & 1:
                uf = self.sumset(uf, 1 | 1 << w)
        self.uf[i] = uf
        F: dict[int, int] = {}
        H = self.H
        sumset = self.sumset
        for s, cost in self._states(i, M):
            if cost > limit:
                continue
            acc = 1 << cost
            if s & 1 and uf != 1:
                acc = sumset(acc, uf)
            if constant != 1:
                acc = sumset(acc, constant)
            for c in linked:
                b = H[c].get(s & self.L[c], 0)
                if not b:
                    acc = 0
                    break
                acc = sumset(acc, b)
            if acc:
                F[s] = acc
        self.F[i] = F
        projected: dict[int, int] = {}
        everything = 0
        for s, reach in F.items():
            p = s & L
            projected[p] = projected.get(p, 0) | reach
            everything |= reach
        self.H[i] = projected
        self.const[i] = everything

    def _compute_leaf(self, i: int, L: int) -> None:
        """_compute for a leaf, the common case: its published types are atoms of at least the
        minimum (tied to its all-types value), its hidden types are tied to the parent's."""
        self.M[i] = 1 | L
        uf = 1
        for j, w in self.small[i]:
            if not L >> j & 1:  # a published small cell: only where a test hides no primary
                uf = self.sumset(uf, 1 | 1 << w)
        self.uf[i] = uf
        F = {0: 1}
        base = 1 | (L & self.big[i])
        small = [(j, w) for j, w in self.small[i] if L >> j & 1]
        free = 0
        for j, _w in small:
            free |= 1 << j
        limit = self.limit
        for sub in _subsets(free):
            cost = 0
            for j, w in small:
                if not sub >> j & 1:
                    cost += w
            if cost <= limit:
                F[base | sub] = self.sumset(1 << cost, uf)
        self.F[i] = F
        projected: dict[int, int] = {}
        everything = 0
        for s, reach in F.items():
            p = s & L
            projected[p] = projected.get(p, 0) | reach
            everything |= reach
        self.H[i] = projected
        self.const[i] = everything

    # --- a leak, walked back from the root --------------------------------------------------

    def find_leak(self) -> Leak | None:
        self.refresh()
        root_links = self.L[0]
        when_zero = self.H[0].get(0, 0)
        when_one = self.H[0].get(root_links, 0) if root_links else 0
        sizes = (when_zero | when_one) & ~1
        if not sizes:
            return None
        size = (sizes & -sizes).bit_length() - 1
        g = 0 if when_zero >> size & 1 else 1
        tied = root_links if g else 0
        root_state = next(
            s for s in sorted(self.F[0]) if s & root_links == tied and self.F[0][s] >> size & 1
        )
        return self._walk(root_state, size, g)

    def _factors(self, i: int, s: int) -> list[tuple[str, int, int]]:
        cost = 0
        if s & 1:
            for j, w in self.small[i]:
                if self.M[i] >> j & 1 and not s >> j & 1:
                    cost += w
        factors = [("own", -1, 1 << cost)]
        if s & 1 and self.uf[i] != 1:
            factors.append(("uf", -1, self.uf[i]))
        for c in self.tree.children[i]:
            if self.L[c]:
                factors.append(("child", c, self.H[c][s & self.L[c]]))
            elif self.const[c] != 1:
                factors.append(("child", c, self.const[c]))
        return factors

    def _walk(self, root_state: int, size: int, g: int) -> Leak:
        tree = self.tree
        state = {0: root_state}
        uf_zero: dict[int, int] = {}
        atoms: list[tuple[int, int, int]] = []
        stack = [(0, root_state, size)]
        while stack:
            i, s, target = stack.pop()
            factors = self._factors(i, s)
            suffix = [1] * (len(factors) + 1)
            for k in range(len(factors) - 1, -1, -1):
                suffix[k] = self.sumset(factors[k][2], suffix[k + 1])
            remaining = target
            for k, (what, c, reach) in enumerate(factors):
                part = next(
                    x
                    for x in _bits(reach)
                    if x <= remaining and suffix[k + 1] >> (remaining - x) & 1
                )
                remaining -= part
                if what == "own":
                    if s & 1:
                        atoms.extend(
                            (i, j, w)
                            for j, w in self.small[i]
                            if self.M[i] >> j & 1 and not s >> j & 1
                        )
                elif what == "uf":
                    free = [(j, w) for j, w in self.small[i] if not self.M[i] >> j & 1]
                    for sub in _subsets((1 << len(free)) - 1):
                        if sum(free[b][1] for b in _bits(sub)) == part:
                            break
                    chosen = [free[b] for b in _bits(sub)]
                    uf_zero[i] = sum(1 << j for j, _w in chosen)
                    atoms.extend((i, j, w) for j, w in chosen)
                else:
                    child_state = self._child_state(c, s, part)
                    state[c] = child_state
                    if part:
                        stack.append((c, child_state, part))
            for c in tree.children[i]:  # children off the leak: for the candidates
                if c not in state:
                    state[c] = self._child_state(c, s, 0)
        candidates = self._candidates(state, uf_zero, g)
        return Leak(atoms=sorted(atoms), size=size, candidates=candidates)

    def _child_state(self, c: int, parent_state: int, part: int) -> int:
        """A state of child c consistent with its parent's that reaches `part`; for part 0 the
        one closest to the parent's values (fewest switches, so that the candidates stay near
        the leak)."""
        L = self.L[c]
        options = [
            s for s, reach in self.F[c].items() if s & L == parent_state & L and reach >> part & 1
        ]
        return min(options, key=lambda s: (bin((s ^ parent_state) & self.M[c]).count("1"), s))

    def _value(self, i: int, s: int, uf_zero: dict[int, int], j: int) -> int:
        if j == 0 or self.M[i] >> j & 1:
            return s >> j & 1
        if uf_zero.get(i, 0) >> j & 1:
            return 0
        return s & 1  # a value tied to nothing: equal to the agency's own all-types value

    def _candidates(
        self, state: dict[int, int], uf_zero: dict[int, int], g: int
    ) -> list[tuple[int, int, int]]:
        tree, hid = self.tree, self.pattern.hid
        found = []
        for i, s in state.items():
            p = tree.parent[i]
            for j in range(tree.columns):
                if hid[i] >> j & 1 or not tree.sub[i][j]:
                    continue
                mine = self._value(i, s, uf_zero, j)
                theirs = g if p < 0 else self._value(p, state[p], uf_zero, j)
                if mine != theirs:
                    found.append((tree.sub[i][j], i, j))
        return sorted(found)
