"""Pages at national width: the dashboard, the response board and the province PDF at 2,000+
agencies (docs/ARCHITECTURE.md §8).

Data: both trees of bench/pages_seed.py (a 3-level tree of 2,034 agencies with an open round, a
flat tree of 1,968 OPDs with a published one), each with a national-sized roster, computed by the
real code path.

Measured, each against the median of a trivial login-protected page in the same process
(bench.urls `/bench/ping/`): overview, drill-down, ASN-type filter, agency-kind filter, the wide
level's "show more" page and search, the board and its poll, cold (cache cleared before each
request) and warm; the bytes of each page; the queries per page; the province PDF of the flat tree
built by `manage.py build_report` in a child process (seconds and that process's peak RSS).
One line per figure: `bench <name>: <value> (target <target>): met|NOT met`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import login
from bench.pages_seed import dataset_seed

RENDERS = 15
ONLY: tuple[str, ...] = ()  # names of the pages to measure (all when empty), for a quick look


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def line(name: str, value: str, target: str, ok: bool) -> None:
    print(f"bench {name}: {value} (target {target}): {_verdict(ok)}")


@dataclass
class Measured:
    median: float  # seconds
    size: int  # bytes of the response
    queries: int


def _request(client, url: str, htmx_target: str = ""):
    headers = {"HX-Request": "true", "HX-Target": htmx_target} if htmx_target else {}
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


def measure(client, url: str, *, htmx_target: str = "", cold: bool, keep: bool = False) -> Measured:
    """Median of RENDERS requests; `cold` clears the cache before each one (a page nobody has
    opened since the run was computed), else the cache is primed first."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if not keep:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = _request(client, url, htmx_target)
    size, count = len(response.content), len(queries)
    times = []
    for _ in range(RENDERS):
        if cold:
            cache.clear()
        started = time.perf_counter()
        _request(client, url, htmx_target)
        times.append(time.perf_counter() - started)
    return Measured(median=statistics.median(times), size=size, queries=count)


def pages_measure(data: dict) -> None:
    from django.conf import settings
    from django.test import Client, override_settings

    three, flat = data["three"]["round"], data["flat"]["round"]
    wide_opd = "B3-OPD01"  # 420 units below it
    settings.DEBUG = False  # no query log on the measured requests
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"]):
        client = Client()
        login(client, data["admin"])
        trivial = [_timed(lambda: _request(client, "/bench/ping/")) for _ in range(RENDERS)]
        base = statistics.median(trivial)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"trivial page (/bench/ping/, login, same middleware): {base * 1000:.1f} ms median "
            f"(load average {load} on {os.cpu_count()} cores)"
        )
        pages = [
            ("dashboard_overview", f"/dasbor/{three.pk}/", ""),
            ("dashboard_drilldown", f"/dasbor/{three.pk}/?unit={wide_opd}", ""),
            ("dashboard_asn_filter", f"/dasbor/{three.pk}/?jenis_asn=PPPK", ""),
            ("dashboard_kind_filter", f"/dasbor/{three.pk}/?jenis_unit=UPTD&unit={wide_opd}", ""),
            ("dashboard_flat_overview", f"/dasbor/{flat.pk}/", ""),
            ("dashboard_flat_more", f"/dasbor/{flat.pk}/?mulai=50", "units-more"),
            ("dashboard_flat_search", f"/dasbor/{flat.pk}/?cari=0042", "units"),
            ("board", f"/survei/respons/{three.pk}/", ""),
            ("board_poll", f"/survei/respons/{three.pk}/", "board"),
            (
                "board_expanded",
                f"/survei/respons/{three.pk}/?buka={_pk(three, three.root.code)},{_pk(three, wide_opd)}",
                "",
            ),
        ]
        for name, url, target in pages:
            if ONLY and not any(name.startswith(o) for o in ONLY):
                continue
            board = name.startswith("board")
            target_ms = 200 if board else 100
            # The board reads a per-round snapshot of the counts (rebuilt every 10 s, timed
            # below): its pages are measured with the snapshot in place.
            for cold in (False,) if board else (True, False):
                m = measure(client, url, htmx_target=target, cold=cold, keep=board)
                label = f"{name}{'_cold' if cold else ''}"
                line(
                    label,
                    f"{m.median * 1000:.0f} ms median, {m.median / base:.1f}x trivial",
                    f"<= {target_ms} ms",
                    m.median <= target_ms / 1000,
                )
                if cold or board:
                    limit = 250_000
                    line(f"{name}_bytes", f"{m.size:,} B", f"<= {limit:,} B", m.size <= limit)
                    # Constant in the number of agencies: asserted at 10 and 200 units by
                    # tests/reports/test_dashboard_scale.py and tests/surveys/test_board_tree.py.
                    print(f"  ({name}: {m.queries} queries on the first request)")
        if not ONLY or "board" in ONLY:
            from surveys.selectors.board import _snapshot_build

            rebuild = statistics.median(_timed(lambda: _snapshot_build(three)) for _ in range(3))
            print(
                f"  (board snapshot rebuild, the participation and paper GROUP BYs: "
                f"{rebuild * 1000:.0f} ms, at most once per 10 s per open round, by one "
                f"request while the others show the previous counts)"
            )


def _pk(round, code: str) -> int:
    from evaluations.models import RoundAgency

    return RoundAgency.objects.get(round=round, code=code).pk


def _timed(step) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def document_measure(round, format: str) -> tuple[float, int, int]:
    """Build the province report in a child process (`manage.py build_report`: the same
    report_bytes as the Celery task) against this database; (seconds, the child's peak RSS in
    bytes, document bytes)."""
    from django.db import connection

    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "berakhlak.settings_test",
    }
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="berakhlak-bench-pdf-") as folder:
        output = Path(folder) / f"provinsi.{format}"
        command = [
            sys.executable,
            str(root / "manage.py"),
            "build_report",
            "--round",
            str(round.pk),
            "--format",
            format,
            "--output",
            str(output),
        ]
        started = time.perf_counter()
        child = subprocess.Popen(command, env=environment, cwd=root, stdout=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            raise RuntimeError(f"build_report failed with {child.returncode}")
        return seconds, usage.ru_maxrss * 1024, output.stat().st_size  # ru_maxrss: KiB on Linux


def run(workdir: Path) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        print(
            "pages: needs PostgreSQL (the national-width seeding is set-based SQL for it); run "
            "with DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME"
        )
        return
    started = time.perf_counter()
    data = dataset_seed()
    with connection.cursor() as cursor:
        # What autovacuum does within a minute of a run's COPY: the planner needs the new rows'
        # statistics to choose the groups' index (reports.models.FigureGroup).
        cursor.execute("ANALYZE reports_figuregroup")
    print(f"(seeding and both computes: {time.perf_counter() - started:.0f} s)")
    pages_measure(data)
    for label, format, seconds_target, memory_target in (
        ("pdf", "pdf", 20, 500),
        ("xlsx", "xlsx", 20, 500),
    ):
        seconds, peak, size = document_measure(data["flat"]["round"], format)
        line(
            f"province_{label}_flat_seconds",
            f"{seconds:.1f} s ({size / 1024:.0f} KiB)",
            f"<= {seconds_target} s",
            seconds <= seconds_target,
        )
        line(
            f"province_{label}_flat_peak_rss",
            f"{peak / 2**20:.0f} MiB",
            f"<= {memory_target} MiB",
            peak <= memory_target * 2**20,
        )
