"""The cell sums the database keeps (surveys.sums, docs/ARCHITECTURE.md §7.2) equal a fresh
GROUP BY of the responses after any write: checked with raw SQL, not through the project's code,
on SQLite and PostgreSQL, for inserts, deletes, updates that move rows between cells, a truncate,
a round deleted through Django, and two transactions writing one cell at the same time."""

from __future__ import annotations

import random
import threading
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from evaluations.models import Round
from surveys import sums
from surveys.services import release
from tests.factories import EmployeeFactory
from tests.reports.factories import survey_round
from tests.reports.test_compute_fast import _random_responses
from tests.surveys.factories import close_and_release, open_round, people_submit


def _scan(round_id: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(sums.scan_sql(), [round_id])
        return {(r[0], r[1]): tuple(r[2:]) for r in cursor.fetchall()}


def _stored(round_id: int | None = None) -> dict:
    where, params = ("WHERE round_id = %s", [round_id]) if round_id else ("", [])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT round_agency_id, asn_type, {', '.join(sums.COLUMNS)} "
            f"FROM surveys_responsesums {where}",
            params,
        )
        return {(r[0], r[1]): tuple(r[2:]) for r in cursor.fetchall()}


def _assert_equal(round_id: int) -> None:
    scanned, stored = _scan(round_id), _stored(round_id)
    assert stored.keys() == scanned.keys()
    for cell, want in scanned.items():
        for column, have, expected in zip(sums.COLUMNS, stored[cell], want, strict=True):
            assert float(have) == pytest.approx(float(expected), rel=1e-9, abs=1e-9), (
                cell,
                column,
            )
    assert sums.drift(round_id) == []


def _execute(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("seed", [1, 2])
def test_inserts_deletes_and_moves_keep_the_sums(province, seed):
    rng = random.Random(seed)
    round = survey_round(province, selection=True)
    _random_responses(round, rng, 400)  # bulk_create: many rows in few statements
    _assert_equal(round.pk)
    agencies = list(round.agencies.values_list("pk", flat=True))
    # Raw writes, one statement each: a delete of some cells' rows, a move between cells, a change
    # of scores (NULLs too), single-row inserts.
    _execute(
        "DELETE FROM surveys_response WHERE round_id = %s AND asn_type = %s", [round.pk, "PPPK"]
    )
    _assert_equal(round.pk)
    _execute(
        "UPDATE surveys_response SET round_agency_id = %s, asn_type = 'LAINNYA' "
        "WHERE round_id = %s AND round_agency_id = %s",
        [agencies[0], round.pk, agencies[1]],
    )
    _assert_equal(round.pk)
    _execute(
        "UPDATE surveys_response SET score_bp = NULL, score_kl = 100, current_mask = 127 "
        "WHERE round_id = %s AND source = 'PAPER'",
        [round.pk],
    )
    _assert_equal(round.pk)
    for _ in range(5):
        _execute(
            "INSERT INTO surveys_response (id, round_id, round_agency_id, asn_type, source, "
            "answers, score_bp, score_ak, score_ko, score_ha, score_lo, score_ad, score_kl, "
            "current_values, personal_values, desired_values) "
            "VALUES (%s, %s, %s, 'PNS', 'WEB', '{}', 80, 70, 60, 50, 40, 30, 20, '', '', '')",
            [uuid.uuid4().hex, round.pk, rng.choice(agencies)],
        )
    _assert_equal(round.pk)


def test_a_cell_that_loses_its_last_response_is_gone(province):
    round = survey_round(province, selection=True)
    _random_responses(round, random.Random(3), 50)
    cell = next(iter(_scan(round.pk)))
    _execute(
        "DELETE FROM surveys_response WHERE round_agency_id = %s AND asn_type = %s", list(cell)
    )
    assert cell not in _stored(round.pk)
    _assert_equal(round.pk)
    _execute("DELETE FROM surveys_response")
    assert _stored() == {}


def test_truncate_and_a_deleted_round_leave_nothing(province):
    round = survey_round(province, selection=True)
    other = survey_round(province)
    _random_responses(round, random.Random(4), 60)
    _random_responses(other, random.Random(5), 60)
    Round.objects.filter(pk=round.pk).delete()  # Django's cascade deletes the responses
    assert _stored(round.pk) == {}
    _assert_equal(other.pk)
    if connection.vendor == "postgresql":
        _execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check may wait on the table
        _execute("TRUNCATE surveys_response CASCADE")
        assert _stored() == {}


def test_the_command_finds_and_repairs_drift(province, capsys):
    round = survey_round(province, selection=True)
    _random_responses(round, random.Random(6), 80)
    call_command("response_sums", "--round", str(round.pk))
    assert "cocok" in capsys.readouterr().out
    _execute("UPDATE surveys_responsesums SET n = n + 1 WHERE round_id = %s", [round.pk])
    with pytest.raises(CommandError):
        call_command("response_sums")
    assert " n " in capsys.readouterr().out
    call_command("response_sums", "--repair")
    _assert_equal(round.pk)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_two_transactions_writing_one_cell_both_count(province):
    """Two releases' worth of rows into the same cells at the same moment: the upsert waits for
    the other's row lock and adds, so no response is lost from the sums."""
    round = survey_round(province, selection=True)
    agency = round.agencies.values_list("pk", flat=True).first()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(rows: int) -> None:
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                for _ in range(rows):
                    _execute(
                        "INSERT INTO surveys_response (id, round_id, round_agency_id, asn_type, "
                        "source, answers, score_bp, current_values, personal_values, "
                        "desired_values) VALUES (%s, %s, %s, 'PNS', 'WEB', '{}', 50, '', '', '')",
                        [uuid.uuid4().hex, round.pk, agency],
                    )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=write, args=(n,)) for n in (30, 40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert _stored(round.pk)[(agency, "PNS")][0] == 70
    _assert_equal(round.pk)


def test_a_release_in_several_chunks_adds_its_rows_once(province, monkeypatch):
    """The release stages its chunks and writes them in one statement (PostgreSQL): the sums are
    those of the rows, and the rows still lie in the order of their random ids."""
    monkeypatch.setattr(release, "CHUNK", 3)
    people = [EmployeeFactory(agency=province.agency_a) for _ in range(7)]
    people += [EmployeeFactory(agency=province.agency_b) for _ in range(6)]
    round = open_round(province)
    people_submit(round, people)
    assert close_and_release(round).released == 13
    _assert_equal(round.pk)
    assert sum(row[0] for row in _stored(round.pk).values()) == 13
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM surveys_response ORDER BY {order}")
        ids = [str(row[0]) for row in cursor.fetchall()]
    assert ids == sorted(ids)


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_sums_from_the_responses_already_stored(province):
    """An upgrade: responses stored before the table existed are added up by the migration, and
    the triggers it creates take over from there; going back drops table and triggers."""
    from django.db.migrations.executor import MigrationExecutor

    round = survey_round(province, selection=True)
    executor = MigrationExecutor(connection)
    executor.migrate([("surveys", "0009_invitation_claim")])
    assert "surveys_responsesums" not in connection.introspection.table_names()
    _random_responses(round, random.Random(7), 120)  # no trigger yet
    executor = MigrationExecutor(connection)
    executor.migrate([("surveys", "0010_response_sums")])
    _assert_equal(round.pk)
    _random_responses(round, random.Random(8), 30)
    _assert_equal(round.pk)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_nightly_check_logs_a_round_that_differs(province, caplog):
    from surveys.tasks import response_sums_check

    round = survey_round(province, selection=True)
    _random_responses(round, random.Random(9), 40)
    assert response_sums_check() == {}
    _execute(
        "UPDATE surveys_responsesums SET sum_score_bp = sum_score_bp + 3 WHERE round_id = %s",
        [round.pk],
    )
    differing = response_sums_check()
    assert list(differing) == [str(round.pk)]
    assert "sum_score_bp" in caplog.text
