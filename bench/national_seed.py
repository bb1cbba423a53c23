"""Seeding of the national benchmark (bench/national.py): a province of 2,034 agencies and a closed
round of one to several million released responses, written with COPY (no Python object per row).

The tree: the province, 60 OPDs (Setda, Setwan, Inspektorat, Dinas, Badan, RSUD), 1,973 bidang /
UPTD / biro below them, spread over the OPDs by Pareto weights (a few OPDs with hundreds of units).
Unit sizes: 8% of the units have 1-4 responses, the others a log-normal share of the rest (heavy
tailed: from a handful to tens of thousands). ASN mix PNS 72 / PPPK 18 / CPNS 7 / PPPK paruh waktu
3 % (berakhlak.models.AsnType). One unit in twenty also has paper answers (a PaperImport row and
responses with source PAPER); every web response has its SUBMITTED participation (who took part),
so that the compute's participation count reads a table of national size too. Rosters are the
answers over a response rate of 60-95%.
"""

from __future__ import annotations

import io
import json
import math
import random
import time

from bench.pages_seed import Tree, _admin, _agencies_create, _replica

AGENCIES = 2034
OPDS = 60
SEED = 20261201
TYPES = (("PNS", 0.72), ("PPPK", 0.90), ("CPNS", 0.97), ("PPPK_PARUH_WAKTU", 1.0))
OPD_KINDS = ["SETDA", "SETWAN", "INSPEKTORAT"] + ["DINAS"] * 34 + ["BADAN"] * 16 + ["RSUD"] * 7
VALUES = ("BP", "AK", "KO", "HA", "LO", "AD", "KL")
TAILS = 9973  # distinct pre-formatted score rows, cycled from a different start in every unit


def tree_national(rng: random.Random) -> Tree:
    """Rows (code, name, kind, parent code, 0, 0, 0, 0) of the 3-level tree of 2,034 agencies."""
    tree = Tree("nasional", "NAS")
    tree.rows.append(("NAS", "Pemerintah Provinsi Uji Nasional", "PROVINSI", None, 0, 0, 0, 0))
    weights = [rng.paretovariate(1.2) for _ in range(OPDS)]
    weights[2] = 0.0  # the Inspektorat has no units
    units = AGENCIES - 1 - OPDS
    assert len(OPD_KINDS) == OPDS
    for i, kind in enumerate(OPD_KINDS, start=1):
        tree.rows.append((f"N-{i:02d}", f"{kind.title()} {i}", kind, "NAS", 0, 0, 0, 0))
    for u in range(1, units + 1):
        opd = rng.choices(range(OPDS), weights)[0]
        kind = {"SETDA": "BIRO", "SETWAN": "UNIT", "RSUD": "UNIT"}.get(
            OPD_KINDS[opd], rng.choice(("UPTD", "UPTD", "UNIT"))
        )
        tree.rows.append(
            (f"N-U{u:04d}", f"{kind.title()} {u}", kind, f"N-{opd + 1:02d}", 0, 0, 0, 0)
        )
    assert tree.agencies == AGENCIES
    return tree


def unit_sizes(rng: random.Random, agencies: int, responses: int) -> list[int]:
    """Responses per agency (the province itself has none): 8% with 1-4, the rest heavy-tailed."""
    sizes = [0] * agencies
    tiny = [i for i in range(1, agencies) if rng.random() < 0.08]
    for i in tiny:
        sizes[i] = rng.randint(1, 4)
    large = [i for i in range(1, agencies) if not sizes[i]]
    weights = [math.exp(rng.gauss(0, 1.1)) for _ in large]
    rest = responses - sum(sizes)
    scale = rest / sum(weights)
    for i, w in zip(large, weights, strict=True):
        sizes[i] = max(5, int(w * scale))
    sizes[large[0]] += responses - sum(sizes)  # exact total
    assert min(sizes[i] for i in large) >= 5 and sum(sizes) == responses
    return sizes


def _tails(rng: random.Random) -> list[str]:
    """Pre-formatted text for the answers, score and values-selection columns (COPY text)."""
    from surveys.models import selection_derived

    tails = []
    for _ in range(TAILS):
        profile = rng.gauss(0, 8)
        scores = [
            min(100.0, max(0.0, rng.gauss(m + profile, 14))) for m in (62, 70, 60, 66, 68, 45, 55)
        ]
        engagement = min(100.0, max(0.0, rng.gauss(64 + profile, 15)))
        current = sorted(rng.sample(VALUES, 3))
        personal = sorted(rng.sample(VALUES, 3))
        desired = sorted(rng.sample(VALUES, 3))
        limiting = rng.randint(0, 3)
        derived = selection_derived(",".join(current), ",".join(personal), ",".join(desired))
        # The behaviour items' raw answers (1-6, three per value, near the value's score), for
        # the instrument quality's own query (reports.services.quality).
        items = {
            f"{value}{i}": min(6, max(1, round(1 + s / 20 + rng.gauss(0, 0.8))))
            for value, s in zip(VALUES, scores, strict=True)
            for i in (1, 2, 3)
        }
        fields = [
            json.dumps(items, separators=(",", ":")),
            *(f"{s:.4f}" for s in scores),
            f"{engagement:.4f}",
            ",".join(current),
            str(limiting),
            ",".join(personal),
            ",".join(desired),
            str(derived["current_mask"]),
            repr(float(derived["alignment_desired"])),
            repr(float(derived["alignment_personal"])),
        ]
        tails.append("\t".join(fields))
    return tails


RESPONSE_COLUMNS = (
    "id, round_id, round_agency_id, asn_type, source, answers, score_bp, score_ak, score_ko, "
    "score_ha, score_lo, score_ad, score_kl, score_engagement, current_values, current_limiting, "
    "personal_values, desired_values, current_mask, alignment_desired, alignment_personal"
)
PARTICIPATION_COLUMNS = (
    "round_id, employee_id, round_agency_id, asn_type, status, submitted_on, reminders_sent, "
    "invitation_email"
)
CHUNK = 1 << 22  # characters per write to COPY


def _asn_type(rng: random.Random) -> str:
    draw = rng.random()
    return next(t for t, upto in TYPES if draw < upto)


def responses_copy(cursor, round_id: int, agency_ids: list[int], sizes: list[int], paper: set):
    """COPY the responses (and the web ones' participations) of every agency; returns the counts
    of paper answers per agency. `cursor` is a psycopg cursor."""
    rng = random.Random(SEED + 1)
    tails = _tails(rng)
    paper_counts: dict[int, int] = {}
    number = 0
    with cursor.copy(f"COPY surveys_response ({RESPONSE_COLUMNS}) FROM STDIN") as responses:
        buffer = io.StringIO()
        for agency, size in zip(agency_ids, sizes, strict=True):
            start = rng.randrange(TAILS)
            papers = size // 10 if agency in paper else 0
            if papers:
                paper_counts[agency] = papers
            for k in range(size):
                number += 1
                source = "PAPER" if k < papers else "WEB"
                buffer.write(
                    f"00000000-0000-4000-8000-{number:012x}\t{round_id}\t{agency}\t"
                    f"{_asn_type(rng)}\t{source}\t{tails[(start + k) % TAILS]}\n"
                )
            if buffer.tell() > CHUNK:
                responses.write(buffer.getvalue())
                buffer = io.StringIO()
        responses.write(buffer.getvalue())
    return paper_counts


def participations_copy(cursor, round_id: int) -> int:
    """One SUBMITTED participation per web response, same unit and ASN type (employee ids are
    made up: foreign-key triggers are off while seeding)."""
    cursor.execute(
        f"INSERT INTO surveys_participation ({PARTICIPATION_COLUMNS}) "
        "SELECT round_id, row_number() OVER (), round_agency_id, asn_type, 'SUBMITTED', "
        "current_date, 0, '' FROM surveys_response WHERE round_id = %s AND source = 'WEB'",
        [round_id],
    )
    return cursor.rowcount


def round_closed(root, admin):
    """A round on the tree with both default instruments (bench/indices.py `_round`), closed
    without the close signal (which would try a release in this process)."""
    from bench.indices import _round
    from evaluations.models import Round, RoundStatus

    round = _round(admin, root=root)
    Round.objects.filter(pk=round.pk).update(status=RoundStatus.CLOSED)
    round.refresh_from_db()
    return round


def national_seed(responses: int) -> tuple:
    """Seed the tree (once) and a closed round of `responses` released responses.

    Returns (round, seconds of seeding, {step: seconds})."""
    from django.db import connection

    from berakhlak.models import Agency
    from evaluations.models import RoundAgency
    from surveys import sums
    from surveys.models import PaperImport

    steps: dict[str, float] = {}
    started = time.perf_counter()
    rng = random.Random(SEED)
    root = Agency.objects.filter(code="NAS").first()
    if root is None:
        root = _agencies_create(tree_national(rng))
    admin = _admin()
    round = round_closed(root, admin)
    agencies = list(
        RoundAgency.objects.filter(round=round)
        .order_by("depth", "path")
        .values_list("pk", flat=True)
    )
    sizes = unit_sizes(random.Random(SEED + responses), len(agencies), responses)
    paper = {a for a in agencies[1:] if rng.random() < 0.05}
    steps["tree and round"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        skip_triggers = _replica(cursor, True)
        mark = time.perf_counter()
        papers = responses_copy(cursor.cursor, round.pk, agencies, sizes, paper)
        steps["responses (COPY)"] = time.perf_counter() - mark
        mark = time.perf_counter()
        # The cell sums' triggers do not fire while the role skips triggers: the same sums by
        # the one statement a write of these rows would have run (surveys.sums).
        sums.rebuild(round.pk)
        steps["cell sums"] = time.perf_counter() - mark
        mark = time.perf_counter()
        participations_copy(cursor, round.pk)
        steps["participations"] = time.perf_counter() - mark
        rates = [rng.uniform(0.60, 0.95) for _ in agencies]
        rosters = [
            0 if not s else max(s, math.ceil(s / r)) for s, r in zip(sizes, rates, strict=True)
        ]
        cursor.execute(
            "UPDATE evaluations_roundagency ra SET roster_count = c.roster FROM "
            "unnest(%s::bigint[], %s::int[]) AS c(id, roster) WHERE ra.id = c.id",
            [agencies, rosters],
        )
        if skip_triggers:
            _replica(cursor, False)
        PaperImport.objects.bulk_create(
            PaperImport(round_id=round.pk, round_agency_id=a, count=c) for a, c in papers.items()
        )
        mark = time.perf_counter()
        # VACUUM too: the visibility map and hint bits set, as on a table that has been read
        # before; the bare scan and the compute then read the same pages the same way.
        for table in ("surveys_response", "surveys_participation", "evaluations_roundagency"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        steps["analyze"] = time.perf_counter() - mark
    return round, time.perf_counter() - started, steps
