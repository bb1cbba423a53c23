"""Suppression alone on realistic national trees, in memory (no database).

Trees of 246 / 491 / 981 / 1,961 and 2,034 agencies in three levels (province -> OPD ->
bidang/UPTD): 8% of units with 1-4 responses, the others log-normal around forty (tens to
hundreds), ASN mix PNS 72 / PPPK 18 / CPNS 7 / PPPK paruh waktu 3 %, kinds as in a province.
Times `protect_table` (best of a few runs), the 1,961 / 981 ratio, and the hidden cells
(primary and complementary) on the 2,034 tree. The method it replaced (a global fixed point
over every relation) is run on the 246 tree for comparison: it took 78 s at 2,034.

python -m bench.run suppression      (or: python -m bench.suppression, without Django's test db)
"""

from __future__ import annotations

import math
import random
import time
from pathlib import Path

SIZES = (246, 491, 981, 1961)
NATIONAL = 2034
TARGET_2034 = 0.2  # seconds, "well under" on a 2-core machine
TARGET_RATIO = 2.5
TYPES = ("PNS", "PPPK", "CPNS", "PPPK_PARUH_WAKTU")
MIX = (0.72, 0.18, 0.07, 0.03)
OPD_KINDS = ("DINAS",) * 10 + ("BADAN",) * 5 + ("RSUD",) * 2
RUNS = 5


def national_tree(agencies: int, seed: int = 2024):
    """A Table of `agencies` agencies: the province, about one OPD per 49 agencies, units."""
    from reports.suppression import Table

    rng = random.Random(seed + agencies)
    opds = max(5, round(agencies / 49))
    units = agencies - 1 - opds
    parent: dict[int, int | None] = {1: None}
    kind = {1: "PROVINSI"}
    own: dict[tuple[int, str], int] = {}

    def staff(agency: int, responses: int) -> None:
        for asn_type, share in zip(TYPES, MIX, strict=True):
            # binomial split of the unit's responses, drawn one type at a time
            count = sum(1 for _ in range(responses) if rng.random() < share)
            if count:
                own[(agency, asn_type)] = count

    opd_ids = list(range(2, 2 + opds))
    specials = {2: "SETDA", 3: "SETWAN", 4: "INSPEKTORAT"}
    for pk in opd_ids:
        parent[pk] = 1
        kind[pk] = specials.get(pk, rng.choice(OPD_KINDS))
        staff(pk, int(math.exp(rng.gauss(math.log(60), 0.7))))
    weights = [rng.paretovariate(1.5) for _ in opd_ids]
    weights[2] = 0.0  # the Inspektorat has no units
    total = sum(weights)
    for u in range(units):
        pk = 2 + opds + u
        pick = rng.random() * total
        for opd, weight in zip(opd_ids, weights, strict=True):
            pick -= weight
            if pick <= 0:
                break
        parent[pk] = opd
        kind[pk] = {"SETDA": "BIRO", "RSUD": "UNIT", "SETWAN": "UNIT"}.get(
            kind[opd], rng.choice(("UPTD", "UPTD", "UPTD", "UNIT", "UNIT"))
        )
        if rng.random() < 0.08:
            responses = rng.randint(1, 4)
        else:
            responses = max(5, int(math.exp(rng.gauss(math.log(40), 0.8))))
        staff(pk, responses)
    return Table(root=1, parent=parent, kind=kind, own=own)


def _best(function, runs: int = RUNS) -> tuple[float, object]:
    best, result = math.inf, None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def _line(name: str, value: str, target: str, met: bool) -> None:
    print(f"bench {name}: {value} (target {target}): {'met' if met else 'NOT met'}")


def run(workdir: Path | None = None) -> None:
    from bench.suppression_baseline import protect_fixed_point
    from reports.suppression import protect_table

    times = {}
    for agencies in (*SIZES, NATIONAL):
        table = national_tree(agencies)
        seconds, result = _best(lambda table=table: protect_table(table, 5))
        times[agencies] = seconds
        target = TARGET_2034 * agencies / NATIONAL
        _line(f"suppression_{agencies}", f"{seconds:.3f} s", f"<= {target:.3f} s", seconds <= target)
    ratio = times[1961] / times[981]
    _line("suppression_scaling", f"{ratio:.2f}", f"<= {TARGET_RATIO}", ratio <= TARGET_RATIO)
    national = protect_table(national_tree(NATIONAL), 5)
    groups = national.stats["groups"]
    print(
        f"bench suppression_hidden_2034: {national.primary} primary + {national.complementary} "
        f"complementary of {groups} nonempty groups ({national.complementary_by_audit} of the "
        f"complementary from the audit's repairs, {national.kinds_by_audit} kinds hidden by "
        "the kind audit)"
    )
    small = national_tree(SIZES[0])
    new = protect_table(small, 5)
    started = time.perf_counter()
    old = protect_fixed_point(small, 5)
    old_seconds = time.perf_counter() - started
    print(
        f"bench suppression_hidden_{SIZES[0]}: new {new.primary} primary + {new.complementary} "
        f"complementary in {times[SIZES[0]]:.3f} s; old fixed point {old.primary} primary + "
        f"{old.complementary} complementary in {old_seconds:.1f} s "
        f"(old publishes own staff of parents and leaks: {old.leaks} small sets derivable)"
    )


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "berakhlak.settings_test")
    django.setup()
    run()
