"""The migration that seals answers at rest: drafts written before it are sealed, none is lost, and
(on PostgreSQL) no plain dead row stays in the draft table's pages."""

from __future__ import annotations

import sqlite3
import tempfile
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from surveys.selectors import draft_open

BEFORE = [("surveys", "0004_response_selection_derived")]
AFTER = [("surveys", "0005_sealed_answers")]


@pytest.mark.django_db(transaction=True)
def test_plain_drafts_are_sealed_by_the_migration_and_nothing_is_lost():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor = MigrationExecutor(connection)
    old = executor.loader.project_state(list(executor.loader.applied_migrations)).apps
    Agency = old.get_model("berakhlak", "Agency")
    Round = old.get_model("evaluations", "Round")
    Draft = old.get_model("surveys", "Draft")
    import datetime as dt

    root = Agency.objects.create(code="ROOT-M", name="Provinsi", path="/", depth=0, kind="PROVINSI")
    today = dt.date.today()
    round = Round.objects.create(
        root=root,
        name="Sebelum penyegelan",
        year=today.year,
        survey_opens_on=today,
        survey_closes_on=today,
        evidence_opens_on=today,
        evidence_closes_on=today,
        review_opens_on=today,
        review_closes_on=today,
    )
    tokens = [uuid.uuid4(), uuid.uuid4()]
    Draft.objects.create(token=tokens[0], round=round, answers={"BP1": 4, "AK2": 1})
    Draft.objects.create(token=tokens[1], round=round, answers={})

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest schema
    from surveys.models import Draft as SealedDraft

    assert draft_open(SealedDraft.objects.get(token=tokens[0])) == {"BP1": 4, "AK2": 1}
    assert draft_open(SealedDraft.objects.get(token=tokens[1])) == {}
    with connection.cursor() as cursor:
        columns = {
            c.name for c in connection.introspection.get_table_description(cursor, "surveys_draft")
        }
        assert "answers" not in columns
        if connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
            cursor.execute("SELECT pg_relation_size('surveys_draft') / 8192")
            raw = b""
            for page in range(cursor.fetchone()[0]):
                cursor.execute("SELECT get_raw_page('surveys_draft', %s)", [page])
                raw += bytes(cursor.fetchone()[0])
            assert b"BP1" not in raw and b"AK2" not in raw  # no dead plain row left behind
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            target = sqlite3.connect(Path(folder) / "copy.sqlite3")
            connection.connection.backup(target)
            target.close()
            raw = (Path(folder) / "copy.sqlite3").read_bytes()
        assert b'"BP1": 4' not in raw and b'"AK2": 1' not in raw  # nor in freed pages
