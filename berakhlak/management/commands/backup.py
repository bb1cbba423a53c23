"""python manage.py backup [--dir DIR]: one consistent copy of the database in var/backups/.

PostgreSQL: ``pg_dump -Fc`` (the password goes through PGPASSWORD, never the command line, where
``ps`` would show it). SQLite: sqlite3's online backup API, consistent even while the app writes.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def backup_postgresql(settings_dict: dict, target: Path) -> str:
    """Dump to ``target``; returns the restore command to show."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise CommandError("pg_dump tidak ditemukan; pasang postgresql-client.")
    environment = {**os.environ}
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = settings_dict["PASSWORD"]
    connection_args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            connection_args += [flag, str(settings_dict[key])]
    command = [
        pg_dump, "--format=custom", "--no-owner", "--no-privileges",
        f"--file={target}", *connection_args, "--dbname", settings_dict["NAME"],
    ]  # fmt: skip
    # A fixed argument list, no shell: nothing from the environment is interpreted.
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise CommandError(f"pg_dump gagal ({result.returncode}): {result.stderr.strip()}")
    restore = ["pg_restore", "--clean", "--if-exists", "--no-owner", *connection_args]
    restore += ["--dbname", settings_dict["NAME"], str(target)]
    return shlex.join(restore)


def backup_sqlite(settings_dict: dict, target: Path) -> str:
    source_path = str(settings_dict["NAME"])
    if source_path == ":memory:" or not Path(source_path).exists():
        raise CommandError(f"Berkas SQLite tidak ditemukan: {source_path}")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)
    finally:
        destination.close()
        source.close()
    return f"cp {shlex.quote(str(target))} {shlex.quote(source_path)}  # dengan aplikasi dan worker dihentikan"


class Command(BaseCommand):
    help = (
        "Cadangkan basis data ke var/backups/ (pg_dump -Fc untuk PostgreSQL, salinan untuk SQLite)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(settings.BASE_DIR / "var" / "backups"), help="folder tujuan"
        )
        parser.add_argument("--database", default="default", help="alias basis data")

    def handle(self, *args, dir, database, **options):
        settings_dict = connections[database].settings_dict
        vendor = connections[database].vendor
        directory = Path(dir)
        directory.mkdir(parents=True, exist_ok=True)
        if vendor == "postgresql":
            target = directory / f"berakhlak-{_timestamp()}.dump"
            restore = backup_postgresql(settings_dict, target)
        elif vendor == "sqlite":
            target = directory / f"berakhlak-{_timestamp()}.sqlite3"
            restore = backup_sqlite(settings_dict, target)
        else:
            raise CommandError(f"Basis data {vendor} tidak didukung oleh perintah ini.")
        target.chmod(0o600)  # a dump holds every account's data
        self.stdout.write(self.style.SUCCESS(f"Cadangan tersimpan: {target}"))
        self.stdout.write(f"Pulihkan dengan: {restore}")
