"""What an insider holding copies of the database can do, in raw SQL and raw bytes only.

No project code here: a copy is every row of every table with its system columns (PostgreSQL
`xmin` and `ctid`, SQLite `rowid`) plus the raw bytes of the storage (PostgreSQL pages read with
pageinspect, dead rows included; the SQLite file with its free pages). The attacks of
tests/surveys/test_insider.py run on these copies.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

PAIR = re.compile(r'"([A-Z]{2}\d)"\s*:\s*(\d)')


@dataclass
class Copy:
    label: str
    vendor: str
    tables: dict[str, list[dict]] = field(default_factory=dict)  # every column, as text too
    raw: dict[str, bytes] = field(default_factory=dict)  # relation -> raw bytes

    def rows(self, table: str) -> list[dict]:
        return self.tables.get(table, [])


def _pg_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    return [name for (name,) in cursor.fetchall()]


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY 1"
    )
    return [name for (name,) in cursor.fetchall()]


def _fetch(cursor, sql: str) -> list[dict]:
    cursor.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def copy_database(connection, label: str) -> Copy:
    """A full copy as a database administrator would take it (raw DB-API connection)."""
    vendor = connection.vendor
    copy = Copy(label=label, vendor=vendor)
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
            for table in _pg_tables(cursor):
                copy.tables[table] = _fetch(
                    cursor,
                    f'SELECT xmin::text AS "_xmin", ctid::text AS "_ctid", '
                    f'row_to_json(t)::text AS "_text", t.* FROM "{table}" t',
                )
            cursor.execute(
                "SELECT c.oid::regclass::text, c.relpages FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 't') AND n.nspname IN ('public', 'pg_toast')"
            )
            relations = cursor.fetchall()
            for relation, _pages in relations:
                cursor.execute("SELECT pg_relation_size(%s::regclass)", [relation])
                pages = cursor.fetchone()[0] // 8192
                chunks = []
                for page in range(pages):
                    cursor.execute("SELECT get_raw_page(%s, %s)", [relation, page])
                    chunks.append(bytes(cursor.fetchone()[0]))
                copy.raw[relation] = b"".join(chunks)
        else:
            for table in _sqlite_tables(cursor):
                rows = _fetch(cursor, f'SELECT rowid AS "_rowid", * FROM "{table}"')
                for row in rows:
                    row["_text"] = " ".join(
                        v.decode("latin-1") if isinstance(v, bytes) else str(v)
                        for v in row.values()
                    )
                copy.tables[table] = rows
    if vendor == "sqlite":
        # The file itself, free pages and all: the backup API copies every page.
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "copy.sqlite3"
            destination = sqlite3.connect(target)
            connection.ensure_connection()
            connection.connection.backup(destination)
            destination.close()
            copy.raw["file"] = target.read_bytes()
    return copy


# --- attacks -------------------------------------------------------------------------------------


def pairs_of(text: str) -> set[tuple[str, int]]:
    return {(key, int(value)) for key, value in PAIR.findall(text or "")}


def fingerprint_hits(copy: Copy, fingerprint: dict[str, int]) -> list[str]:
    """Rows (table, physical id) whose text holds every (question, answer) of the fingerprint."""
    wanted = set(fingerprint.items())
    hits = []
    for table, rows in copy.tables.items():
        for row in rows:
            if wanted <= pairs_of(row["_text"]):
                hits.append(f"{table} {row.get('_ctid', row.get('_rowid'))}")
    return hits


def raw_hits(copy: Copy, fingerprint: dict[str, int], relations: tuple[str, ...] = ()) -> list[str]:
    """Relations whose raw bytes hold the fingerprint as JSON text (either spacing) or, for
    PostgreSQL jsonb, its question keys one after the other."""
    keys = sorted(fingerprint, key=lambda k: (len(k), k))
    needles = [
        ", ".join(f'"{k}": {v}' for k, v in fingerprint.items()).encode(),
        ",".join(f'"{k}":{v}' for k, v in fingerprint.items()).encode(),
        "".join(keys).encode(),
    ]
    hits = []
    for relation, data in copy.raw.items():
        if relations and not any(r in relation for r in relations):
            continue
        if any(needle in data for needle in needles):
            hits.append(relation)
    return hits


def xmin_joins(copy: Copy) -> list[tuple[str, str]]:
    """(employee NIP, response id) pairs where a response shares a participation's xmin."""
    by_xmin = defaultdict(list)
    for row in copy.rows("surveys_response"):
        by_xmin[row["_xmin"]].append(row["id"])
    employees = {row["id"]: row["nip"] for row in copy.rows("berakhlak_employee")}
    found = []
    for participation in copy.rows("surveys_participation"):
        for response_id in by_xmin.get(participation["_xmin"], []):
            found.append((employees[participation["employee_id"]], str(response_id)))
    return found


def physical_order(copy: Copy, table: str) -> list[str]:
    """Ids of the table's rows in physical order (ctid block/offset, or rowid)."""
    rows = copy.rows(table)
    if copy.vendor == "postgresql":

        def key(row):
            block, offset = row["_ctid"].strip("()").split(",")
            return (int(block), int(offset))
    else:

        def key(row):
            return row["_rowid"]

    return [str(row["id"]) for row in sorted(rows, key=key)]


def stored_cells(copy: Copy, round_id: int) -> Counter:
    """Responses per stored (unit, ASN type) cell of the round."""
    return Counter(
        (row["round_agency_id"], row["asn_type"])
        for row in copy.rows("surveys_response")
        if row["round_id"] == round_id
    )


def figures_by_run(copy: Copy, round_id: int) -> dict[int, dict[tuple, tuple]]:
    """{run id: {(scope, agency, dimension, key, code): (value, n)}} of the figures shown, read
    from the stored groups (one row per group, a block of columns per code)."""
    done = {
        row["id"]
        for row in copy.rows("reports_indexrun")
        if row["round_id"] == round_id and row["status"] == "DONE"
    }
    assert copy.rows("reports_figuregroup") or not done, "figures are stored in the groups"
    runs: dict[int, dict[tuple, tuple]] = defaultdict(dict)
    for row in copy.rows("reports_figuregroup"):
        if row["run_id"] not in done:
            continue
        group = (row["scope"], row["round_agency_id"], row["dimension"], row["dimension_key"])
        for column, value in row.items():  # bp_value, bp_n, ...: the block of code BP
            if column.endswith("_value") and value is not None:
                prefix = column.removesuffix("_value")
                runs[row["run_id"]][(*group, prefix.upper())] = (value, row[f"{prefix}_n"])
    return runs
