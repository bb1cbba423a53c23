"""The index compute of a national round (PostgreSQL): 2,034 agencies, 1,000,000, 2,500,000 and
4,700,000 released responses (docs/ARCHITECTURE.md §7.2).

Data (bench/national_seed.py, COPY): a 3-level tree (province -> 60 OPD -> bidang/UPTD), 8% of
units with 1-4 responses and the rest heavy-tailed, ASN mix 72/18/7/3 %, a closed round with
both default instruments, released responses, their participations, rosters and paper imports.

Per size, in the same run and on the same table:
  (a) the bare scan: `SELECT round_agency_id, avg(score_...) x 7 ... GROUP BY round_agency_id`
      of the round (warm, best of three);
  (b) the full compute by the Celery task's code path (reports.services.compute.index_run_execute,
      through index_compute_now), in a child process as a worker runs it: wall seconds (best of
      two) and the child's peak RSS (ru_maxrss);
  (c) the time per phase of that compute, and the hidden cells (primary and complementary) of
      the national tree with these answers (suppression alone at four tree sizes:
      bench/suppression.py);
  (d) the instrument quality of the same run (reports.services.quality: its own query over
      the item answers, a background job), wall seconds in this process;
  (e) the scan the compute no longer does: the GROUP BY of the 41 cell sums over the round's
      responses (surveys.sums.scan_sql), which the triggers on surveys_response do once, as the
      responses are written (inside "responses (COPY)" of the seeding); printed for reference.
Targets (issue 15): a/b <= 3 (goal 2), peak RSS <= 1 GiB; the instrument quality <= 120 s
(an admin waits for it on a polling page).

BENCH_NATIONAL_SIZES=200000,1000000 overrides the sizes (a quick run).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench import verdict_line

SIZES = (1_000_000, 2_500_000, 4_700_000)
TARGET_RATIO = 3.0
GOAL_RATIO = 2.0
TARGET_RSS_MIB = 1024
TARGET_QUALITY_SECONDS = 120

BARE_SQL = """
SELECT round_agency_id, avg(score_bp), avg(score_ak), avg(score_ko), avg(score_ha),
       avg(score_lo), avg(score_ad), avg(score_kl)
FROM surveys_response WHERE round_id = %s GROUP BY round_agency_id
"""


def sizes() -> tuple[int, ...]:
    text = os.environ.get("BENCH_NATIONAL_SIZES", "")
    return tuple(int(s.replace("_", "")) for s in text.split(",") if s.strip()) or SIZES


def _label(size: int) -> str:
    return f"{size / 1e6:g}M" if size >= 1_000_000 else f"{size // 1000}k"


def _timed(step) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


# --- the child: one compute, as a worker runs it ---------------------------------------------


def _phases() -> dict[str, float]:
    """Wrap the compute's phases with timers (module attributes: what the code calls)."""
    import reports.aggregation as aggregation
    import reports.services.compute as compute
    import reports.suppression as suppression

    spent: dict[str, float] = {}

    def wrap(module, name: str, label: str) -> None:
        original = getattr(module, name, None)
        if original is None:  # not in the checkout measured (an older one)
            return

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - started

        setattr(module, name, timed)

    wrap(compute, "_read_inputs", "read (inputs + scan + roll-up)")
    wrap(compute, "compute_inputs", "inputs (corrections, waiting sheets)")
    wrap(aggregation, "_cells", "cell sums (stored per cell), decoded")
    wrap(aggregation, "_roll_up", "roll-up (the server counts meanwhile)")
    wrap(suppression, "protect_table", "suppression")
    if hasattr(compute, "figures_batches"):  # rows built while COPY stores the previous ones
        wrap(compute, "_figures_insert", "figures + write (COPY), overlapped")
    else:  # the code before (bench of an older checkout): built, then written
        wrap(compute, "figures_build", "figures (formulas + suppression)")
        wrap(compute, "_figures_insert", "write (COPY)")
    return spent


def child(round_id: int) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "berakhlak.settings_test"
    import django

    django.setup()
    from evaluations.models import Round
    from reports.services.compute import index_compute_now

    spent = _phases()
    round = Round.objects.get(pk=round_id)
    started = time.perf_counter()
    run, computed = index_compute_now(round=round)
    seconds = time.perf_counter() - started
    assert computed and run.status == "DONE", (run.status, run.error)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps({"seconds": seconds, "rss_mib": peak_kib / 1024, "run": run.pk, "phases": spent})
    )


def _compute_in_child(round_id: int) -> dict:
    from django.db import connection

    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        f"/{settings['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("REDIS_URL", None)  # the compute needs no broker; the run is computed in-process
    output = subprocess.run(
        [sys.executable, "-m", "bench.national", "--compute", str(round_id)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


# --- the parent -------------------------------------------------------------------------------


def _hidden(round, label: str) -> None:
    from reports import suppression
    from reports.aggregation import tally_round

    tallies = tally_round(round, selection=True)
    table = suppression.Table.from_tallies(tallies, "n")
    started = time.process_time()
    result = suppression.protect_table(table, round.min_group)
    seconds = time.process_time() - started
    print(
        f"bench national_hidden_{label}: {result.primary} primary + "
        f"{result.complementary} complementary of {result.stats['groups']} nonempty groups "
        f"on the tree of {len(tallies.nodes):,} agencies (count table n, minimum "
        f"{round.min_group}; suppression {seconds:.3f} s CPU; "
        "at 4 tree sizes: bench/suppression.py)"
    )


def _one_size(size: int) -> None:
    from django.db import connection

    from bench.national_seed import national_seed
    from reports.models import IndexFigure

    label = _label(size)
    with connection.cursor() as cursor:  # a fresh table for each size: one round in it
        cursor.execute("TRUNCATE surveys_response, surveys_participation")
    round, seeded, steps = national_seed(size)
    print(
        f"seeded {size:,} responses over 2,034 agencies in {seeded:.1f} s ("
        + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items())
        + ")",
        flush=True,
    )

    def bare_scan():
        with connection.cursor() as cursor:
            cursor.execute(BARE_SQL, [round.pk])
            cursor.fetchall()

    bare_scan()  # warm: both measurements read a table already in memory
    bare = min(_timed(bare_scan) for _ in range(3))
    results = [_compute_in_child(round.pk) for _ in range(2)]
    bare = min(bare, min(_timed(bare_scan) for _ in range(2)))  # again, after: same conditions
    cell_scan = min(_timed(lambda: _cell_scan(round.pk)) for _ in range(2))
    best = min(results, key=lambda r: r["seconds"])
    figures = IndexFigure.objects.filter(run_id=best["run"]).count()
    ratio = best["seconds"] / bare
    runs = ", ".join(f"{r['seconds'] * 1000:.0f}" for r in results)
    print(
        f"bare scan {bare * 1000:.0f} ms; full compute {best['seconds'] * 1000:.0f} ms, the "
        f"faster of {runs} ms ({figures:,} figure rows); phases of that compute (nested):"
    )
    for phase, seconds in best["phases"].items():
        print(f"  {phase:<40}{seconds * 1000:8.0f} ms {seconds / best['seconds']:6.1%}")
    verdict_line(
        f"national_compute_{label}",
        f"{ratio:.2f}x the bare scan ({best['seconds']:.2f} s / {bare:.2f} s)",
        f"<= {TARGET_RATIO:g}x, goal {GOAL_RATIO:g}x",
        ratio <= TARGET_RATIO,
    )
    rss = max(r["rss_mib"] for r in results)
    print(
        f"bench national_cell_scan_{label}: {cell_scan:.2f} s ({cell_scan / bare:.1f}x the bare "
        "scan; the GROUP BY of the cell sums, done by the database as responses are written, "
        "no longer by the compute)"
    )
    verdict_line(
        f"national_compute_rss_{label}",
        f"{rss:.0f} MiB peak RSS of the computing process",
        f"<= {TARGET_RSS_MIB} MiB",
        rss <= TARGET_RSS_MIB,
    )
    _hidden(round, label)
    _quality(best["run"], bare, label)


def _cell_scan(round_id: int) -> None:
    from django.db import connection

    from surveys.sums import scan_sql

    with connection.cursor() as cursor:
        cursor.execute(scan_sql(), [round_id])
        cursor.fetchall()


def _quality(run_id: int, bare: float, label: str) -> None:
    from reports.models import IndexRun, InstrumentQuality
    from reports.services.quality import instrument_quality_compute

    run = IndexRun.objects.get(pk=run_id)
    seconds = _timed(lambda: instrument_quality_compute(run))
    quality = InstrumentQuality.objects.get(run_id=run_id)
    assert quality.shown, ("no instrument quality", quality.status, quality.empty, quality.error)
    verdict_line(
        f"national_quality_{label}",
        f"{seconds:.1f} s ({seconds / bare:.0f}x the bare scan; {quality.responses:,} complete "
        f"answers, alpha {quality.alpha})",
        f"<= {TARGET_QUALITY_SECONDS} s",
        seconds <= TARGET_QUALITY_SECONDS,
    )


def run(workdir: Path | None = None) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        print("the national benchmark needs PostgreSQL: DATABASE_URL=postgres://... make bench")
        verdict_line("national_compute", "not measured on SQLite", "PostgreSQL", False)
        return
    for size in sizes():
        _one_size(size)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--compute"]:
        child(int(sys.argv[2]))
    else:
        raise SystemExit("run through the runner: python -m bench.run national")
