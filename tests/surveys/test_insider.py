"""The insider: someone who holds copies of the database taken at any time (every table, system
columns, dead rows, the raw file), and an admin account, but not the server's keys.

Eighteen people answer through the HTTP views in a known order, each with answers that
fingerprint them; two stop half way. Copies are taken between submissions (with the provisional
index runs the periodic task stores meanwhile) and after the round closes. Then every attack runs
in raw SQL or on raw bytes (tests/surveys/insider.py), and none may attribute an answer to a person
with better odds than 1 in the round's minimum group, or find a draft.
"""

from __future__ import annotations

import itertools
import random
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from berakhlak.models import AgencyKind, AsnType
from evaluations.models import RoundStatus
from reports.services.compute import index_compute_now
from surveys import selectors
from surveys.models import Participation
from tests.factories import AgencyFactory, EmployeeFactory
from tests.surveys import insider
from tests.surveys.factories import open_round

pytestmark = pytest.mark.django_db(transaction=True)

MIN_GROUP = 5
BEHAVIOUR = [f"{v}{i}" for v in ("BP", "AK", "KO", "HA", "LO", "AD", "KL") for i in (1, 2, 3)]


def fingerprint(person_index: int) -> dict[str, int]:
    """Answers 1..6 unique to each person (checked in the test)."""
    rng = random.Random(f"insider-{person_index}")
    return {code: rng.randint(1, 6) for code in BEHAVIOUR}


def answers_for(survey, person_index: int) -> dict:
    answers = dict(fingerprint(person_index))
    for question in survey.questions:
        if question.key not in answers:
            answers[question.key] = (
                [code for code, _text in question.options[: question.pick_count]]
                if question.kind == "pick"
                else 1 + person_index % 6
            )
    return answers


def page_post(client, participation, page, answers) -> None:
    data = {"next": "1"}
    for question in page.questions:
        data[question.key] = answers[question.key]
    url = reverse("surveys:fill_page", args=[participation.pk, page.slug])
    assert client.post(url, data).status_code == 302


@pytest.fixture
def fresh_files(transactional_db):
    """New table files on PostgreSQL before the scene: a test before this one that rolled back
    leaves its rows dead in the files the insider reads raw (answers with the same question
    keys), which no copy of this round may be blamed for. TRUNCATE, as the flush after every
    transactional test does, gives each table a new file."""
    if connection.vendor == "postgresql":
        call_command("flush", "--no-input", verbosity=0)


@pytest.fixture
def scene(fresh_files, province):
    """A province where one unit x type cell is big, others are small (one PPPK in DINKES, a UPTD
    of two, a bureau of three)."""
    province.uptd_b = AgencyFactory(
        code="UPTD-DISDIK", name="UPTD Sekolah", kind=AgencyKind.UPTD, parent=province.agency_b
    )
    people = (
        [EmployeeFactory(agency=province.agency_a) for _ in range(11)]  # DINKES PNS: a big cell
        + [EmployeeFactory(agency=province.agency_a, asn_type=AsnType.PPPK)]  # alone in its cell
        + [EmployeeFactory(agency=province.unit_a) for _ in range(2)]  # a UPTD of two
        + [EmployeeFactory(agency=province.biro) for _ in range(3)]
        + [EmployeeFactory(agency=province.uptd_b)]
    )
    stoppers = [EmployeeFactory(agency=province.agency_b) for _ in range(2)]
    round = open_round(province)
    return province, round, people, stoppers


def test_an_insider_with_every_copy_attributes_no_one_and_reads_no_draft(client, scene):
    province, round, people, stoppers = scene
    survey = selectors.survey_for_round(round)
    patterns = [tuple(fingerprint(i).values()) for i in [*range(len(people)), 100, 101]]
    assert len({p[:9] for p in patterns}) == len(patterns), "fingerprints must be unique"
    copies = [insider.copy_database(connection, "opened")]
    # Two people start and stop half way; their drafts carry fingerprints 100 and 101.
    drafts = {}
    for offset, person in enumerate(stoppers):
        client.force_login(person.user)
        participation = Participation.objects.get(round=round, employee=person)
        answers = answers_for(survey, 100 + offset)
        for page in survey.pages[:3]:
            page_post(client, participation, page, answers)
        drafts[person.nip] = {
            k: v for k, v in fingerprint(100 + offset).items() if k[:2] in {"BP", "AK", "KO"}
        }
    submitted = []
    for index, person in enumerate(people):
        client.force_login(person.user)
        participation = Participation.objects.get(round=round, employee=person)
        answers = answers_for(survey, index)
        for page in survey.pages:
            page_post(client, participation, page, answers)
        receipt = client.post(reverse("surveys:fill_submit", args=[participation.pk]), follow=True)
        assert "Jawaban Anda sudah kami terima" in receipt.content.decode()
        submitted.append(person)
        # The periodic task stores provisional figures while the round is open.
        index_compute_now(round=round)
        if index % 3 == 2:
            copies.append(insider.copy_database(connection, f"after {index + 1} submissions"))
    copies.append(insider.copy_database(connection, "before close"))
    client.force_login(province.admin.user)
    closed = client.post(
        reverse("evaluations:round_transition", args=[round.pk]), {"to": RoundStatus.CLOSED}
    )
    assert closed.status_code == 302  # closing releases the answers and computes (on commit)
    final = insider.copy_database(connection, "after close")
    copies.append(final)
    round.refresh_from_db()
    assert round.status == RoundStatus.COMPUTED

    # 1. Drafts: no copy holds a draft's answers, in any row or in the raw bytes (dead rows too).
    for copy in copies:
        for nip, answers in drafts.items():
            assert not insider.fingerprint_hits(copy, answers), (copy.label, nip)
            assert not insider.raw_hits(copy, answers), (copy.label, nip)
    # 2. While the round is open nobody's answers can be found at all: they wait sealed.
    for copy in copies[:-1]:
        for index in range(len(submitted)):
            assert not insider.fingerprint_hits(copy, fingerprint(index)), (copy.label, index)
            assert not insider.raw_hits(copy, fingerprint(index)), (copy.label, index)
        assert not copy.rows("surveys_response")
    # After release each fingerprint is in exactly one response row, and no longer sealed.
    for index in range(len(submitted)):
        hits = insider.fingerprint_hits(final, fingerprint(index))
        assert len(hits) == 1 and hits[0].startswith("surveys_response"), hits
    # The raw readers work: released answers are visible in the raw bytes (jsonb keys in a run on
    # PostgreSQL, JSON text in the SQLite file), so a plain draft would have been found above.
    response_bytes = b"".join(v for k, v in final.raw.items() if "response" in k or k == "file")
    if final.vendor == "postgresql":
        assert b"AD1AD2AD3AK1AK2AK3BP1BP2BP3" in response_bytes
    else:
        assert insider.raw_hits(final, {k: fingerprint(0)[k] for k in BEHAVIOUR[:3]})
    assert not final.rows("surveys_sealedsubmission")
    assert len(final.rows("surveys_draft")) == len(stoppers)  # still sealed (shown above)

    # 3. One transaction touching two tables: no response shares a participation's xmin.
    if final.vendor == "postgresql":
        assert insider.xmin_joins(final) == []
        assert len({row["_xmin"] for row in final.rows("surveys_response")}) == 1

    # 4. Physical order carries nothing: it is the order of random ids, not of submission.
    order = insider.physical_order(final, "surveys_response")
    assert order == sorted(order)
    assert all(uuid.UUID(str(row["id"])).version == 4 for row in final.rows("surveys_response"))

    # 5. Small unit x type cells: every stored cell holds 0 or >= the minimum group, so the best
    # the insider can do for a person is to pick one of >= min_group rows.
    cells = insider.stored_cells(final, round.pk)
    assert sum(cells.values()) == len(submitted)
    assert min(cells.values()) >= MIN_GROUP, cells
    odds = max(1 / size for size in cells.values())
    assert odds <= 1 / MIN_GROUP
    # The cell sums the database keeps (surveys.sums) add up exactly those stored cells, written
    # in the release's one transaction; no copy before the release holds any.
    sums_rows = [r for r in final.rows("surveys_responsesums") if r["round_id"] == round.pk]
    assert {(r["round_agency_id"], r["asn_type"]): r["n"] for r in sums_rows} == dict(cells)
    assert all(not copy.rows("surveys_responsesums") for copy in copies[:-1])
    if final.vendor == "postgresql":
        released = {row["_xmin"] for row in final.rows("surveys_response")}
        assert {row["_xmin"] for row in sums_rows} == released

    # 6. Subtraction between copies: per stored cell the difference is 0 or >= min_group.
    for before, after in itertools.combinations(copies, 2):
        earlier, later = (
            insider.stored_cells(before, round.pk),
            insider.stored_cells(after, round.pk),
        )
        for cell in set(earlier) | set(later):
            difference = later[cell] - earlier[cell]
            assert difference == 0 or difference >= MIN_GROUP, (before.label, after.label, cell)

    # 7. Subtraction between stored index runs (every run any copy saw, provisional and final).
    runs: dict[int, dict] = {}
    for copy in copies:
        runs.update(insider.figures_by_run(copy, round.pk))
    assert len(runs) >= 3, "provisional runs were stored meanwhile"
    shown = [figures for figures in runs.values() if any(n for _v, n in figures.values())]
    assert len(shown) >= 2, "some provisional figures were shown before the close"
    for first, second in itertools.combinations(runs.values(), 2):
        for key in set(first) & set(second):
            difference = abs(first[key][1] - second[key][1])
            if key[4] in ("RESPONSE_RATE", "MIN_RESPONDENTS"):
                continue  # counts of who took part: public on the response board
            assert difference == 0 or difference >= MIN_GROUP, key
