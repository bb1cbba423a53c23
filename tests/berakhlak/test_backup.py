"""manage.py backup / restore: the database and MEDIA_ROOT together, restored into a new database
and a new media folder, every table's rows and every file compared (the drill runs on SQLite and,
with DATABASE_URL, on PostgreSQL); the password kept off argv."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from berakhlak import backups
from evaluations.lke import services
from tests.evaluations.lke_factories import PDF, first, lke_round

needs_pg_dump = pytest.mark.skipif(
    shutil.which("pg_dump") is None, reason="pg_dump is not installed"
)


def _postgres_answers() -> bool:
    if shutil.which("pg_isready") is None:
        return False
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0


def test_sqlite_copy_holds_the_rows(tmp_path):
    source = tmp_path / "db.sqlite3"
    with sqlite3.connect(source) as db:
        db.execute("CREATE TABLE t (x INTEGER)")
        db.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(100)])
    target = tmp_path / "copy.sqlite3"
    backups.dump_sqlite({"NAME": source}, target)
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT count(*), sum(x) FROM t").fetchone() == (100, 4950)


def test_sqlite_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(backups.BackupError, match="tidak ditemukan"):
        backups.dump_sqlite({"NAME": tmp_path / "none.sqlite3"}, tmp_path / "copy.sqlite3")


@needs_pg_dump
@pytest.mark.skipif(not _postgres_answers(), reason="no PostgreSQL at 127.0.0.1")
def test_postgresql_dump_is_a_custom_archive_and_password_stays_off_argv(tmp_path, monkeypatch):
    seen = {}
    real_run = subprocess.run

    def spy(command, **kwargs):
        seen["command"], seen["env"] = command, kwargs.get("env", {})
        return real_run(command, **kwargs)

    monkeypatch.setattr(backups.subprocess, "run", spy)
    settings_dict = {"NAME": "postgres", "HOST": "127.0.0.1", "PORT": 5432, "USER": "postgres"}
    settings_dict["PASSWORD"] = "not-on-argv"  # trust auth here ignores it; only its route matters
    target = tmp_path / "x.dump"
    backups.dump_postgresql(settings_dict, target)
    assert target.read_bytes()[:5] == b"PGDMP"
    assert "not-on-argv" not in " ".join(map(str, seen["command"]))
    assert seen["env"]["PGPASSWORD"] == "not-on-argv"
    listing = real_run(["pg_restore", "--list", str(target)], capture_output=True, check=False)
    assert listing.returncode == 0


# --- the drill ----------------------------------------------------------------------------------


def _tables_sqlite(db) -> dict[str, list]:
    names = [
        row[0]
        for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    return {name: sorted(map(repr, db.execute(f'SELECT * FROM "{name}"'))) for name in names}


def _tables_postgresql(cursor) -> dict[str, tuple]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    found = {}
    for (name,) in cursor.fetchall():
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '')) FROM \"{name}\" t"
        )
        found[name] = cursor.fetchone()
    return found


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.startswith(".health-")
    }


@pytest.fixture
def system_with_files(province, settings, tmp_path):
    """A province with LKE evidence on disk (the rows in the database, the files in MEDIA_ROOT)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    setup = lke_round(province)
    for name in ("sk.pdf", "rencana.pdf"):
        services.evidence_add(
            assessment=first(setup.ra_a),
            by=province.agent_a.user,
            fileobj=io.BytesIO(PDF),
            name=name,
            description=name,
        )
    return settings.MEDIA_ROOT


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_drill_gives_back_every_row_and_every_file(system_with_files, tmp_path):
    media = system_with_files
    out = StringIO()
    call_command("backup", dir=str(tmp_path / "backups"), stdout=out)
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert (
        set(manifest["media"]["files"]) == set(_files(media))
        and len(manifest["media"]["files"]) == 2
    )
    assert f"python manage.py restore {folder}" in out.getvalue()
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in folder.iterdir())

    restored_media = tmp_path / "restored-media"
    if connection.vendor == "postgresql":
        target = f"{connection.settings_dict['NAME']}_drill_{uuid.uuid4().hex[:8]}"
    else:
        target = str(tmp_path / "restored.sqlite3")
    out = StringIO()
    call_command(
        "restore", str(folder), target_db=target, target_media=str(restored_media), stdout=out
    )
    try:
        assert "Setiap berkas yang disebut basis data ada" in out.getvalue()
        assert f"MEDIA_ROOT={restored_media}" in out.getvalue()
        assert _files(restored_media) == _files(media)
        if connection.vendor == "postgresql":
            import psycopg

            with connection.cursor() as cursor:
                source = _tables_postgresql(cursor)
            params = {k: v for k, v in connection.get_connection_params().items() if k != "dbname"}
            with psycopg.connect(**params, dbname=target) as other, other.cursor() as cursor:
                restored = _tables_postgresql(cursor)
        else:
            # A plain sqlite3 connection (Django's converts dates) to the live test database.
            live = sqlite3.connect(str(connection.settings_dict["NAME"]), uri=True)
            source = _tables_sqlite(live)
            live.close()
            with sqlite3.connect(target) as other:
                restored = _tables_sqlite(other)
        assert len(source) > 50 and "evaluations_evidence" in source
        assert restored == source

        # Never over an existing database or into a folder that holds files.
        with pytest.raises(CommandError, match="sudah ada"):
            call_command(
                "restore", str(folder), target_db=target, target_media=str(tmp_path / "new")
            )
        with pytest.raises(CommandError, match="tidak kosong"):
            call_command(
                "restore", str(folder), target_db=target + "_2", target_media=str(restored_media)
            )
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_and_a_lost_file_is_named(system_with_files, tmp_path):
    media = system_with_files
    lost = sorted(_files(media))[0]
    (media / lost).unlink()  # lost before the backup: the restore says which row has no file
    backup = backups.backup_create(directory=tmp_path / "backups")
    target = (
        f"{connection.settings_dict['NAME']}_drill_{uuid.uuid4().hex[:8]}"
        if connection.vendor == "postgresql"
        else str(tmp_path / "restored.sqlite3")
    )
    try:
        restored = backups.backup_restore(
            folder=backup.folder, database=target, media_root=tmp_path / "restored-media"
        )
        assert [row.name for row in restored.missing] == [lost]
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
    with pytest.raises(CommandError, match="checksum"):
        (backup.folder / "media.tar").write_bytes(b"damaged")
        call_command("restore", str(backup.folder), target_media=str(tmp_path / "other"))
    with pytest.raises(CommandError, match="baris tanpa berkas"):
        call_command("check_files", stdout=StringIO())
