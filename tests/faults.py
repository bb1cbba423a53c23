"""Helpers of the fault tests: a second PostgreSQL connection that holds a lock the worker will
wait for (so that a SIGKILL catches it in the middle of its work), and waiting for a state."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="holds a row lock from a second connection"
)


def wait_for(condition, seconds: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting {seconds} s {what}".strip())
        time.sleep(0.1)


def raw_connection() -> psycopg.Connection:
    """A connection of its own to the test database (not Django's)."""
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )


def waiting_for_lock(query_start: str) -> bool:
    """A backend of this database waits for a lock in a query starting with `query_start` (the
    query text is cut at 1 kB in pg_stat_activity, so match its start)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database() AND query LIKE %s",
            [query_start + "%"],
        )
        return cursor.fetchone()[0] > 0
