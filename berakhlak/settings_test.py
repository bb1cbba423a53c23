"""Test overrides: fast hashing, quiet mail, a private media dir per run."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("DEBUG", "1")
# A fixed key for every test process (the test run, real workers, gunicorn of the benchmarks).
os.environ.setdefault("SURVEY_KEYS", "test:" + "dGVzdC1vbmx5LXN1cnZleS1rZXktMzItYnl0ZXMhISE")

from berakhlak.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A real worker process (tests/celery_worker.py) writes its mail to files the test can read.
if os.environ.get("BERAKHLAK_TEST_EMAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["BERAKHLAK_TEST_EMAIL_DIR"]
# ...or to a mail server of the test's own (one that never answers, for the fault tests).
if os.environ.get("BERAKHLAK_TEST_SMTP_PORT"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = "127.0.0.1", int(os.environ["BERAKHLAK_TEST_SMTP_PORT"])
MEDIA_ROOT = Path(  # noqa: F405
    os.environ.get("BERAKHLAK_TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="berakhlak-test-media-")
)
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="berakhlak-test-static-"))  # noqa: F405
# Unit tests run tasks in-process; tests/celery_worker.py switches a test to a real worker, which
# it starts with BERAKHLAK_REAL_CELERY_WORKER=1 so that the worker keeps the broker of settings.py.
if not os.environ.get("BERAKHLAK_REAL_CELERY_WORKER"):
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# A real test worker and the test run share a queue name of their own (tests/celery_worker.py).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("BERAKHLAK_TEST_QUEUE", "celery")

# Tests run in parallel processes (pytest-xdist, `make test`): each process's cache gets a Redis
# database of its own next to the broker's, because a test's `cache.clear()` empties a whole
# database and must reach neither the other process's cache nor the queued tasks. Its real
# workers inherit PYTEST_XDIST_WORKER and so share its cache.
if REDIS_URL:  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _broker = urlsplit(REDIS_URL)  # noqa: F405
    _worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    _db = (int(_broker.path.strip("/") or 0) + 1 + _worker) % 16
    CACHES["default"]["LOCATION"] = urlunsplit(_broker._replace(path=f"/{_db}"))  # noqa: F405

# Every test process names itself to PostgreSQL (the run's xdist worker, the program, its pid),
# so that a session still connected when the test database is dropped can be traced
# (tests/conftest.py names any such session in a warning).
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    import sys

    _program = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "python"
    _name = f"test {os.environ.get('PYTEST_XDIST_WORKER', '-')} {_program} {os.getpid()}"
    DATABASES["default"].setdefault("OPTIONS", {})["application_name"] = _name[:63]  # noqa: F405
