"""Backups that restore a whole system: the database and MEDIA_ROOT together (docs/ARCHITECTURE.md §12).

A backup is one folder ``<dir>/<UTC stamp>/`` holding

- ``database.dump`` (PostgreSQL, ``pg_dump -Fc``) or ``database.sqlite3`` (SQLite online backup API),
- ``media.tar``: every file under MEDIA_ROOT,
- ``manifest.json``: what was backed up, the SHA-256 of both parts and of every media file.

Consistency: the database is dumped first (one snapshot), the files are archived after it. Files
are written before the row that names them commits and are never changed afterwards, so every row
of the dump finds its file in the archive; the archive may hold a few newer files no row of the
dump knows, which the evidence sweeper quarantines instead of deleting (evaluations/lke/sweeper.py).

A restore never touches the live system: it creates a NEW database (refused when it exists) and
fills a NEW, empty media folder, checks every checksum and then every file the restored rows name.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import connections

from berakhlak import media_check

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar"
FORMAT_VERSION = 1
# Probes of /health/ come and go while the archive is written; they are nobody's data.
SKIPPED_PREFIX = ".health-"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in the user's language."""


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _run(command: list[str], settings_dict: dict) -> subprocess.CompletedProcess:
    environment = {**os.environ}
    if settings_dict.get("PASSWORD"):
        # Through the environment, never the command line, where `ps` would show it.
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    # A fixed argument list, no shell: nothing from the environment is interpreted.
    return subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} tidak ditemukan; pasang postgresql-client.")
    return path


def _pg_connection_args(settings_dict: dict) -> list[str]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    return args


# --- database ---------------------------------------------------------------------------------


def dump_postgresql(settings_dict: dict, target: Path) -> None:
    command = [
        _pg_tool("pg_dump"),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={target}",
        *_pg_connection_args(settings_dict),
        "--dbname",
        settings_dict["NAME"],
    ]
    result = _run(command, settings_dict)
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump gagal ({result.returncode}): {result.stderr.strip()}")


def dump_sqlite(settings_dict: dict, target: Path, *, live=None) -> None:
    """Copy with sqlite3's online backup API, consistent even while the app writes. ``live``: the
    open DB-API connection, the only way into an in-memory database (the test database)."""
    source_path = str(settings_dict["NAME"])
    in_memory = source_path == ":memory:" or "mode=memory" in source_path
    if (in_memory and live is None) or (not in_memory and not Path(source_path).exists()):
        raise BackupError(f"Berkas SQLite tidak ditemukan: {source_path}")
    source = live if in_memory else sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)
    finally:
        destination.close()
        if source is not live:
            source.close()


def _pg_database_exists(settings_dict: dict, name: str) -> bool:
    command = [
        _pg_tool("psql"),
        *_pg_connection_args(settings_dict),
        "--dbname",
        "postgres",
        "-At",
        "-v",
        "ON_ERROR_STOP=1",
        "-v",
        f"name={name}",
    ]
    # psql's :'name' quotes the value as a literal: no SQL is built from the name.
    query = "SELECT count(*) FROM pg_database WHERE datname = :'name'"
    result = subprocess.run(  # noqa: S603 - fixed argument list
        command,
        input=query,
        env={**os.environ, **_password_env(settings_dict)},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"psql gagal ({result.returncode}): {result.stderr.strip()}")
    return result.stdout.strip() != "0"


def _password_env(settings_dict: dict) -> dict:
    return {"PGPASSWORD": str(settings_dict["PASSWORD"])} if settings_dict.get("PASSWORD") else {}


def restore_postgresql(settings_dict: dict, dump: Path) -> None:
    """Create the database ``settings_dict["NAME"]`` (it must not exist) and restore into it."""
    name = settings_dict["NAME"]
    if _pg_database_exists(settings_dict, name):
        raise BackupError(
            f"Basis data {name} sudah ada. Pemulihan hanya ke basis data baru: pilih nama lain."
        )
    command = [
        _pg_tool("psql"),
        *_pg_connection_args(settings_dict),
        "--dbname",
        "postgres",
        "-v",
        "ON_ERROR_STOP=1",
        "-v",
        f"name={name}",
    ]
    result = subprocess.run(  # noqa: S603 - fixed argument list
        command,
        input='CREATE DATABASE :"name"',  # :"name" quotes it as an identifier
        env={**os.environ, **_password_env(settings_dict)},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"CREATE DATABASE gagal: {result.stderr.strip()}")
    command = [
        _pg_tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        *_pg_connection_args(settings_dict),
        "--dbname",
        name,
        str(dump),
    ]
    result = _run(command, settings_dict)
    if result.returncode != 0:
        raise BackupError(f"pg_restore gagal ({result.returncode}): {result.stderr.strip()}")


def restore_sqlite(copy: Path, target: Path) -> None:
    if target.exists():
        raise BackupError(f"{target} sudah ada. Pemulihan hanya ke berkas baru: pilih nama lain.")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(copy, target)
    target.chmod(0o600)


# --- media ------------------------------------------------------------------------------------


def _media_files(media_root: Path):
    if not media_root.is_dir():
        return
    for directory, folders, files in os.walk(media_root):
        folders.sort()
        for name in sorted(files):
            if name.startswith(SKIPPED_PREFIX):
                continue
            path = Path(directory) / name
            yield path.relative_to(media_root).as_posix(), path


def archive_media(media_root: Path, target: Path) -> dict[str, dict]:
    """Write every file of ``media_root`` into an uncompressed tar (evidence is mostly PDF and
    Office files, compressed already); returns {relative name: {sha256, size}}."""
    listing = {}
    with tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as archive:
        for name, path in _media_files(media_root):
            try:
                listing[name] = {"sha256": _sha256(path), "size": path.stat().st_size}
                archive.add(path, arcname=name, recursive=False)
            except FileNotFoundError:  # deleted while archiving (an expired report)
                listing.pop(name, None)
    return listing


def extract_media(archive: Path, media_root: Path, listing: dict[str, dict]) -> None:
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(
            f"Folder media {media_root} tidak kosong. Pemulihan hanya ke folder baru atau kosong."
        )
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r") as tar:
        tar.extractall(media_root, filter="data")  # no absolute paths, no links out of the folder
    for name, expected in listing.items():
        path = media_root / name
        if not path.is_file() or _sha256(path) != expected["sha256"]:
            raise BackupError(f"Berkas media {name} rusak atau hilang dari arsip.")


# --- the two commands -------------------------------------------------------------------------


@dataclass
class Backup:
    folder: Path
    manifest: dict


def backup_create(
    *, directory: Path, alias: str = "default", media_root: Path | None = None
) -> Backup:
    """Dump the database, then archive MEDIA_ROOT, into a new folder under ``directory``."""
    connection = connections[alias]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    folder = directory / _timestamp()
    folder.mkdir(parents=True, mode=0o700)
    if connection.vendor == "postgresql":
        database = folder / "database.dump"
        dump_postgresql(connection.settings_dict, database)
    elif connection.vendor == "sqlite":
        database = folder / "database.sqlite3"
        connection.ensure_connection()
        dump_sqlite(connection.settings_dict, database, live=connection.connection)
    else:
        raise BackupError(f"Basis data {connection.vendor} tidak didukung.")
    media = folder / MEDIA_ARCHIVE
    listing = archive_media(media_root, media)
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(),
        "vendor": connection.vendor,
        "source_database": str(connection.settings_dict["NAME"]),
        "source_media_root": str(media_root),
        "database": {"name": database.name, "sha256": _sha256(database)},
        "media": {"name": media.name, "sha256": _sha256(media), "files": listing},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    for path in folder.iterdir():
        path.chmod(0o600)  # a dump holds every account's data
    return Backup(folder=folder, manifest=manifest)


def backup_read(folder: Path) -> dict:
    """The manifest, after checking both parts against their checksums."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError as missing:
        raise BackupError(f"{folder} bukan folder cadangan: {MANIFEST} tidak ada.") from missing
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Format cadangan {manifest.get('format')} tidak dikenal.")
    for part in ("database", "media"):
        path = folder / manifest[part]["name"]
        if not path.is_file() or _sha256(path) != manifest[part]["sha256"]:
            raise BackupError(f"{path.name} rusak atau hilang (checksum tidak cocok).")
    return manifest


@dataclass
class Restored:
    settings_dict: dict
    media_root: Path
    missing: list[media_check.Missing] = field(default_factory=list)

    @property
    def environment(self) -> str:
        """The variables that point the application at the restored system."""
        if self.settings_dict["ENGINE"].endswith("sqlite3"):
            url = f"sqlite:///{Path(self.settings_dict['NAME']).resolve()}"
        else:
            s = self.settings_dict
            auth = s.get("USER") or ""
            url = f"postgres://{auth}@{s.get('HOST') or ''}:{s.get('PORT') or 5432}/{s['NAME']}"
        return f"DATABASE_URL={shlex.quote(url)} MEDIA_ROOT={shlex.quote(str(self.media_root))}"


def backup_restore(
    *, folder: Path, database: str, media_root: Path, alias: str = "default"
) -> Restored:
    """Restore ``folder`` into the new database ``database`` (a PostgreSQL database name on the
    server of ``alias``, or a new SQLite file path) and the new media folder ``media_root``."""
    manifest = backup_read(folder)
    source = connections[alias].settings_dict
    if manifest["vendor"] == "postgresql":
        if connections[alias].vendor != "postgresql":
            raise BackupError("Cadangan PostgreSQL dipulihkan dengan DATABASE_URL PostgreSQL.")
        if database == source["NAME"]:
            raise BackupError(f"{database} adalah basis data yang sedang dipakai; pilih nama baru.")
        target = {**source, "NAME": database}
    else:
        target_path = Path(database)
        if target_path.resolve() == Path(str(source["NAME"])).resolve():
            raise BackupError(f"{database} adalah basis data yang sedang dipakai; pilih nama baru.")
        target = {"ENGINE": "django.db.backends.sqlite3", "NAME": target_path}
    media_root = Path(media_root)
    if media_root.resolve() == Path(settings.MEDIA_ROOT).resolve():
        raise BackupError(
            "Folder media tujuan adalah MEDIA_ROOT yang sedang dipakai; pilih folder baru."
        )
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(
            f"Folder media {media_root} tidak kosong. Pemulihan hanya ke folder baru atau kosong."
        )
    database_file = folder / manifest["database"]["name"]
    if manifest["vendor"] == "postgresql":
        restore_postgresql(target, database_file)
    else:
        restore_sqlite(database_file, Path(target["NAME"]))
    extract_media(folder / MEDIA_ARCHIVE, media_root, manifest["media"]["files"])
    restored = Restored(settings_dict=target, media_root=media_root)
    restored.missing = _missing_in(restored)
    return restored


def _missing_in(restored: Restored) -> list[media_check.Missing]:
    """Every file the restored rows name, looked up in the restored media folder."""
    storage = FileSystemStorage(location=restored.media_root)
    target = restored.settings_dict
    if target["ENGINE"].endswith("sqlite3"):
        database = sqlite3.connect(target["NAME"])
    else:
        import psycopg

        database = psycopg.connect(
            dbname=target["NAME"],
            host=target.get("HOST") or None,
            port=target.get("PORT") or None,
            user=target.get("USER") or None,
            password=target.get("PASSWORD") or None,
        )
    try:
        cursor = database.cursor()
        try:
            return media_check.missing_files_in(cursor, storage=storage)
        finally:
            cursor.close()
    finally:
        database.close()
