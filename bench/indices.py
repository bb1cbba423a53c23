"""Index computation over 1,000,000 responses (PostgreSQL), and the overview page's render time.

Times, in the same run and on the same table:
  (a) the full compute (every scope, breakdown and figure of a round, written as a snapshot);
  (b) the baseline: a bare `GROUP BY round_agency` average of the seven value columns.
Targets (issue 5): a/b <= 3, the full compute <= 10 s on a 2-core machine, and the dashboard
overview rendered in <= 100 ms whatever the number of responses (it reads stored figures only).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from bench import login, verdict_line

RESPONSES = 1_000_000
RENDERS = 20


def _province():
    from berakhlak.demo import seed_agencies, seed_demo_accounts
    from berakhlak.models import Employee

    seed_agencies()
    seed_demo_accounts()
    return Employee.objects.get(nip="198001012006041001").user  # the demo admin


def _round(admin, root=None):
    import datetime as dt

    from django.utils import timezone

    from evaluations.services import round_create
    from surveys.models import Instrument, InstrumentKind, RoundInstrument
    from surveys.services.rounds import round_open

    today = timezone.localdate()
    round = round_create(
        root=root or _root(),
        by=admin,
        name="Bench",
        year=today.year,
        survey_opens_on=today - dt.timedelta(days=1),
        survey_closes_on=today + dt.timedelta(days=9),
        evidence_opens_on=today - dt.timedelta(days=1),
        evidence_closes_on=today + dt.timedelta(9),
        review_opens_on=today,
        review_closes_on=today + dt.timedelta(days=20),
    )
    defaults = Instrument.objects.filter(
        kind__in=(InstrumentKind.BEHAVIOUR, InstrumentKind.VALUES_SELECTION)
    ).order_by("kind", "code", "-version")
    seen = set()
    for order, instrument in enumerate(defaults, start=1):
        if instrument.kind in seen:
            continue
        seen.add(instrument.kind)
        RoundInstrument.objects.create(round=round, instrument=instrument, order=order)
    return round_open(round=round, by=admin)


def _root():
    from berakhlak.models import Agency

    return Agency.objects.get(parent__isnull=True)


SEED_SQL = """
INSERT INTO surveys_response (
    id, round_id, round_agency_id, asn_type, source, answers,
    score_bp, score_ak, score_ko, score_ha, score_lo, score_ad, score_kl, score_engagement,
    current_values, current_limiting, personal_values, desired_values,
    current_mask, alignment_desired, alignment_personal)
SELECT
    md5(%(round)s::text || '-' || g::text)::uuid, %(round)s,
    (%(agencies)s::bigint[])[1 + (g %% array_length(%(agencies)s::bigint[], 1))],
    (ARRAY['PNS','PNS','PNS','PPPK','CPNS'])[1 + (g %% 5)], 'WEB', '{}'::jsonb,
    40 + random() * 50, 50 + random() * 45, 40 + random() * 50, 45 + random() * 50,
    50 + random() * 45, 20 + random() * 50, 35 + random() * 50, 40 + random() * 50,
    (ARRAY['AK,BP,KO','BP,HA','KL,LO,AD','AK'])[1 + (g %% 4)], (g %% 4),
    (ARRAY['BP,AK','HA,KO,LO','AD'])[1 + (g %% 3)], (ARRAY['AD,KL,BP','KO,AK'])[1 + (g %% 2)],
    (ARRAY[7, 9, 112, 2])[1 + (g %% 4)], (g %% 3) * 33.3, (g %% 5) * 25.0
FROM generate_series(1, %(count)s) AS g
"""

BASELINE_SQL = """
SELECT round_agency_id, AVG(score_bp), AVG(score_ak), AVG(score_ko), AVG(score_ha),
       AVG(score_lo), AVG(score_ad), AVG(score_kl)
FROM surveys_response WHERE round_id = %s GROUP BY round_agency_id
"""


def _timed(step) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def run(workdir: Path) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        print(
            "SKIPPED: the 1,000,000-response benchmark needs PostgreSQL; run with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/berakhlak"
        )
        return
    from django.test import Client

    from evaluations.models import RoundAgency
    from reports.models import IndexFigure
    from reports.services.compute import index_compute_now

    admin = _province()
    round = _round(admin)
    agencies = list(RoundAgency.objects.filter(round=round).values_list("pk", flat=True))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(SEED_SQL, {"round": round.pk, "agencies": agencies, "count": RESPONSES})
        cursor.execute("ANALYZE surveys_response")
    print(
        f"seeded {RESPONSES:,} responses over {len(agencies)} units "
        f"in {time.perf_counter() - started:.1f} s"
    )

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL, [round.pk])
            cursor.fetchall()

    baseline()  # warm the cache: both measurements read a table already in memory
    bare = min(_timed(baseline) for _ in range(3))
    result = {}

    def compute_once():
        result["run"] = index_compute_now(round=round)[0]

    compute = min(_timed(compute_once) for _ in range(2))
    figures = IndexFigure.objects.filter(run=result["run"]).count()
    ratio = compute / bare
    print(f"bare GROUP BY agency (7 averages): {bare * 1000:8.0f} ms")
    print(f"full compute ({figures} figures):  {compute * 1000:8.0f} ms")
    verdict_line("indices_compute_ratio", f"{ratio:.2f}x the bare GROUP BY", "<= 3x", ratio <= 3)
    verdict_line("indices_compute_seconds", f"{compute:.2f} s", "<= 10 s", compute <= 10)

    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    login(client, admin)
    url = f"/dasbor/{round.pk}/"
    assert client.get(url).status_code == 200
    renders = []
    for _ in range(RENDERS):
        renders.append(_timed(lambda: client.get(url)))
    trivial = [_timed(lambda: client.get("/health/")) for _ in range(RENDERS)]
    median, base = statistics.median(renders), statistics.median(trivial)
    verdict_line(
        "indices_overview_page",
        f"{median * 1000:.0f} ms median of {RENDERS} renders ({median / base:.1f}x the health "
        f"check's {base * 1000:.0f} ms)",
        "<= 100 ms",
        median <= 0.1,
    )
