"""Rows whose file is missing from storage (docs/ARCHITECTURE.md §12).

Every `FileField` of every installed model is looked at (evidence, forum files, roster uploads,
finished reports), without this app importing the others. The full check reads every row
(`manage.py check_files`); /health/ looks only at the newest rows of each field and keeps its
answer for a few minutes, so a request never walks millions of rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import models

HEALTH_SAMPLE = 50  # newest rows per file field
HEALTH_CACHE_KEY = "health:files"
HEALTH_CACHE_SECONDS = 300


@dataclass(frozen=True)
class Missing:
    label: str  # app_label.Model.field
    pk: object
    name: str


def file_fields() -> list[tuple[type[models.Model], str]]:
    found = []
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                found.append((model, model_field.name))
    return found


def _rows(model, name: str, *, using: str, sample: int | None):
    rows = (
        model._base_manager.using(using).exclude(**{name: ""}).exclude(**{f"{name}__isnull": True})
    )
    rows = rows.order_by("-pk").values_list("pk", name)
    return rows[:sample] if sample else rows.iterator(chunk_size=2000)


def missing_files(
    *, using: str = "default", storage=None, sample: int | None = None
) -> Iterator[Missing]:
    """Rows naming a file the storage does not have; ``sample``: only the newest rows per field."""
    storage = storage or default_storage
    for model, name in file_fields():
        for pk, file_name in _rows(model, name, using=using, sample=sample):
            if not storage.exists(file_name):
                yield Missing(label=f"{model._meta.label}.{name}", pk=pk, name=file_name)


def missing_files_in(cursor, *, storage) -> list[Missing]:
    """The same full check over a DB-API cursor of another database (a restored copy, which the
    application's connections do not know)."""
    found = []
    for model, name in file_fields():
        meta = model._meta
        column = meta.get_field(name).column
        cursor.execute(
            f'SELECT "{meta.pk.column}", "{column}" FROM "{meta.db_table}" '  # noqa: S608 - names from models
            f'WHERE "{column}" IS NOT NULL AND "{column}" <> \'\''
        )
        for pk, file_name in cursor.fetchall():
            if not storage.exists(file_name):
                found.append(Missing(label=f"{meta.label}.{name}", pk=pk, name=file_name))
    return found


def health_files() -> dict:
    """{"checked": n, "missing": m} for the newest rows of each field, cached a few minutes."""
    result = cache.get(HEALTH_CACHE_KEY)
    if result is None:
        checked = missing = 0
        for model, name in file_fields():
            for _pk, file_name in _rows(model, name, using="default", sample=HEALTH_SAMPLE):
                checked += 1
                missing += not default_storage.exists(file_name)
        result = {"checked": checked, "missing": missing}
        cache.set(HEALTH_CACHE_KEY, result, HEALTH_CACHE_SECONDS)
    return result
