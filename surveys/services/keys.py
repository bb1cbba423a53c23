"""Survey keys: which rows each key seals, and re-sealing everything under the newest key.

Rotation, as the README says: put a new key FIRST in SURVEY_KEYS and keep the old one after it,
restart, run `manage.py survey_keys rotate` (re-seals every draft, waiting submission and release
note under the new key, row by row under the row's lock, so autosaves and releases may go on), and
remove the old key once `manage.py survey_keys status` shows no row under it. A row that does not
open is left as it was and reported; nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count

from surveys import sealing
from surveys.models import Draft, ReleaseCorrection, SealedSubmission

# Each sealed table: its blob columns with their purposes, and the row context they are bound to.
SEALED_MODELS = (
    (Draft, (("sealed", "draft"),), lambda row: str(row.token)),
    (
        SealedSubmission,
        (("sealed", "submission"), ("summary", "summary")),
        lambda row: f"{row.round_id}|{row.id}",
    ),
    (ReleaseCorrection, (("sealed", "correction"),), lambda row: f"{row.round_id}|{row.id}"),
)
BATCH = 500


@dataclass
class Rotation:
    resealed: dict[str, int] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)  # "<table> <pk>: <reason>"


def survey_keys_status() -> dict[str, dict[str, int]]:
    """{table: {key id: rows}} for every sealed table."""
    status = {}
    for model, _blobs, _context in SEALED_MODELS:
        rows = model.objects.values("key_id").annotate(n=Count("pk")).order_by("key_id")
        status[model._meta.db_table] = {r["key_id"]: r["n"] for r in rows}
    return status


def survey_keys_rotate() -> Rotation:
    """Re-seal every row that is not under the newest key."""
    current = sealing.current_key_id()
    result = Rotation()
    for model, blobs, context in SEALED_MODELS:
        table = model._meta.db_table
        result.resealed[table] = 0
        skipped: set = set()
        while True:
            pks = list(
                model.objects.exclude(key_id=current)
                .exclude(pk__in=skipped)
                .values_list("pk", flat=True)[:BATCH]
            )
            if not pks:
                break
            for pk in pks:
                with transaction.atomic():
                    row = model.objects.select_for_update().filter(pk=pk).first()
                    if row is None or row.key_id == current:
                        continue  # submitted, released or rotated meanwhile
                    try:
                        values = {
                            name: sealing.unseal(
                                getattr(row, name),
                                key_id=row.key_id,
                                purpose=purpose,
                                context=context(row),
                            )
                            for name, purpose in blobs
                        }
                    except sealing.SealBroken as broken:
                        skipped.add(pk)
                        result.broken.append(f"{table} {pk}: {broken.reason}")
                        continue
                    for name, purpose in blobs:
                        row.key_id, blob = sealing.seal(
                            values[name], purpose=purpose, context=context(row)
                        )
                        setattr(row, name, blob)
                    row.save(update_fields=["key_id", *(name for name, _p in blobs)])
                    result.resealed[table] += 1
    return result
