"""PostgreSQL's bulk paths, under Django's error handling.

COPY and binary results go through psycopg directly (Django's cursor has neither), so their
errors would be psycopg's own: Django's `except OperationalError` (a job given back to the queue,
a task retried; docs/ARCHITECTURE.md §3.1) and its marking of a broken connection would not see
them. Both helpers raise them as Django's, as any query's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.db import connection


@contextmanager
def copy_in(sql: str) -> Iterator[psycopg.Copy]:
    """`COPY ... FROM STDIN` on the default connection, in its transaction: psycopg's Copy, to
    `write` text or `write_row` rows into. PostgreSQL only."""
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        yield copy


def binary_rows(sql: str, params: list) -> list[tuple]:
    """Every row of a read on the default connection, in its transaction, with the results in
    binary (a server-side bound cursor): bigint and double precision arrive as stored, the same
    ints and floats without text to print and parse. Django's query log does not see it.
    PostgreSQL only."""
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True)
        return cursor.fetchall()
