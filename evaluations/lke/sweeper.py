"""Evidence files that no Evidence row points to go to quarantine, never straight to deletion.

An upload writes the file inside the transaction that inserts its row; when that transaction rolls
back (a concurrent edit, a crash), the file stays on disk with no row. But a file without a row is
also what evidence uploaded after a backup looks like once that older backup is restored, so the
sweeper never deletes on its own judgement: it moves the file to the quarantine
(berakhlak/quarantine.py, kept 30 days, shown to the admin; docs/ARCHITECTURE.md §12). Files
younger than the grace period are never touched, so an upload still in flight keeps its file.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.storage import default_storage
from django.utils import timezone

from berakhlak.quarantine import quarantine_move, quarantine_purge, walk
from evaluations.models import Evidence

EVIDENCE_DIR = "evidence"
GRACE = dt.timedelta(hours=6)


def evidence_orphans_quarantine(*, now: dt.datetime | None = None, storage=None) -> list[str]:
    """Move unreferenced evidence files older than GRACE to the quarantine and purge quarantine
    days older than 30 days; returns the original names of the files moved."""
    storage = storage or default_storage
    now = now or timezone.now()
    quarantine_purge(now=now, storage=storage)
    cutoff = now - GRACE
    candidates = [
        name for name in walk(storage, EVIDENCE_DIR) if storage.get_modified_time(name) < cutoff
    ]
    if not candidates:
        return []
    known = set(Evidence.objects.filter(file__in=candidates).values_list("file", flat=True))
    orphans = [name for name in candidates if name not in known]
    for name in orphans:
        quarantine_move(name=name, now=now, storage=storage)
    return orphans
