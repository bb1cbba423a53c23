"""A run's figure groups (reports.figure_store) written by one COPY on PostgreSQL, its text
built here in one pass: a fraction of psycopg's per-row path (docs/ARCHITECTURE.md §7.2)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection

from berakhlak.pgbulk import copy_in
from reports.figure_arrays import ValueBlocks
from reports.figure_store import BLOCK_COLUMNS, GROUP_COLUMNS, GROUP_TABLE
from reports.figures import Figures
from reports.models import FIGURE_ORDER, INTERVAL_CODES, figure_parts

# Characters handed to COPY at a time. A write blocks until libpq has sent it, so a piece larger
# than the socket takes holds Python back while the server parses it: at 1 MiB the national
# run's write phase took ~60 ms longer than at 128 KiB (5 of 5 alternating runs, 2026-12-03);
# psycopg's queued writer (a sending thread) did not do better.
COPY_CHUNK = 1 << 17
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


def copy_chunks(run_id: int, figures: Figures) -> Iterator[str]:
    """The COPY text of a run's groups of figures under `run_id`, in pieces of about COPY_CHUNK
    characters, each handed on as soon as it is built. The blocks are plain values already: no
    field has a pre-save hook. The value figures held as columns (ValueBlocks) are formatted
    all at once, before the first group; a group refers to its seven."""
    reasons: dict[str, str] = {}  # the few distinct reasons of a run, escaped once
    value_text = _value_text(figures.values, reasons)
    null, interval, empty = NULL, _INTERVAL, _EMPTY
    short, long = _BLOCK_SHORT, _BLOCK_LONG
    width = figures.values.WIDTH
    head = f"{run_id}\t"
    parts: list[str] = []
    size = 0
    for batch in figures.batches:
        for (round_id, scope, agency, dimension, key), blocks, values in batch:
            texts = list(empty)
            if values is not None:
                texts[:width] = value_text[values * width : (values + 1) * width]
            for i, block in enumerate(blocks):
                if block is None:
                    continue
                value, n, den, hidden, reason, band, low, high, se = block
                escaped = reasons.get(reason)
                if escaped is None:
                    escaped = reasons[reason] = copy_text(reason)
                if interval[i]:
                    texts[i] = long % (
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
                        where = (round_id, scope, agency, dimension, key)
                        raise ValueError(
                            f"a figure {FIGURE_ORDER[i]} with an interval it cannot store: {where}"
                        )
                    texts[i] = short % (
                        null if value is None else value,
                        n,
                        null if den is None else den,
                        "t" if hidden else "f",
                        escaped,
                        band,
                    )
            # Codes, scopes, dimensions and bands are identifiers (no character to escape);
            # only the reason is free text.
            text = (
                f"{head}{round_id}\t{scope}\t{null if agency is None else agency}\t"
                f"{dimension}\t{key}\t" + "\t".join(texts) + "\n"
            )
            parts.append(text)
            size += len(text)
        if size > COPY_CHUNK:
            yield "".join(parts)
            parts, size = [], 0
    if parts:
        yield "".join(parts)


# A value figure's block: shown, no denominator (reports.figure_arrays.ValueBlocks.columns).
_VALUE_BLOCK = "\t".join(["%s", "%s", NULL, "f", "%s", "%s", "%s", "%s", "%s"])


def _value_text(values: ValueBlocks, reasons: dict[str, str]) -> list[str]:
    """The COPY text of every value figure's block, in the order of ValueBlocks.columns."""
    value, n, reason, band, low, high, se = values.columns(null=NULL)
    for distinct in set(reason):
        reasons.setdefault(distinct, copy_text(distinct))
    escaped = list(map(reasons.__getitem__, reason))
    return list(map(_VALUE_BLOCK.__mod__, zip(value, n, escaped, band, low, high, se, strict=True)))


def store_with_copy(run_id: int, figures: Figures) -> None:
    """Write a run's figures as one COPY of their groups, each piece of text sent as soon as it
    is built, so that the database stores a batch while the next is computed."""
    with copy_in(copy_sql()) as copy:
        for chunk in copy_chunks(run_id, figures):
            copy.write(chunk)
