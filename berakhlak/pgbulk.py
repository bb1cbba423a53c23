"""PostgreSQL's bulk paths, under Django's error handling.

COPY and pipelined binary reads go through psycopg directly (Django's cursor has neither), so their
errors would be psycopg's own: Django's `except OperationalError` (a job given back to the queue,
a task retried; docs/ARCHITECTURE.md §3.1) and its marking of a broken connection would not see
them. Both helpers raise them as Django's, as any query's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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


@contextmanager
def pipelined_rows(reads: Sequence[tuple[str, Sequence]]) -> Iterator[Iterator[list[tuple]]]:
    """The rows of several reads on the default connection, in its transaction, in binary: an
    iterator giving each read's rows in turn. The reads are pipelined: the next one is sent
    before the caller gets the rows of the one before, so that the server runs it while the
    caller works on those (docs/ARCHITECTURE.md §7.2). Django's query log does not see them.
    PostgreSQL only."""
    connection.ensure_connection()
    conn = connection.connection
    with connection.wrap_database_errors, conn.pipeline() as pipeline:
        cursors = [psycopg.Cursor(conn) for _ in reads]
        try:
            yield _pipelined(pipeline, cursors, reads)
        finally:
            for cursor in cursors:
                cursor.close()


def _pipelined(pipeline, cursors: list, reads: Sequence[tuple[str, Sequence]]):
    cursors[0].execute(*reads[0], binary=True)
    for at, cursor in enumerate(cursors):
        pipeline.sync()  # the results of this read are in (and no later read is sent yet)
        if at + 1 < len(cursors):
            cursors[at + 1].execute(*reads[at + 1], binary=True)  # runs while the caller works
        yield cursor.fetchall()
