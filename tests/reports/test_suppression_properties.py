"""Suppression against brute force on random trees with random ASN-type breakdowns and kinds.

For every generated table, every set of atoms (own staff x ASN type) with fewer than the
minimum responses is tested for exact membership in the span of the published groups
(tests/reports/brute.py). Examples are derandomized, so the suite is the same on every run;
the known bad shapes are pinned as explicit examples.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reports.suppression import Table, protect_table
from reports.suppression.audit import TreeAudit
from reports.suppression.kinds import KindAudit
from reports.suppression.pattern import LocalPass, Pattern
from reports.suppression.table import Tree
from tests.reports.brute import derivable_small_sets, unhidden_small_groups

PROPERTY = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SIZES = (0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 8, 12, 30)


@st.composite
def tables(draw, max_agencies: int = 7, max_types: int = 3, max_kinds: int = 3) -> Table:
    agencies = draw(st.integers(1, max_agencies))
    parent: dict[int, int | None] = {0: None}
    for a in range(1, agencies):
        parent[a] = draw(st.integers(0, a - 1))
    types = ("PNS", "CPNS", "PPPK")[: draw(st.integers(1, max_types))]
    kinds = ("DINAS", "UPTD", "BIRO")[: draw(st.integers(1, max_kinds))]
    kind = {a: draw(st.sampled_from(kinds)) for a in parent}
    own = {}
    for a in parent:
        for t in types:
            size = draw(st.sampled_from(SIZES))
            if size:
                own[(a, t)] = size
    return Table(root=0, parent=parent, kind=kind, own=own)


def _table(parent: dict, own: dict, kind: dict | None = None) -> Table:
    return Table(root=0, parent=parent, kind=kind or dict.fromkeys(parent, "DINAS"), own=own)


# the case: a parent (2) hidden only as the complement of its small sibling (3); its
# small child (5) exposed by province - sibling (1) - published grandchild (4)
PARENT_AS_COMPLEMENT = _table(
    {0: None, 1: 0, 2: 0, 3: 0, 4: 2, 5: 2},
    {(1, "PNS"): 20, (3, "PNS"): 3, (4, "PNS"): 10, (5, "PNS"): 1},
)
# four levels, small cells at every depth, a parent's own staff on each level
LEVELS = _table(
    {0: None, 1: 0, 2: 1, 3: 2, 4: 3, 5: 1},
    {(1, "PNS"): 6, (2, "PNS"): 2, (3, "PNS"): 8, (3, "CPNS"): 1, (4, "PNS"): 3, (5, "PNS"): 9},
)
# a 2x2 rectangle of small cells in the type breakdown of two units
RECTANGLE = _table(
    {0: None, 1: 0, 2: 0, 3: 0},
    {
        (1, "PNS"): 12,
        (1, "CPNS"): 2,
        (1, "PPPK"): 3,
        (2, "PNS"): 12,
        (2, "CPNS"): 1,
        (2, "PPPK"): 2,
        (3, "PNS"): 12,
    },
)
# two rectangles joined by one small cell (units 1,2 x PNS,CPNS; 3,4 x PPPK,PW; 1 x PPPK)
JOINED = _table(
    {0: None, 1: 0, 2: 0, 3: 0, 4: 0},
    {
        **{(u, t): 2 for u in (1, 2) for t in ("PNS", "CPNS")},
        **{(u, t): 2 for u in (3, 4) for t in ("PPPK", "PW")},
        **{(u, t): 9 for u in (1, 2) for t in ("PPPK", "PW")},
        **{(u, t): 9 for u in (3, 4) for t in ("PNS", "CPNS")},
        (1, "PPPK"): 1,
    },
)
# kinds crossing the tree: a kind that would give back a unit hidden as a complement
KINDS = _table(
    {0: None, 1: 0, 2: 1, 3: 0, 4: 0},
    {(1, "PNS"): 5, (2, "PPPK"): 5, (3, "PNS"): 4, (3, "CPNS"): 2, (4, "PNS"): 2},
    {0: "PROVINSI", 1: "DINAS", 2: "UPTD", 3: "DINAS", 4: "BIRO"},
)
SHAPES = (PARENT_AS_COMPLEMENT, LEVELS, RECTANGLE, JOINED, KINDS)


def _with_shapes(test):
    for shape in SHAPES:
        for minimum in (3, 5):
            test = example(shape, minimum)(test)
    return test


@PROPERTY
@_with_shapes
@given(tables(), st.sampled_from((3, 4, 5)))
def test_no_group_under_the_minimum_is_derivable(t, minimum):
    result = protect_table(t, minimum)
    assert not unhidden_small_groups(t, result.hidden, minimum)
    assert derivable_small_sets(t, result.hidden, minimum) == []
    assert protect_table(t, minimum).hidden == result.hidden  # deterministic


@PROPERTY
@given(tables(max_agencies=6, max_types=3, max_kinds=1), st.sampled_from((3, 4, 5, 6)), st.data())
def test_the_tree_audit_finds_a_leak_exactly_when_there_is_one(t, minimum, data):
    """Any pattern (random hidden groups on top of the primary ones): the audit's verdict is
    the brute force's, and the leak it reports is a real one."""
    tree = Tree(t)
    pattern = Pattern(tree, minimum)
    pattern.hide_primary()
    for i in range(len(tree)):
        for j in range(tree.columns):
            if data.draw(st.booleans()):
                pattern.hide(i, j)
    hidden = {tree.key(i, j) for i, j in pattern.why} | {("K", k) for k in tree.kinds}
    leak = TreeAudit(pattern).find_leak()
    brute = derivable_small_sets(t, hidden, minimum)
    assert (leak is None) == (brute == [])
    if leak is not None:
        cells = [(tree.ids[i], tree.types[j - 1]) for i, j, _w in leak.atoms]
        assert 0 < leak.size == sum(t.own[c] for c in cells) < minimum
        every = derivable_small_sets(t, hidden, minimum, first=False)
        assert sorted(cells) in [sorted(found) for found, _size in every]


@PROPERTY
@given(tables(max_kinds=3), st.sampled_from((3, 4, 5)), st.data())
def test_the_kind_audit_is_exact_on_small_tables(t, minimum, data):
    """With the tree pattern made safe, any set of published kinds: the kind audit says unsafe
    exactly when some small set is derivable."""
    tree = Tree(t)
    pattern = Pattern(tree, minimum)
    pattern.hide_primary()
    local = LocalPass(pattern)
    local.seed()
    local.run()
    audit = TreeAudit(pattern)
    while (leak := audit.find_leak()) is not None:
        _size, i, j = leak.candidates[0]
        pattern.hide(i, j)
    kinds = KindAudit(pattern)
    candidates = [
        k
        for k, name in enumerate(kinds.names)
        if tree.kind_size[name] and name not in pattern.kinds
    ]
    published = [k for k in candidates if data.draw(st.booleans())]
    if not published:
        return
    verdict = kinds._unsafe(published)
    hidden = {tree.key(i, j) for i, j in pattern.why}
    hidden |= {("K", name) for k, name in enumerate(kinds.names) if k not in published}
    assert (verdict is None) == (derivable_small_sets(t, hidden, minimum) == [])
