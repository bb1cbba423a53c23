"""The count table the engine protects, and its index form (docs/ARCHITECTURE.md §7.3).

The finest cells ("atoms") are the own direct staff of each agency by ASN type; an atom's size
is its number of responses. Every group the reports may publish is a sum of atoms: an agency's
subtree (all types, or one type) and an agency kind (the own staff of every agency of the
kind). A non-leaf agency's own staff alone is never published: it is the "virtual child" that
keeps a parent's figure from being a sum of published children.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """One count table of a round: the agency tree and the responses of each atom."""

    root: int  # agency id of the root (province)
    parent: Mapping[int, int | None]  # agency id -> parent agency id (None for the root)
    kind: Mapping[int, str]  # agency id -> agency kind
    own: Mapping[tuple[int, str], int]  # (agency id, asn type) -> responses of its own staff

    @classmethod
    def from_tallies(cls, tallies, measure: str = "n") -> Table:
        """The table of one count ("n", "engagement_n" or "selection_n") of a round's tallies."""
        from reports.aggregation import ASN_TYPES

        parent: dict[int, int | None] = {}
        kind: dict[int, str] = {}
        own: dict[tuple[int, str], int] = {}
        for pk, node in tallies.nodes.items():
            parent[pk] = node.agency.parent_id
            kind[pk] = node.agency.kind
            for asn_type in ASN_TYPES:
                count = getattr(node.own[asn_type], measure)
                if count:
                    own[(pk, asn_type)] = count
        root = tallies.root.agency.pk
        parent[root] = None
        return cls(root=root, parent=parent, kind=kind, own=own)


class Tree:
    """The table as arrays: agencies numbered in depth-first order from the root (children by
    id, so that every decision is the same for the same input), column 0 = all types,
    columns 1.. = the ASN types in name order."""

    def __init__(self, table: Table) -> None:
        children_of: dict[int, list[int]] = {agency: [] for agency in table.parent}
        for agency, parent in table.parent.items():
            if agency == table.root:
                continue
            if parent not in children_of:
                raise ValueError(f"agency {agency} has a parent {parent} outside the table")
            children_of[parent].append(agency)
        if table.root not in children_of:
            raise ValueError(f"root {table.root} is not in the table")
        self.ids: list[int] = []
        self.parent: list[int] = []
        self.depth: list[int] = []
        stack = [(table.root, -1, 0)]
        while stack:
            agency, parent_index, depth = stack.pop()
            self.ids.append(agency)
            self.parent.append(parent_index)
            self.depth.append(depth)
            index = len(self.ids) - 1
            for child in sorted(children_of[agency], reverse=True):
                stack.append((child, index, depth + 1))
        if len(self.ids) != len(children_of):
            raise ValueError("the agency tree has agencies that do not reach the root")
        self.index = {agency: i for i, agency in enumerate(self.ids)}
        n = len(self.ids)
        self.children: list[list[int]] = [[] for _ in range(n)]
        for i in range(1, n):
            self.children[self.parent[i]].append(i)
        self.types: list[str] = sorted({asn_type for (_agency, asn_type) in table.own})
        self.columns = len(self.types) + 1
        column_of = {asn_type: j + 1 for j, asn_type in enumerate(self.types)}
        self.own: list[list[int]] = [[0] * self.columns for _ in range(n)]
        for (agency, asn_type), count in table.own.items():
            if count < 0:
                raise ValueError(f"negative count for {(agency, asn_type)}")
            if agency not in self.index:
                raise ValueError(f"counts for agency {agency} outside the tree")
            row = self.own[self.index[agency]]
            row[column_of[asn_type]] += count
            row[0] += count
        self.sub: list[list[int]] = [list(row) for row in self.own]
        for i in range(n - 1, 0, -1):  # children come after their parent in depth-first order
            parent_row, row = self.sub[self.parent[i]], self.sub[i]
            for j in range(self.columns):
                parent_row[j] += row[j]
        # bit j set: the group (agency, column j) has responses
        self.nonempty: list[int] = [
            sum(1 << j for j in range(self.columns) if row[j]) for row in self.sub
        ]
        self.kind: list[str] = [table.kind.get(agency, "") for agency in self.ids]
        kinds: dict[str, list[int]] = {}
        for i, kind in enumerate(self.kind):
            kinds.setdefault(kind, []).append(i)
        self.kinds: dict[str, list[int]] = dict(sorted(kinds.items()))
        self.kind_size: dict[str, int] = {
            kind: sum(self.own[i][0] for i in members) for kind, members in self.kinds.items()
        }

        self._aliases()

    def _aliases(self) -> None:
        """Groups with the same atoms under two labels: a parent with one nonempty child and
        no own staff in a column, an agency with one ASN type. One group, one decision: hiding
        one label hides all (else the other label publishes it)."""
        root: dict[tuple[int, int], tuple[int, int]] = {}

        def find(cell: tuple[int, int]) -> tuple[int, int]:
            while root.get(cell, cell) != cell:
                cell = root[cell]
            return cell

        def union(a: tuple[int, int], b: tuple[int, int]) -> None:
            a, b = find(a), find(b)
            if a != b:
                root[max(a, b)] = min(a, b)

        for i, row in enumerate(self.sub):
            for j in range(self.columns):
                if not row[j]:
                    continue
                if j and row[j] == row[0]:
                    union((i, 0), (i, j))
                if not self.own[i][j]:
                    filled = [c for c in self.children[i] if self.sub[c][j]]
                    if len(filled) == 1:
                        union((i, j), (filled[0], j))
        classes: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for cell in root:
            classes.setdefault(find(cell), []).append(cell)
        self.alias: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for top, members in classes.items():
            group = sorted({top, *members})
            for cell in group:
                self.alias[cell] = group

    def labels(self, i: int, j: int) -> list[tuple[int, int]]:
        return self.alias.get((i, j), [(i, j)])

    def cost(self, i: int, j: int) -> tuple[int, bool, int, int]:
        """What hiding the group costs, to compare candidates: the responses of all its labels,
        then a parent after a leaf (a hidden parent asks more of its children)."""
        labels = self.alias.get((i, j))
        size = self.sub[i][j] * (len(labels) if labels else 1)
        return (size, bool(self.children[i]), i, j)

    def __len__(self) -> int:
        return len(self.ids)

    def is_leaf(self, i: int) -> bool:
        return not self.children[i]

    def column_key(self, j: int) -> str:
        return "" if j == 0 else self.types[j - 1]

    def key(self, i: int, j: int) -> tuple[str, int, str]:
        return ("S", self.ids[i], self.column_key(j))
