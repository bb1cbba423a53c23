"""Delete evidence files that no Evidence row points to (left by a rolled-back upload).

An upload writes the file inside the transaction that inserts its row; when that transaction rolls
back (a concurrent edit, a crash), the file stays on disk with no row. Files younger than the grace
period are never touched, so an upload still in flight keeps its file.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.storage import default_storage
from django.utils import timezone

from evaluations.models import Evidence

EVIDENCE_DIR = "evidence"
GRACE = dt.timedelta(hours=6)


def _walk(storage, directory: str):
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{directory}/{name}"
    for folder in folders:
        yield from _walk(storage, f"{directory}/{folder}")


def evidence_orphans_delete(*, now: dt.datetime | None = None, storage=None) -> list[str]:
    """Delete unreferenced evidence files older than GRACE; returns their storage names."""
    storage = storage or default_storage
    cutoff = (now or timezone.now()) - GRACE
    candidates = [
        name for name in _walk(storage, EVIDENCE_DIR) if storage.get_modified_time(name) < cutoff
    ]
    if not candidates:
        return []
    known = set(Evidence.objects.filter(file__in=candidates).values_list("file", flat=True))
    orphans = [name for name in candidates if name not in known]
    for name in orphans:
        storage.delete(name)
    return orphans
