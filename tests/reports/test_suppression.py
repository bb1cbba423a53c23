"""Suppression: small groups hidden, and nothing small recoverable by subtraction, over several
levels, the ASN-type margins and the agency kinds."""

from __future__ import annotations

from collections import Counter

import pytest

from reports.models import Dimension, IndexFigure, Scope
from reports.services.compute import index_compute_now
from reports.suppression import (
    Table,
    comment_minimum,
    display_text,
    group_minimum,
    protect_table,
)
from reports.suppression.audit import TreeAudit
from reports.suppression.pattern import Pattern
from reports.suppression.table import Tree
from surveys.models import Response
from tests.reports.brute import derivable_small_sets, unhidden_small_groups
from tests.reports.factories import respond, survey_round


def table(parent: dict, own: dict, kind: dict | None = None) -> Table:
    """A table from {agency: parent} (the root's parent None) and {(agency, type): responses}."""
    root = next(a for a, p in parent.items() if p is None)
    return Table(root=root, parent=parent, kind=kind or dict.fromkeys(parent, "X"), own=own)


def safe(t: Table, hidden, minimum: int = 5) -> bool:
    return not unhidden_small_groups(t, hidden, minimum) and not derivable_small_sets(
        t, hidden, minimum
    )


def test_minimum_is_never_below_three_and_comments_need_ten():
    assert group_minimum(1) == 3
    assert group_minimum(5) == 5
    assert comment_minimum(10, 5) == 10
    assert comment_minimum(0, 5) == 10
    assert comment_minimum(12, 5) == 12
    assert display_text(5) == "disembunyikan (kurang dari 5 responden)"


def test_small_group_is_hidden_and_its_sibling_protects_it():
    t = table({1: None, 2: 1, 3: 1}, {(2, "PNS"): 4, (3, "PNS"): 8})
    result = protect_table(t, 5)
    assert result.hidden[("S", 2, "")] == "SMALL:5"
    assert result.hidden[("S", 3, "")] == "PROTECT:5"  # else province - 3 gives 2
    assert ("S", 1, "") not in result.hidden
    assert (result.primary, result.complementary) == (2, 2)  # each with its only type
    assert safe(t, result.hidden)


def test_complement_below_minimum_is_hidden_too():
    # agency of 12: PNS 9 and PPPK 3 -> showing PNS would expose PPPK as 12 - 9
    t = table({1: None, 2: 1, 3: 1}, {(2, "PNS"): 9, (2, "PPPK"): 3, (3, "PNS"): 20})
    hidden = protect_table(t, 5).hidden
    assert {("S", 2, "PNS"), ("S", 2, "PPPK")} <= set(hidden)
    assert hidden[("S", 2, "PNS")] == "PROTECT:5"
    assert ("S", 2, "") not in hidden
    assert safe(t, hidden)


def test_two_small_parts_together_still_small_hide_a_third():
    t = table({1: None}, {(1, "PNS"): 8, (1, "PPPK"): 2, (1, "CPNS"): 2})
    hidden = protect_table(t, 5).hidden
    assert set(hidden) == {("S", 1, "PNS"), ("S", 1, "PPPK"), ("S", 1, "CPNS")}


def test_hidden_parts_adding_up_to_the_minimum_are_enough():
    # 30 = 20 + 6 + 4: hiding 4 alone leaves it as 30 - 20 - 6; hiding the 6 with it is enough
    t = table({1: None}, {(1, "A"): 20, (1, "B"): 6, (1, "C"): 4})
    assert set(protect_table(t, 5).hidden) == {("S", 1, "B"), ("S", 1, "C")}


def test_big_enough_complement_keeps_the_part():
    t = table({1: None}, {(1, "A"): 15, (1, "B"): 3, (1, "C"): 2})
    assert set(protect_table(t, 5).hidden) == {("S", 1, "B"), ("S", 1, "C")}


def test_own_staff_of_a_parent_protects_a_small_unit_and_is_never_a_group():
    # parent's subtree 12 = its own staff 9 + one unit of 3; the own staff is never published,
    # so the subtree can be: 12 - 9 is nobody's figure
    t = table({1: None, 2: 1}, {(1, "PNS"): 9, (2, "PNS"): 3})
    hidden = protect_table(t, 5).hidden
    assert set(hidden) == {("S", 2, ""), ("S", 2, "PNS")}
    assert safe(t, hidden)


def test_province_minus_sibling_minus_grandchild_exposes_nothing():
    # the case: B hidden only as the complement of its small sibling C; B's small child
    # B2 must then be protected as if B were published (P - A - B1 = C + B2 otherwise)
    parent = {"P": None, "A": "P", "B": "P", "C": "P", "B1": "B", "B2": "B"}
    own = {("A", "PNS"): 20, ("C", "PNS"): 3, ("B1", "PNS"): 10, ("B2", "PNS"): 1}
    t = table(parent, own)
    hidden = protect_table(t, 5).hidden
    assert ("S", "B", "") in hidden and ("S", "B1", "") in hidden
    assert ("S", "P", "") not in hidden and ("S", "A", "") not in hidden
    assert safe(t, hidden)
    # the old answer (B hidden, B1 published) leaks exactly that combination
    old = {("S", a, k) for a in ("B", "C", "B2") for k in ("", "PNS")}
    assert derivable_small_sets(t, old, 5) == [([("B2", "PNS"), ("C", "PNS")], 4)]


def test_two_rectangles_joined_by_one_cell_are_caught_by_the_audit():
    # four units x four types; hidden: u1,u2 x A,B and u3,u4 x C,D (each a 2x2 rectangle, safe
    # alone) and the cell u1 x C joining them, which is then the unit's total minus the rest
    units = ("u1", "u2", "u3", "u4")
    parent = {"p": None, **dict.fromkeys(units, "p")}
    own = {(u, t): 10 for u in units for t in "ABCD"}
    cells = [(u, t) for u in ("u1", "u2") for t in "AB"] + [
        (u, t) for u in ("u3", "u4") for t in "CD"
    ]
    for cell in [*cells, ("u1", "C")]:
        own[cell] = 2
    t = table(parent, own)
    tree = Tree(t)
    pattern = Pattern(tree, 5)
    for agency, asn_type in [*cells, ("u1", "C")]:
        pattern.hide(tree.index[agency], tree.types.index(asn_type) + 1)
    leak = TreeAudit(pattern).find_leak()
    assert leak is not None
    assert [(tree.ids[i], tree.types[j - 1]) for i, j, _w in leak.atoms] == [("u1", "C")]
    assert derivable_small_sets(t, {tree.key(i, j) for i, j in pattern.why}, 5)
    assert safe(t, protect_table(t, 5).hidden)


def test_the_province_total_is_kept_when_something_else_works():
    t = table({1: None, 2: 1, 3: 1, 4: 1}, {(2, "PNS"): 6, (3, "PNS"): 10, (4, "PNS"): 2})
    hidden = protect_table(t, 5).hidden
    assert ("S", 1, "") not in hidden and ("S", 2, "") in hidden and ("S", 4, "") in hidden
    assert safe(t, hidden)


def test_same_input_same_decision():
    parent = {1: None, **{a: 1 + a % 3 for a in range(2, 14)}}
    own = {(a, t): (a * 7 + len(t)) % 9 for a in parent for t in ("PNS", "CPNS", "PPPK")}
    forward = protect_table(table(parent, own), 5)
    backward = protect_table(table(dict(reversed(parent.items())), dict(reversed(own.items()))), 5)
    assert forward.hidden == backward.hidden


def test_a_kind_that_would_expose_a_hidden_unit_is_hidden():
    # the hand fixture: DINKES 5 PNS > UPTD-LAB 5 PPPK, DISDIK 4 PNS + 2 CPNS, BIRO 2. DISDIK
    # is hidden to protect BIRO; the kind DINAS (DINKES's own staff + DISDIK) would give DISDIK
    # back, and BIRO with it. UPTD (= UPTD-LAB, published anyway) stays.
    parent = {"PROV": None, "DINKES": "PROV", "LAB": "DINKES", "DISDIK": "PROV", "BIRO": "PROV"}
    kind = {"PROV": "PROVINSI", "DINKES": "DINAS", "LAB": "UPTD", "DISDIK": "DINAS", "BIRO": "BIRO"}
    own = {
        ("DINKES", "PNS"): 5,
        ("LAB", "PPPK"): 5,
        ("DISDIK", "PNS"): 4,
        ("DISDIK", "CPNS"): 2,
        ("BIRO", "PNS"): 2,
    }
    t = Table(root="PROV", parent=parent, kind=kind, own=own)
    result = protect_table(t, 5)
    assert ("K", "DINAS") in result.hidden and ("K", "UPTD") not in result.hidden
    assert result.hidden[("K", "BIRO")] == "SMALL:5"
    assert result.kinds_by_audit == 1
    assert ("S", "PROV", "PNS") in result.hidden and ("S", "PROV", "PPPK") not in result.hidden
    assert safe(t, result.hidden)
    assert derivable_small_sets(t, set(result.hidden) - {("K", "DINAS")}, 5)


def test_a_kind_spread_over_several_parents_is_published():
    # two hidden UPTDs (2 and 3) under two Dinas: the UPTD kind gives their sum, 5, no less
    parent = {"P": None, "D1": "P", "D2": "P", "U1": "D1", "U2": "D2", "V1": "D1", "V2": "D2"}
    kind = {"P": "PROVINSI", "D1": "DINAS", "D2": "DINAS"} | dict.fromkeys(
        ("U1", "U2", "V1", "V2"), "UPTD"
    )
    own = {("D1", "PNS"): 30, ("D2", "PNS"): 30, ("U1", "PNS"): 2, ("U2", "PNS"): 3}
    own |= {("V1", "PNS"): 9, ("V2", "PNS"): 9}
    t = Table(root="P", parent=parent, kind=kind, own=own)
    result = protect_table(t, 5)
    assert ("K", "UPTD") not in result.hidden and ("K", "DINAS") not in result.hidden
    assert safe(t, result.hidden)


# --- through the compute --------------------------------------------------------------------


def test_agency_of_twelve_with_nine_pns_and_three_pppk(province):
    round = survey_round(province)
    respond(round, "DISDIK", 60, count=9)
    respond(round, "DISDIK", 90, count=3, asn_type="PPPK")
    respond(round, "DINKES", 70, count=20)
    run, _ = index_compute_now(round=round)
    typed = IndexFigure.objects.filter(
        run=run, scope=Scope.SUBTREE, round_agency__code="DISDIK", dimension="ASN_TYPE", code="BP"
    )
    assert {(f.dimension_key, f.suppressed, f.value) for f in typed} == {
        ("PNS", True, None),
        ("PPPK", True, None),
    }
    whole = IndexFigure.objects.get(
        run=run, scope=Scope.SUBTREE, round_agency__code="DISDIK", dimension="", code="BP"
    )
    assert not whole.suppressed and str(whole.value) == "67.5"


@pytest.mark.parametrize("min_group", [3, 5, 8])
def test_no_published_figure_of_answers_has_fewer_than_the_minimum(province, min_group):
    round = survey_round(province, min_group=min_group, min_comment_group=10)
    for code, count in (("DINKES", 7), ("UPTD-LAB", 2), ("DISDIK", 4), ("BIRO-ORG", 9)):
        respond(round, code, 60, count=count)
        respond(round, code, 80, count=count // 2, asn_type="PPPK")
    run, _ = index_compute_now(round=round)
    shown = IndexFigure.objects.filter(
        run=run, suppressed=False, value__isnull=False, code__in=["BP", "INDIVIDUAL"]
    )
    assert shown.exists()
    assert all(f.n >= min_group for f in shown)


def _stored_groups(run) -> tuple[Table, set[tuple]]:
    """The run's table from its responses, and the published INDIVIDUAL figures as groups."""
    agencies = {a.pk: a for a in run.round.agencies.all()}
    own = Counter((r.round_agency_id, r.asn_type) for r in Response.objects.filter(round=run.round))
    root = next(pk for pk, a in agencies.items() if a.parent_id is None)
    t = Table(
        root=root,
        parent={pk: a.parent_id for pk, a in agencies.items()},
        kind={pk: a.kind for pk, a in agencies.items()},
        own=dict(own),
    )
    shown = set()
    for f in IndexFigure.objects.filter(run=run, code="INDIVIDUAL", suppressed=False, n__gt=0):
        if f.dimension == Dimension.AGENCY_KIND:
            shown.add(("K", f.dimension_key))
        elif f.scope == Scope.AGENCY:
            shown.add(("A", f.round_agency_id, f.dimension_key))
        else:
            shown.add(("S", f.round_agency_id or root, f.dimension_key))
    return t, shown


def test_stored_figures_expose_no_small_group(province):
    round = survey_round(province)
    for code, pns, pppk, cpns in (
        ("DINKES", 9, 3, 1),
        ("UPTD-LAB", 6, 2, 0),
        ("DISDIK", 7, 0, 3),
        ("BIRO-ORG", 3, 1, 0),
    ):
        respond(round, code, 60, count=pns)
        respond(round, code, 80, count=pppk, asn_type="PPPK")
        respond(round, code, 70, count=cpns, asn_type="CPNS")
    run, _ = index_compute_now(round=round)
    t, shown = _stored_groups(run)
    tree = Tree(t)
    own_rows = {g for g in shown if g[0] == "A"}
    for _a, pk, key in own_rows:  # an agency's own row is published only as its subtree
        assert ("S", pk, key) in shown and tree.sub[tree.index[pk]] == tree.own[tree.index[pk]]
    every = {("S", pk, k) for pk in t.parent for k in ("", "PNS", "PPPK", "CPNS")}
    every |= {("K", k) for k in set(t.kind.values())}
    hidden = every - shown
    assert not unhidden_small_groups(t, hidden, 5)
    assert not derivable_small_sets(t, hidden, 5)


def test_engagement_has_its_own_pattern(province):
    from surveys.models import RoundInstrument
    from tests.surveys.factories import engagement_instrument

    round = survey_round(province)
    RoundInstrument.objects.create(round=round, instrument=engagement_instrument(), order=2)
    respond(round, "DISDIK", 60, count=4, score_engagement=70)
    respond(round, "DISDIK", 60, count=4)  # paper-like answers without engagement
    respond(round, "DINKES", 60, count=10, score_engagement=50)
    respond(round, "BIRO-ORG", 60, count=10, score_engagement=40)
    run, _ = index_compute_now(round=round)

    def disdik(code):
        return IndexFigure.objects.get(
            run=run, scope=Scope.SUBTREE, round_agency__code="DISDIK", dimension="", code=code
        )

    assert not disdik("BP").suppressed and disdik("BP").n == 8
    engagement = disdik("ENGAGEMENT")
    assert engagement.suppressed and engagement.n == 4 and engagement.value is None
