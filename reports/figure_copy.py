"""A run's figure groups (reports.figure_store) written by one COPY on PostgreSQL, its text
built here in one pass: a fraction of psycopg's per-row path (docs/ARCHITECTURE.md §7.2)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import connection

from berakhlak.pgbulk import copy_in
from reports.figure_store import BLOCK_COLUMNS, GROUP_COLUMNS, GROUP_TABLE, PLACE
from reports.models import FIGURE_ORDER, INTERVAL_CODES, figure_parts

COPY_CHUNK = 1 << 20  # characters handed to COPY at a time
NULL = "\\N"
# A code's block in COPY's text format: six parts, nine with the interval; a group without the
# code has the block of nulls.
_BLOCK_SHORT = "\t".join(["%s"] * 6)
_BLOCK_LONG = "\t".join(["%s"] * 9)
_INTERVAL = tuple(code in INTERVAL_CODES for code in FIGURE_ORDER)
_EMPTY = tuple("\t".join([NULL] * len(figure_parts(code))) for code in FIGURE_ORDER)


def copy_sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in (*GROUP_COLUMNS, *BLOCK_COLUMNS))
    return f"COPY {quote(GROUP_TABLE)} ({columns}) FROM STDIN"


def copy_text(value: str) -> str:
    """A text in COPY's text format."""
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def copy_chunks(run_id: int, batches: Iterable[list[tuple]]) -> Iterator[str]:
    """The COPY text of the groups of rows of figures (reports.figures.FIGURE_COLUMNS, a group's
    rows all in one batch) under `run_id`, in pieces of about COPY_CHUNK characters, each handed
    on as soon as it is built. The rows are plain values already: no field has a pre-save hook."""
    reasons: dict[str, str] = {}  # the few distinct reasons of a run, escaped once
    null, place, interval, empty = NULL, PLACE, _INTERVAL, _EMPTY
    short, long = _BLOCK_SHORT, _BLOCK_LONG
    head = f"{run_id}\t"
    parts: list[str] = []
    size = 0
    for batch in batches:
        groups: dict[tuple, list[str]] = {}
        for (
            round_id,
            scope,
            agency,
            dimension,
            key,
            code,
            value,
            n,
            den,
            hidden,
            reason,
            band,
            low,
            high,
            se,
        ) in batch:
            where = (round_id, scope, agency, dimension, key)
            blocks = groups.get(where)
            if blocks is None:
                blocks = groups[where] = list(empty)
            escaped = reasons.get(reason)
            if escaped is None:
                escaped = reasons[reason] = copy_text(reason)
            i = place[code]
            if blocks[i] is not empty[i]:
                raise ValueError(f"two figures {code} of one group: {where}")
            if interval[i]:
                blocks[i] = long % (
                    null if value is None else value,
                    n,
                    null if den is None else den,
                    "t" if hidden else "f",
                    escaped,
                    band,
                    null if low is None else low,
                    null if high is None else high,
                    null if se is None else se,
                )
            else:
                if low is not None or high is not None or se is not None:
                    raise ValueError(f"a figure {code} with an interval it cannot store: {where}")
                blocks[i] = short % (
                    null if value is None else value,
                    n,
                    null if den is None else den,
                    "t" if hidden else "f",
                    escaped,
                    band,
                )
        # Codes, scopes, dimensions and bands are identifiers (no character to escape); only
        # the reason is free text.
        for (round_id, scope, agency, dimension, key), blocks in groups.items():
            text = (
                f"{head}{round_id}\t{scope}\t{null if agency is None else agency}\t"
                f"{dimension}\t{key}\t" + "\t".join(blocks) + "\n"
            )
            parts.append(text)
            size += len(text)
        if size > COPY_CHUNK:
            yield "".join(parts)
            parts, size = [], 0
    if parts:
        yield "".join(parts)


def store_with_copy(run_id: int, batches: Iterable[list[tuple]]) -> None:
    """Write a run's rows of figures as one COPY of their groups, each piece of text sent as
    soon as it is built, so that the database stores a batch while the next is computed."""
    with copy_in(copy_sql()) as copy:
        for chunk in copy_chunks(run_id, batches):
            copy.write(chunk)
