"""manage.py backup: a consistent SQLite copy, a pg_dump custom archive, the password kept off argv."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from berakhlak.management.commands import backup

needs_pg_dump = pytest.mark.skipif(
    shutil.which("pg_dump") is None, reason="pg_dump is not installed"
)


def _postgres_answers() -> bool:
    if shutil.which("pg_isready") is None:
        return False
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0


def test_sqlite_copy_holds_the_rows_and_names_a_restore(tmp_path):
    source = tmp_path / "db.sqlite3"
    with sqlite3.connect(source) as db:
        db.execute("CREATE TABLE t (x INTEGER)")
        db.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(100)])
    target = tmp_path / "copy.sqlite3"
    restore = backup.backup_sqlite({"NAME": source}, target)
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT count(*), sum(x) FROM t").fetchone() == (100, 4950)
    assert restore.startswith(f"cp {target} {source}")


def test_sqlite_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(backup.CommandError, match="tidak ditemukan"):
        backup.backup_sqlite({"NAME": tmp_path / "none.sqlite3"}, tmp_path / "copy.sqlite3")


def test_command_on_sqlite_writes_a_timestamped_copy(tmp_path, monkeypatch):
    source = tmp_path / "live.sqlite3"
    with sqlite3.connect(source) as db:
        db.execute("CREATE TABLE t (x INTEGER)")
    fake = type("Fake", (), {"vendor": "sqlite", "settings_dict": {"NAME": source}})()
    monkeypatch.setattr(backup, "connections", {"default": fake})
    out = StringIO()
    call_command("backup", dir=str(tmp_path / "backups"), stdout=out)
    (copy,) = (tmp_path / "backups").glob("berakhlak-*Z.sqlite3")
    assert str(copy) in out.getvalue() and "Pulihkan dengan: cp " in out.getvalue()
    assert copy.stat().st_mode & 0o777 == 0o600


@needs_pg_dump
@pytest.mark.skipif(not _postgres_answers(), reason="no PostgreSQL at 127.0.0.1")
def test_postgresql_dump_is_a_custom_archive_and_password_stays_off_argv(tmp_path, monkeypatch):
    seen = {}
    real_run = subprocess.run

    def spy(command, **kwargs):
        seen["command"], seen["env"] = command, kwargs.get("env", {})
        return real_run(command, **kwargs)

    monkeypatch.setattr(backup.subprocess, "run", spy)
    settings_dict = {"NAME": "postgres", "HOST": "127.0.0.1", "PORT": 5432, "USER": "postgres"}
    settings_dict["PASSWORD"] = "not-on-argv"  # trust auth here ignores it; only its route matters
    target = tmp_path / "x.dump"
    restore = backup.backup_postgresql(settings_dict, target)
    assert target.read_bytes()[:5] == b"PGDMP"
    assert "not-on-argv" not in " ".join(map(str, seen["command"]))
    assert seen["env"]["PGPASSWORD"] == "not-on-argv"
    assert restore.startswith("pg_restore ") and str(target) in restore
    listing = real_run(["pg_restore", "--list", str(target)], capture_output=True, check=False)
    assert listing.returncode == 0


@needs_pg_dump
@pytest.mark.django_db
def test_command_dumps_the_current_postgresql_database(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the test database is not PostgreSQL (DATABASE_URL unset)")
    out = StringIO()
    call_command("backup", dir=str(tmp_path), stdout=out)
    (dump,) = tmp_path.glob("berakhlak-*Z.dump")
    assert dump.read_bytes()[:5] == b"PGDMP" and str(dump) in out.getvalue()
