"""GET /health/: database, broker, storage, static files and the files rows name, for load balancers
and docker healthchecks (docs/ARCHITECTURE.md §12).

"static": a production start without `collectstatic` answers 500 on every page (the manifest
storage cannot name the CSS); this check says so instead of 200. The storage reads the manifest
once per process, so after a late collectstatic the server must be restarted: the check follows
the running process, not the disk.
"files": the newest rows of every file field (50 each) whose file is missing, cached 5 minutes;
`manage.py check_files` checks every row. A missing file makes the answer "degraded" but keeps it
200: the site still serves every other page and file, and a load balancer must not take it out of
rotation for one lost evidence file; monitoring alerts on any status but "ok". "quarantine" only
informs."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import storages
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from berakhlak import media_check, quarantine

logger = logging.getLogger(__name__)


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_broker() -> str:
    if not settings.REDIS_URL:
        return "eager"
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def check_storage() -> str:
    directory = Path(settings.MEDIA_ROOT) / "private"
    directory.mkdir(parents=True, exist_ok=True)
    probe = directory / f".health-{uuid.uuid4().hex}"
    probe.write_bytes(b"ok")
    probe.unlink()
    return "ok"


class Problem(Exception):
    """A failed check whose message is safe to show (counts, no paths or secrets)."""


# An asset every page links; when the manifest cannot name it, every page fails.
STATIC_PROBE = "css/app.css"


def check_static() -> str:
    storage = storages["staticfiles"]  # the instance the templates use
    if not isinstance(storage, ManifestFilesMixin):
        return "not-hashed"  # DEBUG: files served as they are
    try:
        storage.stored_name(STATIC_PROBE)
    except ValueError as missing:
        raise Problem("missing manifest: run collectstatic, then restart") from missing
    return "ok"


def check_files() -> str:
    result = media_check.health_files()
    if result["missing"]:
        raise Problem(
            f"{result['missing']} of {result['checked']} newest files missing (manage.py check_files)"
        )
    return "ok"


def check_quarantine() -> str:
    summary = quarantine.quarantine_summary()
    if not summary["files"]:
        return "empty"
    return f"{summary['files']} files since {summary['oldest']}"


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
    "static": check_static,
}
WARNINGS = {"files": check_files}  # "degraded", still 200
INFORMATION = {"quarantine": check_quarantine}


@never_cache
def health(request):
    results, healthy, degraded = {}, True, False
    for name, check in WARNINGS.items():
        try:
            results[name] = check()
        except Problem as problem:
            logger.error("health check %s: %s", name, problem)
            results[name], degraded = f"warning: {problem}", True
        except Exception:
            logger.exception("health check %s failed", name)
            results[name], degraded = "error", True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Problem as problem:
            logger.error("health check %s: %s", name, problem)
            results[name], healthy = f"error: {problem}", False
        except Exception:  # any failure means unhealthy; the detail goes to the log, not the client
            logger.exception("health check %s failed", name)
            results[name] = "error"
            healthy = False
    for name, check in INFORMATION.items():
        try:
            results[name] = check()
        except Exception:
            logger.exception("health check %s failed", name)
            results[name] = "error"
    status = "error" if not healthy else "degraded" if degraded else "ok"
    return JsonResponse({"status": status, "checks": results}, status=200 if healthy else 503)
