"""python manage.py backup [--dir DIR]: the database and MEDIA_ROOT, consistent, in one folder.

See berakhlak/backups.py for the layout (dump, media.tar, manifest.json with checksums) and why
the two parts agree; `manage.py restore <folder>` puts both back into a new database and folder.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from berakhlak import backups


class Command(BaseCommand):
    help = (
        "Cadangkan basis data dan MEDIA_ROOT ke satu folder var/backups/<waktu>/ (dengan manifest)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(settings.BASE_DIR / "var" / "backups"), help="folder tujuan"
        )
        parser.add_argument("--database", default="default", help="alias basis data")

    def handle(self, *args, dir, database, **options):
        try:
            backup = backups.backup_create(directory=Path(dir), alias=database)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        files = len(backup.manifest["media"]["files"])
        self.stdout.write(self.style.SUCCESS(f"Cadangan tersimpan: {backup.folder}"))
        self.stdout.write(
            f"Basis data: {backup.manifest['database']['name']}; berkas media: {files}"
        )
        self.stdout.write(f"Pulihkan dengan: python manage.py restore {backup.folder}")
