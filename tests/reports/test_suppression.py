"""Suppression: small groups hidden, and nothing small recoverable by subtraction."""

from __future__ import annotations

import pytest

from reports.models import IndexFigure, Scope
from reports.services.compute import index_compute_now
from reports.suppression import (
    Relation,
    comment_minimum,
    display_text,
    group_minimum,
    protect,
)
from tests.reports.factories import respond, survey_round


def test_minimum_is_never_below_three_and_comments_need_ten():
    assert group_minimum(1) == 3
    assert group_minimum(5) == 5
    assert comment_minimum(10, 5) == 10
    assert comment_minimum(0, 5) == 10
    assert comment_minimum(12, 5) == 12
    assert display_text(5) == "disembunyikan (kurang dari 5 responden)"


def test_small_group_is_hidden():
    hidden = protect({"all": 12, "a": 4, "b": 8}, [], 5)
    assert set(hidden) == {"a"}
    assert hidden["a"] == "kurang dari 5 responden"


def test_complement_below_minimum_is_hidden_too():
    # agency of 12: PNS 9 and PPPK 3 -> showing PNS would expose PPPK as 12 - 9
    hidden = protect({"all": 12, "PNS": 9, "PPPK": 3}, [Relation("all", ("PNS", "PPPK"))], 5)
    assert set(hidden) == {"PNS", "PPPK"}
    assert "selisih" in hidden["PNS"]


def test_two_small_parts_together_still_small_hide_a_third():
    hidden = protect(
        {"all": 12, "PNS": 8, "PPPK": 2, "CPNS": 2},
        [Relation("all", ("PNS", "PPPK", "CPNS"))],
        5,
    )
    assert set(hidden) == {"PNS", "PPPK", "CPNS"}


def test_hidden_parts_adding_up_to_the_minimum_are_enough():
    # 30 = 20 + 6 + 4: hiding 4 alone leaves it as 30 - 20 - 6; hiding the 6 with it is enough
    hidden = protect({"all": 30, "a": 20, "b": 6, "c": 4}, [Relation("all", ("a", "b", "c"))], 5)
    assert set(hidden) == {"b", "c"}


def test_big_enough_complement_keeps_the_part():
    hidden = protect(
        {"all": 20, "PNS": 15, "PPPK": 3, "CPNS": 2}, [Relation("all", ("PNS", "PPPK", "CPNS"))], 5
    )
    assert set(hidden) == {"PPPK", "CPNS"}  # together 5: neither can be told apart


def test_subtree_minus_own_staff_cannot_expose_a_small_unit():
    # agency subtree 12 = own staff 9 + one unit of 3
    sizes = {"subtree": 12, "own": 9, "unit": 3}
    hidden = protect(sizes, [Relation("subtree", ("own", "unit"))], 5)
    assert set(hidden) == {"own", "unit"}


def test_chains_of_equations_are_followed():
    # province = A + B; A = a1 + a2 with a2 small. Hiding a1 is not enough when A and a1's
    # sibling equation let a reader rebuild a1; the audit follows the chain.
    sizes = {"P": 40, "A": 20, "B": 20, "a1": 17, "a2": 3, "k": 17, "x": 0}
    relations = [
        Relation("P", ("A", "B")),
        Relation("A", ("a1", "a2")),
        Relation("k", ("a1", "x")),  # a1 is also published as a kind of its own
    ]
    hidden = protect(sizes, relations, 5)
    assert "a2" in hidden
    assert {"a1", "k"} <= set(hidden) or "A" in hidden


def test_protected_total_is_kept_when_something_else_works():
    sizes = {"P": 18, "a": 6, "b": 10, "c": 2}
    hidden = protect(sizes, [Relation("P", ("a", "b", "c"))], 5, protected=["P"])
    assert "P" not in hidden and set(hidden) == {"a", "c"}


def test_same_input_same_decision():
    sizes = {f"g{i}": i for i in range(12)} | {"all": sum(range(12))}
    relation = [Relation("all", tuple(f"g{i}" for i in range(12)))]
    assert protect(sizes, relation, 5) == protect(dict(reversed(sizes.items())), relation, 5)


def test_agency_of_twelve_with_nine_pns_and_three_pppk(province):
    round = survey_round(province)
    respond(round, "DISDIK", 60, count=9)
    respond(round, "DISDIK", 90, count=3, asn_type="PPPK")
    respond(round, "DINKES", 70, count=20)
    run, _ = index_compute_now(round=round)
    typed = IndexFigure.objects.filter(
        run=run, scope=Scope.AGENCY, round_agency__code="DISDIK", dimension="ASN_TYPE", code="BP"
    )
    assert {(f.dimension_key, f.suppressed, f.value) for f in typed} == {
        ("PNS", True, None),
        ("PPPK", True, None),
    }
    whole = IndexFigure.objects.get(
        run=run, scope=Scope.AGENCY, round_agency__code="DISDIK", dimension="", code="BP"
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
