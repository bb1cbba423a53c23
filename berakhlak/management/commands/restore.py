"""python manage.py restore <backup folder> [--target-db NAME] [--target-media DIR]

Restores a `manage.py backup` folder into a NEW database (created here; refused when it exists)
and a NEW, empty media folder; the live database and MEDIA_ROOT are never touched. Checks every
checksum, then every file the restored rows name, and prints the DATABASE_URL and MEDIA_ROOT
that start the application on the restored copy (berakhlak/backups.py).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from berakhlak import backups


class Command(BaseCommand):
    help = (
        "Pulihkan cadangan (basis data dan berkas media) ke basis data baru dan folder media baru."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="folder cadangan, mis. var/backups/20261201T101500Z")
        parser.add_argument(
            "--target-db",
            help="PostgreSQL: nama basis data baru di server yang sama (bawaan: <nama>_restore_<waktu>); "
            "SQLite: berkas baru (bawaan: var/restore-<waktu>/db.sqlite3)",
        )
        parser.add_argument(
            "--target-media", help="folder media baru (bawaan: var/restore-<waktu>/media)"
        )
        parser.add_argument("--database", default="default", help="alias basis data sumber")

    def handle(self, *args, backup, target_db, target_media, database, **options):
        folder = Path(backup)
        stamp = folder.resolve().name
        base = settings.BASE_DIR / "var" / f"restore-{stamp}"
        if not target_db:
            if connections[database].vendor == "postgresql":
                name = connections[database].settings_dict["NAME"]
                target_db = f"{name}_restore_{stamp.lower()}"
            else:
                target_db = str(base / "db.sqlite3")
        try:
            restored = backups.backup_restore(
                folder=folder,
                database=target_db,
                media_root=Path(target_media or base / "media"),
                alias=database,
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Dipulihkan ke {target_db} dan {restored.media_root}")
        )
        if restored.missing:
            self.stdout.write(self.style.ERROR(f"{len(restored.missing)} baris tanpa berkas:"))
            for missing in restored.missing[:50]:
                self.stdout.write(f"  {missing.label} {missing.pk}: {missing.name}")
        else:
            self.stdout.write("Setiap berkas yang disebut basis data ada di folder media.")
        self.stdout.write(f"Jalankan aplikasi pada salinan ini dengan: {restored.environment}")
