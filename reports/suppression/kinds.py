"""Agency kinds: published only where provably safe (docs/ARCHITECTURE.md §7.3).

A kind group (the own staff of every agency of a kind) is a third partition of the atoms, so the
graph picture of reports.suppression.audit no longer holds: with it, sets are derivable through
fractional combinations too. Kinds come last, once the tree pattern is audited safe, and only
kinds are ever hidden for them (a unit's own figures serve its own leaders; a kind is one
province-level aggregate).

With the tree pattern's graph D (pieces as nodes, atoms as edges, V = its tensions), a set X
is derivable with the kinds iff 1_X - sum(l_k K_k) is in V for some l, i.e. iff for every cycle
f of D: (cycle f) . 1_X = row_f . l, where row_f counts the kinds signed around the cycle. So:

- l in the kernel of every row: the kinds add nothing; X in V, which the tree audit excluded.
- otherwise some cycle with row_f . l != 0 passes through X: X meets every biconnected block
  of D where l leaves a residual. Each such block costs X at least its smallest small atom; if
  no l outside the kernel has blocks costing less than the minimum in all, the kinds are safe.
  This is decided exactly over the few distinct row spaces (a bounded branching search).
- where some l does, each block of that support is priced by the smallest set derivable within
  it with some combination of kinds, and the search is repeated with those prices; what still
  survives is searched over its blocks. Both searches meet in the middle over the small atoms
  of the blocks, with a test by random circulations modulo a 61-bit prime that is exact in one
  direction: a derivable set always passes, a set that is not passes with probability 2**-122,
  which can only hide one kind too many. When a search would be too large, the smallest kind
  involved is hidden instead.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

from reports.suppression import search
from reports.suppression.pattern import COMPLEMENTARY, Pattern
from reports.suppression.search import PRIME

SEARCH_NODES = 5_000
ENUMERATION = 50_000
PAIRS = 1_500  # small atoms for the vectorised search of sets of up to four


class KindAudit:
    def __init__(self, pattern: Pattern) -> None:
        self.pattern = pattern
        self.tree = pattern.tree
        self.limit = pattern.minimum - 1
        self.names = list(self.tree.kinds)
        self.searched = 0
        self._canonical: dict[frozenset, tuple] = {}
        self._prices: dict[tuple, int] = {}
        self.position: dict[int, int] | None = None
        self._build_graph()

    # --- the graph of the tree pattern -------------------------------------------------------

    def _build_graph(self) -> None:
        tree, hid = self.tree, self.pattern.hid
        columns = tree.columns
        parent = tree.parent
        piece: list[list[int]] = []
        nodes = 1  # node 0: atoms in no published group of a column
        top = [0] * columns
        for i, nonempty in enumerate(tree.nonempty):
            shown = nonempty & ~hid[i]
            above = piece[parent[i]] if i else top
            if not shown:
                piece.append(above)  # shared: rows are never changed
                continue
            row = list(above)
            for j in range(columns):
                if shown >> j & 1:
                    row[j] = nodes
                    nodes += 1
            piece.append(row)
        kind_index = {name: k for k, name in enumerate(self.names)}
        tail: list[int] = []  # the all-types piece of each atom
        head: list[int] = []  # its type piece
        size: list[int] = []
        kinds: list[int] = []
        for i, own in enumerate(tree.own):
            if not own[0]:
                continue
            k = kind_index[tree.kind[i]]
            row = piece[i]
            for j in range(1, columns):
                if own[j]:
                    tail.append(row[0])
                    head.append(row[j])
                    size.append(own[j])
                    kinds.append(k)
        edges = list(zip(tail, head, size, kinds, strict=True))
        self.edges = edges
        # the 2-core: an edge hanging on a tree of the graph lies on no cycle. Peeled with the
        # exclusive-or of each node's edge numbers (a node of degree one names its edge).
        degree = [0] * nodes
        named = [0] * nodes
        for e, (u, v) in enumerate(zip(tail, head, strict=True)):
            degree[u] += 1
            degree[v] += 1
            named[u] ^= e
            named[v] ^= e
        alive = [True] * len(edges)
        stack = [x for x in range(nodes) if degree[x] == 1]
        while stack:
            x = stack.pop()
            if degree[x] != 1:
                continue
            e = named[x]
            alive[e] = False
            y = head[e] if tail[e] == x else tail[e]
            degree[x] = 0
            degree[y] -= 1
            named[y] ^= e
            if degree[y] == 1:
                stack.append(y)
        adjacency: dict[int, list[tuple[int, int]]] = {}
        for e, (u, v) in enumerate(zip(tail, head, strict=True)):
            if alive[e]:
                adjacency.setdefault(u, []).append((e, v))
                if u != v:
                    adjacency.setdefault(v, []).append((e, u))
        self.adjacency = adjacency
        core = sorted(adjacency)
        # spanning forest, kind potentials and the signed kind counts of the cycles; a vector
        # of counts is packed in one integer, 32 bits a kind (counts stay far below 2**31)
        width = len(self.names)
        unit = [1 << (32 * k) for k in range(width)]
        potential: dict[int, int] = {}
        self.tree_edge: dict[int, int] = {}  # node -> edge to its forest parent
        self.order: list[int] = []
        for start in core:
            if start in potential:
                continue
            potential[start] = 0
            frontier = [start]
            while frontier:
                x = frontier.pop()
                self.order.append(x)
                here = potential[x]
                for e, y in adjacency[x]:
                    if y not in potential:
                        # along the edge's own direction the potential gains its kind
                        potential[y] = (
                            here + unit[kinds[e]] if x == tail[e] else here - unit[kinds[e]]
                        )
                        self.tree_edge[y] = e
                        frontier.append(y)
        forest = set(self.tree_edge.values())
        zero = (0,) * width
        self.rows: dict[int, tuple[int, ...]] = {}  # cycle (its non-forest edge) -> counts
        for e, is_alive in enumerate(alive):
            if is_alive and e not in forest:
                packed = potential[tail[e]] - potential[head[e]] + unit[kinds[e]]
                self.rows[e] = search.unpack(packed, width) if packed else zero
        self._blocks(core)
        distinct: dict[int, set[tuple[int, ...]]] = {}
        self.cycles_of: dict[int, list[int]] = {}
        for e, row in self.rows.items():
            b = self.block_of[e]
            self.cycles_of.setdefault(b, []).append(e)
            if any(row):
                distinct.setdefault(b, set()).add(row)
        self.block_rows = {b: sorted(rows) for b, rows in distinct.items()}
        self.edges_of: dict[int, list[int]] = {}
        self.small_of: dict[int, list[int]] = {}
        cheapest: dict[int, int] = {}
        limit = self.limit
        for e, b in self.block_of.items():
            self.edges_of.setdefault(b, []).append(e)
            w = size[e]
            if w <= limit:
                self.small_of.setdefault(b, []).append(e)
                if w < cheapest.get(b, limit + 1):
                    cheapest[b] = w
        self.cheapest = cheapest  # a block without small atoms cannot be met by a small set

    def _blocks(self, core: list[int]) -> None:
        """Biconnected components (Tarjan, iterative, for a multigraph with loops)."""
        adjacency = self.adjacency
        block_of: dict[int, int] = {}
        index: dict[int, int] = {}
        low: dict[int, int] = {}
        count = 0
        blocks = 0
        edge_stack: list[int] = []
        for x in core:
            for e, y in adjacency[x]:
                if y == x:
                    block_of[e] = blocks
                    blocks += 1
        for start in core:
            if start in index:
                continue
            index[start] = low[start] = count
            count += 1
            stack = [(start, -1, iter(adjacency[start]))]
            while stack:
                x, parent_edge, neighbours = stack[-1]
                descended = False
                for e, y in neighbours:
                    if e == parent_edge or y == x:
                        continue
                    if y not in index:
                        edge_stack.append(e)
                        index[y] = low[y] = count
                        count += 1
                        stack.append((y, e, iter(adjacency[y])))
                        descended = True
                        break
                    if index[y] < index[x]:
                        edge_stack.append(e)
                        if index[y] < low[x]:
                            low[x] = index[y]
                if descended:
                    continue
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    if low[x] < low[parent]:
                        low[parent] = low[x]
                    if low[x] >= index[parent]:
                        while True:
                            e = edge_stack.pop()
                            block_of[e] = blocks
                            if e == parent_edge:
                                break
                        blocks += 1
        self.block_of = block_of

    # --- deciding ---------------------------------------------------------------------------

    def decide(self) -> int:
        """Hide kinds until the published ones are safe; the number hidden."""
        pattern, tree = self.pattern, self.tree
        published = [
            k
            for k, name in enumerate(self.names)
            if tree.kind_size[name] and name not in pattern.kinds
        ]
        hidden = 0
        while published:
            kind = self._unsafe(published)
            if kind is None:
                break
            pattern.kinds[self.names[kind]] = COMPLEMENTARY
            published.remove(kind)
            hidden += 1
        return hidden

    def _unsafe(self, published: list[int]) -> int | None:
        """A kind to hide, or None when the published kinds leak nothing."""
        rows_of: dict[int, frozenset] = {}
        for b, rows in self.block_rows.items():
            projected = frozenset(
                r for r in (tuple(row[k] for k in published) for row in rows) if any(r)
            )
            if projected:
                rows_of[b] = projected
        if not rows_of:
            return None  # every published kind is a sum of published tree groups
        infinite = self.limit + 1
        classes: dict[tuple, list[int]] = {}
        for b, rows in rows_of.items():
            key = self._canonical.get(rows)
            if key is None:
                key = self._canonical[rows] = search.canonical(sorted(rows))
            classes.setdefault(key, []).append(b)
        keys = sorted(classes)
        weight = [
            min(infinite, sum(self.cheapest.get(b, infinite) for b in classes[key])) for key in keys
        ]
        # each class by rows of its own blocks (small integers), for exact ranks modulo PRIME
        bases = [
            search.independent(sorted({r for b in classes[key] for r in rows_of[b]}))
            for key in keys
        ]
        norms = sorted(
            (math.sqrt(sum(x * x for x in r)) for base in bases for r in base), reverse=True
        )
        exact_mod = math.prod(norms[: len(published)]) < PRIME  # Hadamard: no minor reaches it
        rank = search.rank_mod if exact_mod else search.rank_exact
        q = rank([r for base in bases for r in base])
        support = self._support(bases, weight, q, rank)
        if support is not None and support:
            # a set meeting a block of the support meets it in a set derivable there with some
            # combination of kinds: the least such is a sharper price for the block
            for c in support:
                total = 0
                for b in classes[keys[c]]:
                    price = self._local_price(b, published)
                    total = min(infinite, total + price)
                weight[c] = total
            support = self._support(bases, weight, q, rank)
        if support is not None and not support:
            return None
        involved = {k for rows in rows_of.values() for row in rows for k, a in enumerate(row) if a}
        if support is not None:
            blocks = {b for c in support for b in classes[keys[c]]}
            outside = sorted({r for b, rows in rows_of.items() if b not in blocks for r in rows})
            found = self._enumerate(blocks, published, outside, first_only=True)
            if found is None:
                return None
            involved = search.directions(
                outside, sorted({r for rows in rows_of.values() for r in rows})
            )
        return self._smallest(published, involved)

    def _local_price(self, block: int, published: list[int]) -> int:
        """The least size of a small set within the block derivable there with some
        combination of kinds (a lower bound on what a leak pays to meet the block)."""
        shown = set(published)
        key = (
            block,
            frozenset(
                tuple((k, x) for k, x in enumerate(row) if x and k in shown)
                for row in self.block_rows[block]
            ),
        )
        if key not in self._prices:
            found = self._enumerate({block}, published, [], first_only=False)
            if found is False:
                found = self.cheapest.get(block, self.limit + 1)
            self._prices[key] = self.limit + 1 if found is None else found
        return self._prices[key]

    def _smallest(self, published: list[int], involved: set[int]) -> int:
        sizes = self.tree.kind_size
        positions = involved or set(range(len(published)))
        return min((published[k] for k in positions), key=lambda k: (sizes[self.names[k]], k))

    def _support(self, bases, weight, q, rank) -> set[int] | None:
        """Every class that can carry the residual of some combination of kinds outside the
        kernel, together with other classes of total weight under the minimum (a set that
        small would then meet each of their blocks); empty when there is none, None when the
        search is too large.

        Removing classes lowers the rank only through the classes of a spanning subset, so
        branching on those finds every such support (docs/ARCHITECTURE.md §7.3)."""
        support: set[int] = set()
        seen: set[frozenset] = set()
        order = sorted(range(len(bases)), key=lambda c: (-weight[c], c))
        stack = [(frozenset(), self.limit)]
        while stack:
            removed, budget = stack.pop()
            if removed in seen:
                continue
            seen.add(removed)
            self.searched += 1
            if self.searched > SEARCH_NODES:
                return None
            spanning = []
            chosen: list[tuple[int, ...]] = []
            current = 0
            for c in order:
                if c in removed:
                    continue
                trial = rank(chosen + bases[c])
                if trial > current:
                    chosen += bases[c]
                    current = trial
                    spanning.append(c)
                if current == q:
                    break
            if current < q:
                support |= removed
            for c in spanning:
                if weight[c] <= budget:
                    stack.append((removed | {c}, budget - weight[c]))
        return support

    # --- the few blocks where a small set could match a residual ------------------------------

    def _enumerate(
        self, blocks: set[int], published: list[int], outside: list[tuple], first_only: bool
    ) -> int | bool | None:
        """The size of a small set within `blocks` derivable with a combination of kinds whose
        residual vanishes on the rows `outside` (the smallest, unless `first_only`); None when
        there is none; False when the search would be too large."""
        edges = self.edges
        small = [e for b in sorted(blocks) for e in self.small_of.get(b, ())]
        most = (self.limit + 1) // 2  # atoms in the larger half of a split set
        if self.limit <= 4:
            if len(small) > PAIRS:
                return False
        elif sum(search.choose(len(small), s) for s in range(most + 1)) > ENUMERATION:
            return False
        cycles = [f for b in sorted(blocks) for f in self.cycles_of.get(b, ())]
        rows = {f: tuple(self.rows[f][k] for k in published) for f in cycles}
        rng = random.Random(len(small) * 7919 + len(cycles))  # the same input, the same answer
        try:
            nodes = {x for b in blocks for e in self.edges_of[b] for x in self.edges[e][:2]}
            hashes = [self._circulation(cycles, rows, outside, rng, nodes) for _ in range(2)]
        except (ValueError, ZeroDivisionError):  # a denominator divisible by the prime
            return False
        items = [(edges[e][2], hashes[0].get(e, 0), hashes[1].get(e, 0)) for e in small]
        if self.limit <= 4:
            return search.zero_sum_pairs(items, self.limit)
        return search.zero_sum(items, self.limit, first_only)

    def _circulation(self, cycles, rows, outside, rng, nodes) -> dict[int, int]:
        """Values mod PRIME of a random circulation through the cycles of the blocks whose
        kind counts (sum of value x row) lie in the span of the rows outside them: a derivable
        set within the blocks then always sums to zero (docs/ARCHITECTURE.md §7.3)."""
        allowed: dict[int, list[Fraction]] = {}
        for row in outside:
            search.add(allowed, row)
        allowed_mod = [(p, [search.mod(x) for x in row]) for p, row in allowed.items()]

        def residue(vector: list[int]) -> list[int]:
            v = [x % PRIME for x in vector]
            for pivot, row in allowed_mod:
                if v[pivot]:
                    factor = v[pivot]
                    v = [(a - factor * b) % PRIME for a, b in zip(v, row, strict=True)]
            return v

        grown = {p: list(row) for p, row in allowed.items()}
        first_with: dict[tuple[int, ...], int] = {}
        for f in cycles:
            first_with.setdefault(rows[f], f)
        fixers = [f for row, f in first_with.items() if any(row) and search.add(grown, row)]
        values = {f: rng.randrange(PRIME) for f in cycles}
        for f in fixers:
            values[f] = 0
        width = len(next(iter(rows.values()))) if rows else 0
        total = [0] * width
        for f, value in values.items():
            if value:
                for k, a in enumerate(rows[f]):
                    if a:
                        total[k] += a * value
        target = [-x % PRIME for x in residue(total)]
        solution = search.solve([residue(list(rows[f])) for f in fixers], target)
        for f, value in zip(fixers, solution, strict=True):
            values[f] = value
        flow: dict[int, int] = {}
        imbalance: dict[int, int] = {}
        for f, value in values.items():
            u, v, _w, _k = self.edges[f]
            flow[f] = value
            imbalance[v] = (imbalance.get(v, 0) + value) % PRIME
            imbalance[u] = (imbalance.get(u, 0) - value) % PRIME
        if self.position is None:
            self.position = {x: k for k, x in enumerate(self.order)}
        for x in sorted(nodes, key=self.position.__getitem__, reverse=True):
            e = self.tree_edge.get(x)
            b = imbalance.get(x, 0)
            if e is None or not b:
                continue
            u, v, _w, _k = self.edges[e]
            # the forest edge to x's parent cancels the imbalance of x's subtree
            flow[e] = (flow.get(e, 0) + (-b if x == v else b)) % PRIME
            other = u if x == v else v
            imbalance[other] = (imbalance.get(other, 0) + b) % PRIME
            imbalance[x] = 0
        return flow
