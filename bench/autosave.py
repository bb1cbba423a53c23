"""Autosave under load: gunicorn + PostgreSQL, 50 concurrent simulated respondents.

Each respondent holds a logged-in session and keeps answering questions of its own survey (one
POST per answer, as htmx sends it). Baseline, measured in the same run with the same server and
concurrency: a trivial login-protected Django view. Targets: autosave p95 <= 50 ms and autosave
throughput >= half of the trivial view's (median ratio of interleaved saturated pairs).
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import verdict_line

RESPONDENTS = 50
PROCESSES = 10  # client processes, RESPONDENTS / PROCESSES threads each
WARMUP_SECONDS = 2.0
MEASURE_SECONDS = 6.0
PAIRS = 5  # interleaved saturated windows of the trivial view and the autosave
THINK_SECONDS = 1.0
GUNICORN_WORKERS = 4
GUNICORN_THREADS = 4
CSRF = "benchcsrftokenbenchcsrftokenbenc"  # 32 characters: an unmasked CSRF secret
ITEM_CODES = [f"{v}{n}" for v in ("BP", "AK", "KO", "HA", "LO", "AD", "KL") for n in (1, 2, 3)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed() -> list[tuple[str, int]]:
    """A province, RESPONDENTS employees with an open round; returns (session key, participation)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from berakhlak.middleware import SESSION_STARTED_KEY
    from surveys.models import Participation
    from tests.factories import AgencyFactory, EmployeeFactory
    from tests.surveys.factories import behaviour_instrument, open_round

    class Province:
        pass

    province = Province()
    province.root = AgencyFactory(code="BENCH", name="Provinsi Bench", kind="PROVINSI")
    opds = [AgencyFactory(code=f"OPD{i}", parent=province.root) for i in range(5)]
    admin = EmployeeFactory(agency=province.root)
    from tests.factories import Role, grant

    grant(admin.user, Role.ADMIN, province.root)
    province.admin = admin
    for n in range(RESPONDENTS):
        EmployeeFactory(agency=opds[n % len(opds)])
    round = open_round(province, instruments=[behaviour_instrument()])
    sessions = []
    for participation in Participation.objects.filter(round=round).select_related("employee__user"):
        user = participation.employee.user
        if user == admin.user:
            continue
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[SESSION_STARTED_KEY] = int(time.time())
        store.create()
        sessions.append((store.session_key, participation.pk))
    return sessions[:RESPONDENTS]


def _request(port: int, method: str, path: str, body: str, session: str) -> float:
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={CSRF}",
        "X-CSRFToken": CSRF,
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
        "Host": "127.0.0.1",
    }
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{method} {path}: HTTP {response.status}")
    finally:
        conn.close()
    return time.perf_counter() - started


def _client(args) -> list[float]:
    """One client process: a thread per respondent, each answering until the deadline."""
    import threading

    port, users, kind, start_at, stop_at, think = args
    latencies: list[float] = []
    lock = threading.Lock()

    def respondent(session: str, participation: int, seed: int) -> None:
        rng = random.Random(seed)
        mine, failures = [], 0
        while time.time() < stop_at:
            try:
                if kind == "autosave":
                    code = rng.choice(ITEM_CODES)
                    body = f"q={code}&{code}={rng.randint(1, 6)}"
                    path = f"/survei/{participation}/jawab/"
                    elapsed = _request(port, "POST", path, body, session)
                else:
                    elapsed = _request(port, "GET", "/bench/ping/", "", session)
            except (OSError, RuntimeError) as error:
                failures += 1
                if failures == 1:
                    print(f"request failed: {error}", file=sys.stderr)
                continue
            if time.time() >= start_at:
                mine.append(elapsed)
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=respondent, args=(s, p, p * 7919)) for s, p in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def _load(port: int, sessions, kind: str, think: float = 0.0) -> dict:
    start_at = time.time() + WARMUP_SECONDS
    stop_at = start_at + MEASURE_SECONDS
    chunks = [sessions[i::PROCESSES] for i in range(PROCESSES)]
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        results = pool.map(
            _client, [(port, chunk, kind, start_at, stop_at, think) for chunk in chunks]
        )
    latencies = sorted(x for chunk in results for x in chunk)
    if len(latencies) < 2:
        raise RuntimeError(f"{kind}: no successful requests; see the errors above")
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / MEASURE_SECONDS,
        "p50": statistics.median(latencies) * 1000,
        "p95": quantiles[94] * 1000,
        "p99": quantiles[98] * 1000,
    }


def _gunicorn(port: int) -> subprocess.Popen:
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions were signed in this process
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)  # no broker needed: autosave enqueues nothing
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "berakhlak.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(GUNICORN_WORKERS),
            "--worker-class",
            "gthread",
            "--threads",
            str(GUNICORN_THREADS),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start within 30 s")


def run(workdir: Path) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        print(
            "SKIPPED: the autosave load test needs PostgreSQL; run "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/berakhlak make bench"
        )
        return
    sessions = _seed()
    port = _free_port()
    server = _gunicorn(port)
    try:
        print(
            f"gunicorn: {GUNICORN_WORKERS} workers x {GUNICORN_THREADS} threads; "
            f"{len(sessions)} concurrent respondents; {MEASURE_SECONDS:.0f} s each"
        )
        # Saturation: every respondent fires its next request as soon as the last one returns.
        # The client processes share the machine with the server, so one window of each is noisy
        # (0.43-0.56 in consecutive runs of the same code): PAIRS interleaved pairs, the median
        # of their ratios.
        pairs = [
            (_load(port, sessions, "trivial"), _load(port, sessions, "autosave"))
            for _ in range(PAIRS)
        ]
        # Pacing: each respondent thinks THINK_SECONDS (+-50%) between answers, a fast reader.
        paced_trivial = _load(port, sessions, "trivial", think=THINK_SECONDS)
        paced = _load(port, sessions, "autosave", think=THINK_SECONDS)
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"{'':<30}{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    ratios = sorted(autosave["rps"] / baseline["rps"] for baseline, autosave in pairs)
    ratio = statistics.median(ratios)
    rows = (
        *(
            row
            for i, (b, a) in enumerate(pairs, start=1)
            for row in ((f"trivial view, saturated ({i})", b), (f"autosave, saturated ({i})", a))
        ),
        (f"trivial view, {THINK_SECONDS:g} s think", paced_trivial),
        (f"autosave, {THINK_SECONDS:g} s think", paced),
    )
    for name, figures in rows:
        print(
            f"{name:<30}{figures['requests']:>10}{figures['rps']:>10.0f}{figures['p50']:>10.1f}"
            f"{figures['p95']:>10.1f}{figures['p99']:>10.1f}"
        )
    print("saturated throughput ratios: " + ", ".join(f"{r:.2f}" for r in ratios))
    verdict_line(
        "autosave_p95_think",
        f"{paced['p95']:.1f} ms ({paced['p95'] / paced_trivial['p95']:.2f}x the trivial view)",
        "<= 50 ms",
        paced["p95"] <= 50,
    )
    verdict_line(
        "autosave_throughput",
        f"{ratio:.2f}x the trivial view, saturated (median of {PAIRS} interleaved pairs)",
        ">= 0.50x",
        ratio >= 0.5,
    )
