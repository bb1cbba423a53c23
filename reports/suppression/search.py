"""Exact linear algebra over small integer rows and the meet-in-the-middle search for small
sets whose hashes cancel, for the kind audit (docs/ARCHITECTURE.md §7.3)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

PRIME = (1 << 61) - 1


def add(basis: dict[int, list[Fraction]], vector) -> bool:
    """Add `vector` to a reduced echelon basis {pivot: row}; False when it is in the span."""
    v = [Fraction(x) for x in vector]
    for pivot, row in basis.items():
        if v[pivot]:
            factor = v[pivot]
            v = [a - factor * b for a, b in zip(v, row, strict=True)]
    pivot = next((k for k, a in enumerate(v) if a), None)
    if pivot is None:
        return False
    v = [a / v[pivot] for a in v]
    for other, old in basis.items():
        if old[pivot]:
            factor = old[pivot]
            basis[other] = [a - factor * b for a, b in zip(old, v, strict=True)]
    basis[pivot] = v
    return True


def independent(rows) -> list[tuple[int, ...]]:
    """Rows of `rows` that form a basis of their span (the first ones, in order)."""
    basis: dict[int, list[Fraction]] = {}
    return [row for row in rows if add(basis, row)]


def directions(outside: list[tuple], every: list[tuple]) -> set[int]:
    """The kinds in the combinations whose residual vanishes on the rows `outside` but not on
    all of them: hiding one of these kinds is what can remove such a combination."""
    width = len(every[0])
    kernel: dict[int, list[Fraction]] = {}
    for vector in nullspace(every, width):
        add(kernel, vector)
    involved: set[int] = set()
    for vector in nullspace(outside, width):
        v = [Fraction(x) for x in vector]
        for pivot, row in kernel.items():  # modulo what adds nothing anywhere
            if v[pivot]:
                factor = v[pivot]
                v = [a - factor * b for a, b in zip(v, row, strict=True)]
        involved |= {k for k, a in enumerate(v) if a}
    return involved


def nullspace(rows, width: int) -> list[list[Fraction]]:
    basis: dict[int, list[Fraction]] = {}
    for row in rows:
        add(basis, row)
    vectors = []
    for free in range(width):
        if free not in basis:
            vector = [Fraction(0)] * width
            vector[free] = Fraction(1)
            for pivot, row in basis.items():
                vector[pivot] = -row[free]
            vectors.append(vector)
    return vectors


def canonical(rows) -> tuple:
    basis: dict[int, list[Fraction]] = {}
    for row in rows:
        add(basis, row)
    return tuple(tuple(basis[p]) for p in sorted(basis))


def rank_mod(rows) -> int:
    """Rank modulo PRIME; equal to the rank over the rationals when no minor can reach PRIME
    (checked by the caller with Hadamard's bound)."""
    basis: dict[int, list[int]] = {}
    for row in rows:
        v = [x % PRIME for x in row]
        for pivot, b in basis.items():
            if v[pivot]:
                factor = v[pivot]
                v = [(x - factor * y) % PRIME for x, y in zip(v, b, strict=True)]
        pivot = next((k for k, x in enumerate(v) if x), None)
        if pivot is None:
            continue
        inverse = pow(v[pivot], -1, PRIME)
        v = [x * inverse % PRIME for x in v]
        for other, b in basis.items():
            if b[pivot]:
                factor = b[pivot]
                basis[other] = [(x - factor * y) % PRIME for x, y in zip(b, v, strict=True)]
        basis[pivot] = v
    return len(basis)


def rank_exact(rows) -> int:
    basis: dict[int, list[Fraction]] = {}
    for row in rows:
        add(basis, row)
    return len(basis)


def unpack(packed: int, width: int) -> tuple[int, ...]:
    digits = []
    for _k in range(width):
        digit = packed & 0xFFFFFFFF
        if digit >= 1 << 31:
            digit -= 1 << 32
        digits.append(digit)
        packed = (packed - digit) >> 32
    return tuple(digits)


def mod(x: Fraction) -> int:
    return x.numerator * pow(x.denominator, -1, PRIME) % PRIME


def solve(columns: list[list[int]], target: list[int]) -> list[int]:
    """x with sum(x_i columns_i) = target mod PRIME (the columns are independent and the
    target in their span)."""
    r = len(columns)
    if not r:
        return []
    matrix = [[columns[i][k] for i in range(r)] + [target[k]] for k in range(len(target))]
    pivots = []
    row = 0
    for col in range(r):
        pick = next((k for k in range(row, len(matrix)) if matrix[k][col]), None)
        if pick is None:
            continue
        matrix[row], matrix[pick] = matrix[pick], matrix[row]
        inverse = pow(matrix[row][col], -1, PRIME)
        matrix[row] = [a * inverse % PRIME for a in matrix[row]]
        for k in range(len(matrix)):
            if k != row and matrix[k][col]:
                factor = matrix[k][col]
                matrix[k] = [
                    (a - factor * b) % PRIME for a, b in zip(matrix[k], matrix[row], strict=True)
                ]
        pivots.append(col)
        row += 1
    solution = [0] * r
    for k, col in enumerate(pivots):
        solution[col] = matrix[k][r]
    return solution


def choose(n: int, k: int) -> int:
    if k < 0 or k > n:
        return 0
    result = 1
    for i in range(k):
        result = result * (n - i) // (i + 1)
    return result


def zero_sum(items: list[tuple[int, int, int]], limit: int, first_only: bool = True) -> int | None:
    """The total size of a nonempty set of items (size, hash, hash) of total size <= limit
    whose hashes sum to zero (the smallest such, unless `first_only`), or None. By number of
    items; a set of k items is its first ceil(k/2) items (looked up by hash) and the rest."""
    items = sorted(items)  # lightest first: a level stops growing at the first too heavy item
    levels: list[list[tuple[int, int, int, int, int]]] = [[(-1, -1, 0, 0, 0)]]  # first, last
    index: list[dict[tuple[int, int], list[tuple[int, int]]]] = [{}]
    n = len(items)

    def level(size: int) -> None:
        grown = []
        for first, last, weight, h1, h2 in levels[size - 1]:
            for k in range(last + 1, n):
                w, a, b = items[k]
                if weight + w > limit:
                    break
                grown.append(
                    (first if first >= 0 else k, k, weight + w, (h1 + a) % PRIME, (h2 + b) % PRIME)
                )
        levels.append(grown)
        by_hash: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for _first, last, weight, h1, h2 in grown:
            by_hash.setdefault((h1, h2), []).append((last, weight))
        index.append(by_hash)

    best: int | None = None
    for k in range(1, limit + 1):
        if best is not None and k > best:
            break  # k items weigh at least k
        head, tail = (k + 1) // 2, k // 2
        while len(levels) <= head:
            level(len(levels))
        if not tail:
            for _last, weight in index[head].get((0, 0), ()):
                best = weight if best is None else min(best, weight)
        else:
            for first, _last, weight, h1, h2 in levels[tail]:
                for last, other in index[head].get(((-h1) % PRIME, (-h2) % PRIME), ()):
                    if last < first and weight + other <= limit:
                        total = weight + other
                        best = total if best is None else min(best, total)
        if best is not None and first_only:
            return best
    return best


def zero_sum_pairs(items: list[tuple[int, int, int]], limit: int) -> int | None:
    """zero_sum for limit <= 4 (a minimum of 5, the default), vectorised; the smallest total.

    Items by size: a set of three or four under the limit has its two lightest of size 1, so
    the pairs it is matched from are those of size-1 items (few) and singles."""
    n = len(items)
    if not n:
        return None
    items = sorted(items)
    w = np.array([item[0] for item in items], dtype=np.int64)
    a = np.array([item[1] for item in items], dtype=np.int64)
    b = np.array([item[2] for item in items], dtype=np.int64)
    best: list[int] = []
    zero = (a == 0) & (b == 0)
    if zero.any():
        best.append(int(w[zero].min()))

    def matches(keys_a, keys_b, wanted_a, wanted_b, accept) -> None:
        order = np.lexsort((keys_b, keys_a))
        sorted_a, sorted_b = keys_a[order], keys_b[order]
        low = np.searchsorted(sorted_a, wanted_a, "left")
        high = np.searchsorted(sorted_a, wanted_a, "right")
        for c in np.nonzero(high > low)[0]:
            for position in range(low[c], high[c]):
                if sorted_b[position] == wanted_b[c]:
                    accept(int(c), int(order[position]))

    def pair(i: int, j: int) -> None:
        if i < j and w[i] + w[j] <= limit:
            best.append(int(w[i] + w[j]))

    if limit >= 2 and n >= 2:
        matches(a, b, (-a) % PRIME, (-b) % PRIME, pair)
    ones = int(np.searchsorted(w, 2))  # items of size 1 come first
    if limit < 3 or ones < 2:
        return min(best, default=None)
    first, second = np.triu_indices(ones, 1)
    pa, pb = (a[first] + a[second]) % PRIME, (b[first] + b[second]) % PRIME
    wanted_a, wanted_b = (-pa) % PRIME, (-pb) % PRIME

    def triple(c: int, k: int) -> None:
        if k > second[c] and 2 + w[k] <= limit:
            best.append(int(2 + w[k]))

    matches(a, b, wanted_a, wanted_b, triple)
    if limit >= 4:

        def quad(c: int, d: int) -> None:
            if first[d] > second[c]:
                best.append(4)

        matches(pa, pb, wanted_a, wanted_b, quad)
    return min(best, default=None)
