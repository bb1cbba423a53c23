"""Agency paths with zero-padded ids, so that ordering by path is the tree in order
(berakhlak.models.path_segment, docs/ARCHITECTURE.md §2)."""

from django.db import migrations

DIGITS = 10  # berakhlak.models.PATH_DIGITS when this migration was written


def repad(path: str, width: int | None) -> str:
    """The same path with every id written in `width` digits (None: unpadded)."""
    ids = [int(part) for part in path.strip("/").split("/") if part]
    return "/" + "".join(f"{pk:0{width}d}/" if width else f"{pk}/" for pk in ids)


def rewrite(model, width: int | None) -> None:
    changed = []
    for row in model.objects.only("pk", "path").iterator(chunk_size=2000):
        path = repad(row.path, width)
        if path != row.path:
            row.path = path
            changed.append(row)
    model.objects.bulk_update(changed, ["path"], batch_size=2000)


def forwards(apps, schema_editor):
    rewrite(apps.get_model("berakhlak", "Agency"), DIGITS)


def backwards(apps, schema_editor):
    rewrite(apps.get_model("berakhlak", "Agency"), None)


class Migration(migrations.Migration):
    dependencies = [("berakhlak", "0005_recovery_codes_hashed")]

    operations = [migrations.RunPython(forwards, backwards)]
