"""Brute force for the suppression tests: every small set of atoms, tested for exact membership
in the span of the published groups (fractions, no floats).

Atoms are (agency, asn type) cells of own staff with responses. Published groups are every
agency's subtree (all types and each type) and every agency kind, minus the hidden ones. A
set of atoms is derivable iff it is orthogonal to the kernel of the published groups, so each
atom gets its kernel signature and a set is derivable iff its signatures add up to zero.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from math import lcm

from reports.suppression import Table


def groups(table: Table) -> tuple[list[tuple[int, str]], dict[tuple, frozenset[int]]]:
    """The atoms, and every nonempty group that may be published as a set of atom numbers."""
    children: dict[int, list[int]] = {}
    for agency, parent in table.parent.items():
        if parent is not None:
            children.setdefault(parent, []).append(agency)

    def subtree(agency: int) -> list[int]:
        found, stack = [], [agency]
        while stack:
            a = stack.pop()
            found.append(a)
            stack.extend(children.get(a, ()))
        return found

    types = sorted({t for _a, t in table.own})
    atoms = sorted(cell for cell, count in table.own.items() if count)
    number = {cell: k for k, cell in enumerate(atoms)}
    found: dict[tuple, frozenset[int]] = {}
    for agency in table.parent:
        members = subtree(agency)
        for key in ("", *types):
            cells = frozenset(
                number[(d, t)]
                for d in members
                for t in types
                if (d, t) in number and key in ("", t)
            )
            if cells:
                found[("S", agency, key)] = cells
    for kind in sorted(set(table.kind.values())):
        cells = frozenset(k for k, (agency, _t) in enumerate(atoms) if table.kind[agency] == kind)
        if cells:
            found[("K", kind)] = cells
    return atoms, found


def _kernel(vectors: list[frozenset[int]], width: int) -> list[list[int]]:
    """Integer basis of {z : sum of z over every vector = 0}."""
    basis: dict[int, list[Fraction]] = {}
    for vector in vectors:
        row = [Fraction(int(k in vector)) for k in range(width)]
        for pivot, b in basis.items():
            if row[pivot]:
                factor = row[pivot]
                row = [x - factor * y for x, y in zip(row, b, strict=True)]
        pivot = next((k for k, x in enumerate(row) if x), None)
        if pivot is None:
            continue
        row = [x / row[pivot] for x in row]
        for other, b in basis.items():
            if b[pivot]:
                factor = b[pivot]
                basis[other] = [x - factor * y for x, y in zip(b, row, strict=True)]
        basis[pivot] = row
    kernel = []
    for free in range(width):
        if free in basis:
            continue
        z = [Fraction(0)] * width
        z[free] = Fraction(1)
        for pivot, b in basis.items():
            z[pivot] = -b[free]
        scale = lcm(*(x.denominator for x in z))
        kernel.append([int(x * scale) for x in z])
    return kernel


def derivable_small_sets(
    table: Table, hidden, minimum: int, *, first: bool = True
) -> list[tuple[list[tuple[int, str]], int]]:
    """Sets of atoms of 1..minimum-1 responses derivable from the published groups."""
    atoms, found = groups(table)
    published = [cells for key, cells in found.items() if key not in hidden]
    kernel = _kernel(published, len(atoms))
    signature = [tuple(z[k] for z in kernel) for k in range(len(atoms))]
    sizes = [table.own[cell] for cell in atoms]
    small = [k for k in range(len(atoms)) if sizes[k] < minimum]
    leaks = []
    for count in range(1, minimum):
        for chosen in combinations(small, count):
            total = sum(sizes[k] for k in chosen)
            if total >= minimum:
                continue
            if all(not sum(signature[k][i] for k in chosen) for i in range(len(kernel))):
                leaks.append(([atoms[k] for k in chosen], total))
                if first:
                    return leaks
    return leaks


def unhidden_small_groups(table: Table, hidden, minimum: int) -> list[tuple]:
    atoms, found = groups(table)
    return [
        key
        for key, cells in found.items()
        if key not in hidden and 0 < sum(table.own[atoms[k]] for k in cells) < minimum
    ]
