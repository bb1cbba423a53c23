"""pytest plugin: a REAL Celery worker process for tests that must prove the broker path.

Unit tests run tasks eagerly (berakhlak/settings_test.py). A test that asks for
``celery_worker_process`` gets instead a ``celery worker`` subprocess on Redis, connected to the
same test database, and the test process sends tasks through the broker for that test only.
Such tests use ``transactional_db``: the worker is another process and sees committed rows only.

Registered by ``pytest_plugins`` in tests/conftest.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection, connections

from berakhlak.celery import app as celery_app

WORKER_FIXTURE = "celery_worker_process"
# berakhlak/settings_test.py forces eager tasks unless this is set.
WORKER_MARKER = "BERAKHLAK_REAL_CELERY_WORKER"
FALLBACK_REDIS_URL = "redis://127.0.0.1:6379/13"
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 20
PROJECT_DIR = Path(__file__).resolve().parent.parent
# The shared Redis may serve other workers: this run's tasks go to a queue of its own, so that no
# other process can take them (the worker's settings read it too, for the tasks it sends itself).
QUEUE = f"pytest-{uuid.uuid4().hex[:12]}"
QUEUE_VARIABLE = "BERAKHLAK_TEST_QUEUE"


@dataclass(frozen=True)
class CeleryWorker:
    pid: int
    hostname: str
    redis_url: str
    media_root: Path
    log_path: Path
    mail_dir: Path | None = None  # the worker's e-mails, one file per connection


def _redis_url() -> str:
    if settings.REDIS_URL:
        return settings.REDIS_URL
    client = redis.Redis.from_url(FALLBACK_REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(
            f"a real Celery worker needs Redis: REDIS_URL is unset and nothing answers at {FALLBACK_REDIS_URL}"
        )
    finally:
        client.close()
    return FALLBACK_REDIS_URL


def _database_url(settings_dict: dict) -> str:
    """The URL of the test database pytest-django created, for the worker's DATABASE_URL."""
    engine = settings_dict["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        name = str(settings_dict["NAME"])
        if name == ":memory:" or name.startswith("file:") or not Path(name).is_absolute():
            pytest.fail(
                f"the worker cannot open the SQLite test database {name!r}; it must be a file"
            )
        return f"sqlite:///{name}"
    if engine == "django.db.backends.postgresql":
        user = quote(settings_dict.get("USER") or "", safe="")
        password = quote(settings_dict.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings_dict.get("HOST") or "localhost"
        port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"
    pytest.fail(f"no DATABASE_URL form known for {engine}")


def _forget_broker_connections() -> None:
    """Drop the connection pools and result backend Celery cached for the previous settings."""
    celery_app._pool = None
    with suppress(KeyError):
        celery_app.__dict__["amqp"]._producer_pool = None
    celery_app._backend_cache = None
    with suppress(AttributeError):
        del celery_app._local.backend


@contextmanager
def _celery_app_using(redis_url: str, *, eager: bool) -> Iterator[None]:
    conf = celery_app.conf
    keys = ("broker_url", "result_backend", "task_always_eager", "task_default_queue")
    saved = {key: conf[key] for key in keys}
    conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_always_eager=eager,
        task_default_queue=QUEUE,
    )
    _forget_broker_connections()
    try:
        yield
    finally:
        conf.update(saved)
        _forget_broker_connections()


def _log_tail(path: Path, lines: int = 40) -> str:
    with suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return "(no log)"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task, then exit
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_SECONDS)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, request, tmp_path_factory
):
    """Keep a SQLite test database in a file, not in memory, when a test of this run needs the worker.

    Overrides pytest-django's fixture of the same name; other runs keep the fast in-memory database.
    """
    if not any(
        WORKER_FIXTURE in getattr(item, "fixturenames", ()) for item in request.session.items
    ):
        return
    for alias in connections:
        settings_dict = connections[alias].settings_dict
        if settings_dict["ENGINE"] != "django.db.backends.sqlite3":
            continue
        test_settings = settings_dict.setdefault("TEST", {})
        if test_settings.get("NAME") in (None, "", ":memory:"):
            test_settings["NAME"] = str(
                tmp_path_factory.mktemp("celery-worker-db") / f"test_{alias}.sqlite3"
            )


def worker_start(
    workdir: Path,
    redis_url: str,
    *,
    queue: str = QUEUE,
    media_root: Path | None = None,
    extra_env: dict[str, str] | None = None,
):
    """Start a worker process on this run's test database; returns (process, hostname, log).

    The worker leads a process group of its own, so that `worker_kill` can kill all of it."""
    hostname = f"pytest-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    celery = Path(sys.executable).with_name("celery")
    command = [
        str(celery) if celery.exists() else shutil.which("celery") or "celery",
        "-A", "berakhlak", "worker", "--pool=solo", "--concurrency=1", "-Q", queue,
        "-n", hostname, "--loglevel=INFO", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "berakhlak.settings_test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": redis_url,
        WORKER_MARKER: "1",
        QUEUE_VARIABLE: queue,
        # settings_test puts MEDIA_ROOT in a fresh temporary directory; this one, so that we can find it.
        "TMPDIR": str(workdir),
        "BERAKHLAK_TEST_EMAIL_DIR": str(workdir / "mail"),
    }
    if media_root is not None:
        environment["BERAKHLAK_TEST_MEDIA_ROOT"] = str(media_root)
    environment.update(extra_env or {})
    log_path = workdir / f"worker-{hostname.split('@')[0]}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process, hostname, log_path


def worker_kill(process: subprocess.Popen) -> None:
    """SIGKILL the worker's whole process group (the worker and any pool child), as a crash would."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=STOP_TIMEOUT_SECONDS)


def worker_wait(process: subprocess.Popen, hostname: str, log_path: Path) -> None:
    """Until the worker answers a ping (the caller has pointed the Celery app at its broker)."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not celery_app.control.ping(destination=[hostname], timeout=0.5):
        if process.poll() is not None:
            pytest.fail(
                f"the Celery worker exited with {process.returncode}:\n{_log_tail(log_path)}"
            )
        if time.monotonic() > deadline:
            pytest.fail(
                f"the Celery worker did not answer within {START_TIMEOUT_SECONDS} s:\n{_log_tail(log_path)}"
            )


@pytest.fixture(scope="session")
def _celery_worker_session(django_db_setup, tmp_path_factory) -> Iterator[CeleryWorker]:
    """One worker for the whole run, started on first use, stopped before the test database is dropped."""
    redis_url = _redis_url()
    workdir = tmp_path_factory.mktemp("celery-worker")
    process, hostname, log_path = worker_start(workdir, redis_url)
    try:
        with _celery_app_using(redis_url, eager=False):
            worker_wait(process, hostname, log_path)
        media_roots = sorted(workdir.glob("berakhlak-test-media-*"))
        if len(media_roots) != 1:
            pytest.fail(f"cannot tell the worker's MEDIA_ROOT among {media_roots}")
        yield CeleryWorker(
            process.pid, hostname, redis_url, media_roots[0], log_path, workdir / "mail"
        )
    finally:
        _stop(process)


@pytest.fixture
def spare_celery_worker(transactional_db, tmp_path, settings) -> Iterator:
    """Start extra workers on a queue of this test's own, to be killed by the test (faults).

    Yields ``start(wait=True, env=None) -> subprocess.Popen``; ``.delay()`` goes to that queue for
    the test; ``env`` adds to the worker's environment.
    With ``wait=False`` it does not wait for a ping (a solo worker busy with a task cannot answer).
    Every worker of the test and the test itself share one MEDIA_ROOT (uploads, report files).
    """
    redis_url = _redis_url()
    queue = f"{QUEUE}-spare-{uuid.uuid4().hex[:6]}"
    processes: list[subprocess.Popen] = []
    media_root = tmp_path / "media"
    media_root.mkdir()
    settings.MEDIA_ROOT = media_root

    def start(*, wait: bool = True, env: dict[str, str] | None = None) -> subprocess.Popen:
        process, hostname, log_path = worker_start(
            tmp_path, redis_url, queue=queue, media_root=media_root, extra_env=env
        )
        processes.append(process)
        if wait:
            worker_wait(process, hostname, log_path)
        return process

    with _celery_app_using(redis_url, eager=False):
        celery_app.conf.task_default_queue = queue
        try:
            yield start
        finally:
            for process in processes:
                _stop(process)


@pytest.fixture
def celery_worker_process(
    _celery_worker_session, transactional_db, settings
) -> Iterator[CeleryWorker]:
    """A running worker; for this test ``.delay()`` goes through Redis to it instead of running eagerly."""
    worker = _celery_worker_session
    # Uploads saved by the test must be where the worker looks for them.
    settings.MEDIA_ROOT = worker.media_root
    with _celery_app_using(worker.redis_url, eager=False):
        yield worker
