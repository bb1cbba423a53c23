"""Files no row knows are moved aside, never deleted on a sweeper's judgement (docs/ARCHITECTURE.md §12).

A file without a row is usually left by an upload whose transaction rolled back, but it may just
as well be evidence uploaded after the dump an older backup restored: only a person can tell. So
the sweeper moves such files to ``MEDIA_ROOT/quarantine/<day>/<original name>``, the admin's home
page and /health/ say how many wait there, and a day's folder is deleted 30 days later.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.utils import timezone

QUARANTINE_DIR = "quarantine"
KEEP = dt.timedelta(days=30)


def _summary_key() -> str:
    # One answer per media folder (a restore drill or a test may point elsewhere).
    return (
        "quarantine:summary:" + hashlib.sha256(str(settings.MEDIA_ROOT).encode()).hexdigest()[:16]
    )


def walk(storage, directory: str):
    """Every file name under ``directory`` of ``storage`` (none when it does not exist)."""
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{directory}/{name}"
    for folder in folders:
        yield from walk(storage, f"{directory}/{folder}")


def quarantine_move(*, name: str, now: dt.datetime | None = None, storage=None) -> str:
    """Move the file ``name`` into today's quarantine folder; returns its new name."""
    storage = storage or default_storage
    day = timezone.localdate(now or timezone.now()).isoformat()
    with storage.open(name, "rb") as handle:
        moved = storage.save(f"{QUARANTINE_DIR}/{day}/{name}", handle)
    storage.delete(name)
    cache.delete(_summary_key())
    return moved


def quarantine_purge(*, now: dt.datetime | None = None, storage=None) -> list[str]:
    """Delete the files of every day folder older than KEEP; returns their names."""
    storage = storage or default_storage
    oldest_kept = timezone.localdate(now or timezone.now()) - KEEP
    try:
        days, _files = storage.listdir(QUARANTINE_DIR)
    except FileNotFoundError:
        return []
    purged = []
    for day in days:
        try:
            expired = dt.date.fromisoformat(day) < oldest_kept
        except ValueError:  # not ours: leave it
            continue
        if expired:
            for name in walk(storage, f"{QUARANTINE_DIR}/{day}"):
                storage.delete(name)
                purged.append(name)
    if purged:
        cache.delete(_summary_key())
    return purged


def quarantine_summary(*, storage=None) -> dict:
    """{"files": n, "oldest": "YYYY-MM-DD" or None}; cached until the next move or purge."""
    summary = cache.get(_summary_key())
    if summary is None:
        storage = storage or default_storage
        names = list(walk(storage, QUARANTINE_DIR))
        days = sorted({name.split("/")[1] for name in names})
        summary = {"files": len(names), "oldest": days[0] if days else None}
        cache.set(_summary_key(), summary, 3600)
    return summary
