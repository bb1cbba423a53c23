"""The sums of the released responses per stored cell, kept by the database (docs/ARCHITECTURE.md
§7.2, "The cell sums").

`surveys_responsesums` holds one row per stored (round, unit, ASN type) cell with every count and
sum the index computation adds up (the same as one `GROUP BY` of the round's responses would
give). Triggers on `surveys_response` keep it in step in the same transaction as every insert,
delete, update or truncate, whoever writes (the release, an old import, a test, a raw COPY), so
the computation reads about 8,000 rows instead of scanning millions: the scan's work is done once,
when the responses are written. A cell whose last response goes is deleted, so the table never
holds a cell the responses do not.

It holds nothing the responses do not: each row adds up rows stored in the same cell, under the
same transaction id (a release writes all its rows in one transaction, §5.4).

`install_sql` creates table, triggers and contents from scratch (dropping what was there); a
migration that changes MEASURES calls it again, so replaying every migration yields the current
shape. `drift` compares the table with a fresh scan (manage.py response_sums).
"""

# Every statement here is built from the constants below, never from input.
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from surveys.models import VALUE_BITS

TABLE = "surveys_responsesums"
KEY = ("round_id", "round_agency_id", "asn_type")
SCORES = tuple(f"score_{code.lower()}" for code in VALUE_BITS)
_WHOLE = "(" + " + ".join("{r}" + c for c in SCORES) + ")"  # NULL unless all seven answered


@dataclass(frozen=True)
class Measure:
    """One column: `expression` over a response row ({r} is the row's prefix); `kind` says how
    rows add up: "sum" (NULL counts as 0), "count" (rows where it is not NULL) or "rows"."""

    column: str
    expression: str
    kind: str
    real: bool = False  # a float sum; else an integer

    def aggregate(self) -> str:
        """Over a set of rows (no prefix)."""
        expression = self.expression.format(r="")
        if self.kind == "rows":
            return "count(*)"
        if self.kind == "count":
            return f"count({expression})"
        zero = "0.0" if self.real else "0"
        return f"coalesce(sum({expression}), {zero})"

    def one(self, prefix: str) -> str:
        """One row's part (SQLite row triggers: prefix NEW. or OLD.)."""
        expression = self.expression.format(r=prefix)
        if self.kind == "rows":
            return "1"
        if self.kind == "count":
            return f"(CASE WHEN {expression} IS NULL THEN 0 ELSE 1 END)"
        return f"coalesce({expression}, {'0.0' if self.real else '0'})"


def _measures() -> tuple[Measure, ...]:
    value_sums = []
    for score in SCORES:
        value_sums += [Measure(f"sum_{score}", "{r}" + score, "sum", True)]
        value_sums += [Measure(f"n_{score}", "{r}" + score, "count")]
    return (
        Measure("n", "", "rows"),
        Measure("paper", "CASE WHEN {r}source = 'PAPER' THEN 1 ELSE 0 END", "sum"),
        Measure("sum_engagement", "{r}score_engagement", "sum", True),
        Measure("n_engagement", "{r}score_engagement", "count"),
        *value_sums,
        *(Measure(f"sq_{s}", "{r}" + s + " * {r}" + s, "sum", True) for s in SCORES),
        Measure("sum_whole", _WHOLE, "sum", True),
        Measure("sq_whole", f"{_WHOLE} * {_WHOLE}", "sum", True),
        Measure("n_whole", _WHOLE, "count"),
        Measure("n_limiting", "{r}current_limiting", "count"),
        Measure("sum_limiting", "{r}current_limiting", "sum"),
        *(
            Measure(f"current_{code.lower()}", f"(({{r}}current_mask >> {bit}) & 1)", "sum")
            for bit, code in enumerate(VALUE_BITS)
        ),
        Measure("sum_alignment", "{r}alignment_desired", "sum", True),
        Measure("n_alignment", "{r}alignment_desired", "count"),
        Measure("sum_personal", "{r}alignment_personal", "sum", True),
        Measure("n_personal", "{r}alignment_personal", "count"),
    )


# In the order reports.aggregation reads them (the scan's columns).
MEASURES = _measures()
COLUMNS = tuple(m.column for m in MEASURES)
ANSWERS = COLUMNS[: COLUMNS.index("n_limiting")]  # without the values-selection tallies


def _aggregates() -> str:
    """Every measure over a set of rows, in the table's column order."""
    return ", ".join(f"{m.aggregate()} AS {m.column}" for m in MEASURES)


def scan_sql() -> str:
    """The reference: the same sums by one GROUP BY over the responses of round %s."""
    return (
        f"SELECT round_agency_id, asn_type, {_aggregates()} FROM surveys_response "
        "WHERE round_id = %s GROUP BY round_agency_id, asn_type"
    )


def read_sql(columns: tuple[str, ...] = COLUMNS) -> str:
    """The stored sums of round %s, in the scan's shape."""
    return (
        f"SELECT round_agency_id, asn_type, {', '.join(columns)} FROM {TABLE} WHERE round_id = %s"
    )


# --- the table and its triggers -----------------------------------------------------------------


def _table(vendor: str) -> str:
    integer, real = (
        ("bigint", "double precision") if vendor == "postgresql" else ("integer", "real")
    )
    columns = ", ".join(
        f"{m.column} {real if m.real else integer} NOT NULL DEFAULT 0" for m in MEASURES
    )
    return (
        f"CREATE TABLE {TABLE} (round_id bigint NOT NULL, round_agency_id bigint NOT NULL, "
        f"asn_type varchar(20) NOT NULL, {columns}, PRIMARY KEY ({', '.join(KEY)}))"
    )


_KEY = ", ".join(KEY)


def _grouped(rows: str, where: str = "") -> str:
    """The sums of `rows` per cell, in the table's column order."""
    return f"SELECT {_KEY}, {_aggregates()} FROM {rows} {where} GROUP BY {_KEY}"


def _pg_add(rows: str) -> str:
    added = ", ".join(f"{c} = s.{c} + excluded.{c}" for c in COLUMNS)
    return (
        f"INSERT INTO {TABLE} AS s ({_KEY}, {', '.join(COLUMNS)}) "
        f"{_grouped(rows)} ORDER BY {_KEY} "  # one lock order: no deadlock
        f"ON CONFLICT ({_KEY}) DO UPDATE SET {added};"
    )


def _pg_subtract(rows: str) -> str:
    taken = ", ".join(f"{c} = s.{c} - g.{c}" for c in COLUMNS)
    match = " AND ".join(f"s.{k} = g.{k}" for k in KEY)
    return (
        f"UPDATE {TABLE} AS s SET {taken} FROM ({_grouped(rows)}) AS g "
        f"WHERE {match}; "
        f"DELETE FROM {TABLE} AS s USING (SELECT DISTINCT {_KEY} FROM {rows}) AS g "
        f"WHERE {match} AND s.n = 0;"
    )


_PG_EVENTS = {  # event: (transition tables, body)
    "insert": ("NEW TABLE AS added", _pg_add("added")),
    "delete": ("OLD TABLE AS removed", _pg_subtract("removed")),
    "update": (
        "OLD TABLE AS removed NEW TABLE AS added",
        _pg_subtract("removed") + _pg_add("added"),
    ),
}


def _pg_install() -> list[str]:
    statements = [_pg_uninstall()[0], _table("postgresql")]
    for event, (tables, body) in _PG_EVENTS.items():
        name = f"{TABLE}_{event}"
        statements += [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} "
            "RETURN NULL; END $$",
            f"CREATE TRIGGER {name} AFTER {event.upper()} ON surveys_response "
            f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ]
    statements += [
        f"CREATE FUNCTION {TABLE}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"TRUNCATE {TABLE}; RETURN NULL; END $$",
        f"CREATE TRIGGER {TABLE}_truncate AFTER TRUNCATE ON surveys_response "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_truncate()",
    ]
    return statements


def _pg_uninstall() -> list[str]:
    functions = ", ".join(f"{TABLE}_{e}()" for e in (*_PG_EVENTS, "truncate"))
    # Dropping the functions drops their triggers (CASCADE); the table last.
    return [f"DROP TABLE IF EXISTS {TABLE}; DROP FUNCTION IF EXISTS {functions} CASCADE"]


def _sqlite_add(prefix: str) -> str:
    added = ", ".join(f"{c} = {c} + excluded.{c}" for c in COLUMNS)
    values = ", ".join([*(prefix + k for k in KEY), *(m.one(prefix) for m in MEASURES)])
    return (
        f"INSERT INTO {TABLE} ({_KEY}, {', '.join(COLUMNS)}) VALUES ({values}) "
        f"ON CONFLICT ({_KEY}) DO UPDATE SET {added};"
    )


def _sqlite_subtract(prefix: str) -> str:
    taken = ", ".join(f"{m.column} = {m.column} - {m.one(prefix)}" for m in MEASURES)
    match = " AND ".join(f"{k} = {prefix}{k}" for k in KEY)
    return f"UPDATE {TABLE} SET {taken} WHERE {match}; DELETE FROM {TABLE} WHERE {match} AND n = 0;"


_SQLITE_EVENTS = {
    "insert": _sqlite_add("NEW."),
    "delete": _sqlite_subtract("OLD."),
    "update": _sqlite_subtract("OLD.") + _sqlite_add("NEW."),
}


def _sqlite_install() -> list[str]:
    statements = [*_sqlite_uninstall(), _table("sqlite")]
    for event, body in _SQLITE_EVENTS.items():
        statements.append(
            f"CREATE TRIGGER {TABLE}_{event} AFTER {event.upper()} ON surveys_response "
            f"FOR EACH ROW BEGIN {body} END"
        )
    return statements


def _sqlite_uninstall() -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {TABLE}_{e}" for e in _SQLITE_EVENTS),
        f"DROP TABLE IF EXISTS {TABLE}",
    ]


def _backfill(where: str = "") -> str:
    return f"INSERT INTO {TABLE} ({_KEY}, {', '.join(COLUMNS)}) " + _grouped(
        "surveys_response", where
    )


def install_sql(vendor: str) -> list[str]:
    """Statements that (re)create the table and its triggers and fill it from the responses."""
    statements = _pg_install() if vendor == "postgresql" else _sqlite_install()
    return [*statements, _backfill()]


def uninstall_sql(vendor: str) -> list[str]:
    return _pg_uninstall() if vendor == "postgresql" else _sqlite_uninstall()


# --- checking -----------------------------------------------------------------------------------

# Float sums added in another order differ in the last digits; counts must be equal.
TOLERANCE = 1e-6


def drift(round_id: int) -> list[str]:
    """Where the stored sums of a round differ from a fresh scan (empty: none)."""
    with connection.cursor() as cursor:
        cursor.execute(scan_sql(), [round_id])
        scanned = {(r[0], r[1]): r[2:] for r in cursor.fetchall()}
        cursor.execute(read_sql(), [round_id])
        stored = {(r[0], r[1]): r[2:] for r in cursor.fetchall()}
    problems = [f"cell {cell}: not stored" for cell in scanned.keys() - stored.keys()]
    problems += [f"cell {cell}: stored, no responses" for cell in stored.keys() - scanned.keys()]
    for cell in scanned.keys() & stored.keys():
        for column, want, have in zip(COLUMNS, scanned[cell], stored[cell], strict=True):
            if abs(float(want) - float(have)) > TOLERANCE * max(1.0, abs(float(want))):
                problems.append(f"cell {cell}: {column} {have} (a scan gives {want})")
    return problems


def rebuild(round_id: int) -> None:
    """Recompute one round's stored sums from its responses (a repair after `drift`)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE round_id = %s", [round_id])
        cursor.execute(_backfill("WHERE round_id = %s"), [round_id])
