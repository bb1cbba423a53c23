"""Every figure of a small province, computed by hand, and the run's life cycle."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import psycopg
import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from berakhlak.jobs import STALE_AFTER
from evaluations.models import RoundAgency, RoundStatus
from reports import aggregation
from reports.models import IndexFigure, IndexRun, RunStatus, RunTrigger, Scope
from reports.services import compute
from surveys import sums
from surveys.models import Participation, ParticipationStatus, ResponseSource
from tests.reports.factories import respond, round_status_set, survey_round
from tests.surveys.factories import engagement_instrument

D = Decimal
ALL_BUT_AD_KL = ("BP", "AK", "KO", "HA", "LO")


def figure(run, code, agency=None, scope=None, dimension="", key=""):
    scope = scope or (Scope.PROVINCE if agency is None else Scope.SUBTREE)
    return IndexFigure.objects.get(
        run=run,
        scope=scope,
        round_agency__code=agency,
        dimension=dimension,
        dimension_key=key,
        code=code,
    )


def value(run, code, agency=None, scope=None, **kwargs):
    return figure(run, code, agency, scope, **kwargs).value


@pytest.fixture
def hand_round(province):
    """DINKES 5 (PNS, one on paper), UPTD-LAB 5 (PPPK), DISDIK 4 PNS + 2 CPNS, BIRO-ORG 2."""
    round = survey_round(province)
    for score in (50, 60, 70, 80, 90):
        source = ResponseSource.PAPER if score == 50 else ResponseSource.WEB
        respond(
            round,
            "DINKES",
            {**dict.fromkeys(ALL_BUT_AD_KL, score), "AD": 30, "KL": score},
            source=source,
        )
    respond(
        round,
        "UPTD-LAB",
        {**dict.fromkeys(ALL_BUT_AD_KL, 90), "AD": 90, "KL": 100},
        count=5,
        asn_type="PPPK",
    )
    respond(round, "DISDIK", 40, count=4)
    respond(round, "DISDIK", 40, count=2, asn_type="CPNS")
    respond(round, "BIRO-ORG", 100, count=2)
    rosters = {"PROV": 0, "DINKES": 10, "UPTD-LAB": 8, "DISDIK": 12, "BIRO-ORG": 4}
    for code, roster in rosters.items():
        RoundAgency.objects.filter(round=round, code=code).update(roster_count=roster)
    Participation.objects.filter(
        round=round, employee__in=[province.leader_a, province.agent_a]
    ).update(status=ParticipationStatus.SUBMITTED, draft_token=None)
    return round


def lke_80_for_dinkes(round):
    return {RoundAgency.objects.get(round=round, code="DINKES").pk: D("80.0")}


def test_agency_figures_by_hand(hand_round):
    run, computed = compute.index_compute_now(round=hand_round, provider=lke_80_for_dinkes)
    assert computed and run.status == RunStatus.DONE
    # DINKES's own staff (5, beside its UPTD) is never published alone, and no run stores an
    # own-staff row: where published it would repeat the subtree's (docs/ARCHITECTURE.md §7.2)
    assert not IndexFigure.objects.filter(run=run, scope=Scope.AGENCY).exists()
    # institutional 80.0 (A); composite of the subtree (individual 77.857, see below)
    # 0.6 x 77.857 + 0.4 x 80 = 78.714 -> 78.7
    assert value(run, "INSTITUTIONAL", "DINKES") == D("80.0")
    assert figure(run, "INSTITUTIONAL", "DINKES").band == "A"
    assert value(run, "COMPOSITE", "DINKES", Scope.SUBTREE) == D("78.7")
    assert figure(run, "COMPOSITE", "DINKES", Scope.SUBTREE).band == "A"
    # UPTD-LAB: 90 x 6, KL 100 -> (540 + 100) / 7 = 91.43 -> 91.4 (A)
    assert value(run, "KL", "UPTD-LAB") == D("100.0")
    assert value(run, "INDIVIDUAL", "UPTD-LAB") == D("91.4")
    assert figure(run, "INDIVIDUAL", "UPTD-LAB").band == "A"
    lab_composite = figure(run, "COMPOSITE", "UPTD-LAB")
    # UPTD-LAB has no LKE of its own (LKE is per OPD): no composite, and the stored code says why
    assert (lab_composite.value, lab_composite.reason) == (None, "NO_LKE")
    assert lab_composite.reason_text == "tidak ada LKE di cakupan ini"
    assert not lab_composite.suppressed


def test_subtree_and_province_figures_by_hand(hand_round):
    run, _ = compute.index_compute_now(round=hand_round, provider=lke_80_for_dinkes)
    # DINKES with UPTD-LAB (10 responses): BP (350 + 450) / 10 = 80.0, AD (150 + 450) / 10 = 60.0,
    # KL (350 + 500) / 10 = 85.0; individual (5 x 80 + 60 + 85) / 7 = 77.857 -> 77.9
    assert value(run, "BP", "DINKES", Scope.SUBTREE) == D("80.0")
    assert value(run, "AD", "DINKES", Scope.SUBTREE) == D("60.0")
    assert value(run, "KL", "DINKES", Scope.SUBTREE) == D("85.0")
    assert value(run, "INDIVIDUAL", "DINKES", Scope.SUBTREE) == D("77.9")
    assert figure(run, "INDIVIDUAL", "DINKES", Scope.SUBTREE).n == 10
    # Province, 18 responses: BP 1240 / 18 = 68.89; AD 1040 / 18 = 57.78; KL 1290 / 18 = 71.67
    assert value(run, "BP") == D("68.9")
    assert value(run, "AD") == D("57.8")
    assert value(run, "KL") == D("71.7")
    # individual from unrounded means: (5 x 1240 + 1040 + 1290) / 126 = 67.698 -> 67.7
    assert value(run, "INDIVIDUAL") == D("67.7")
    assert figure(run, "INDIVIDUAL").n == 18
    # province institutional = mean of the assessed agencies (80); composite
    # 0.6 x 67.698 + 32 = 72.619 -> 72.6
    assert value(run, "INSTITUTIONAL") == D("80.0")
    assert value(run, "COMPOSITE") == D("72.6")


def test_composite_waits_for_every_lke_of_the_scope(hand_round):
    """1 of 2 OPDs with an LKE scored: the province says so and shows no index and no band; the
    scored OPD's own scope is complete and published (the coverage rule, docs/ARCHITECTURE.md §7.4)."""
    dinkes, disdik = (
        RoundAgency.objects.get(round=hand_round, code=code) for code in ("DINKES", "DISDIK")
    )
    run, _ = compute.index_compute_now(
        round=hand_round, provider=lambda _round: {dinkes.pk: D(80), disdik.pk: None}
    )
    for code in ("INSTITUTIONAL", "COMPOSITE"):
        province = figure(run, code)
        assert (province.value, province.band, province.reason) == (None, "", "LKE_PENDING:1:2")
        assert province.reason_text == "LKE dinilai 1 dari 2 unit"
    institutional = figure(run, "INSTITUTIONAL")
    assert (institutional.n, institutional.denominator) == (1, 2)
    assert value(run, "COMPOSITE", "DINKES") == D("78.7")
    assert figure(run, "INSTITUTIONAL", "DISDIK").reason == "LKE_PENDING:0:1"
    # once the second is final, the province publishes the mean of both
    run, _ = compute.index_compute_now(
        round=hand_round, provider=lambda _round: {dinkes.pk: D(80), disdik.pk: D(60)}
    )
    assert value(run, "INSTITUTIONAL") == D("70.0")
    assert figure(run, "INSTITUTIONAL").band == hand_round.band_for(D("70.0")) != ""


def test_response_rate_and_minimum_respondents_by_hand(hand_round):
    run, _ = compute.index_compute_now(round=hand_round)
    # DINKES subtree (2 web submissions + 1 paper response; 10 + 8 on the rosters): 3 of 18 =
    # 16.7 %; needed max(5, ceil(5.4) = 6) = 6 -> not met. A unit's own staff counts are on the
    # response-rate board, not in the run.
    rate = figure(run, "RESPONSE_RATE", "DINKES", Scope.SUBTREE)
    assert (rate.value, rate.n, rate.denominator) == (D("16.7"), 3, 18)
    needed = figure(run, "MIN_RESPONDENTS", "DINKES", Scope.SUBTREE)
    assert (needed.n, needed.denominator) == (3, 6)
    # province: 3 of 34 = 8.8 %; needed max(5, ceil(10.2) = 11) = 11
    rate = figure(run, "RESPONSE_RATE")
    assert (rate.value, rate.n, rate.denominator) == (D("8.8"), 3, 34)
    assert figure(run, "MIN_RESPONDENTS").denominator == 11
    # A unit with nobody on its roster: no rate, and the reason
    RoundAgency.objects.filter(round=hand_round, code="BIRO-ORG").update(roster_count=0)
    run, _ = compute.index_compute_now(round=hand_round)
    empty = figure(run, "RESPONSE_RATE", "BIRO-ORG")
    assert (empty.value, empty.reason, empty.reason_text) == (None, "NO_ROSTER", "jumlah pegawai 0")


def test_small_groups_are_stored_suppressed_with_a_reason(hand_round):
    run, _ = compute.index_compute_now(round=hand_round)
    biro = figure(run, "INDIVIDUAL", "BIRO-ORG")
    assert biro.suppressed and biro.value is None and biro.n == 2
    assert (biro.reason, biro.reason_text) == ("SMALL:5", "kurang dari 5 responden")
    for code in ("BP", "AD", "COMPOSITE"):
        assert figure(run, code, "BIRO-ORG").suppressed
    # DISDIK (6) is big enough but hidden so that province - DINKES - DISDIK cannot expose BIRO
    disdik = figure(run, "INDIVIDUAL", "DISDIK")
    assert disdik.suppressed and disdik.n == 6
    assert disdik.reason == "PROTECT:5" and "selisih" in disdik.reason_text
    # breakdowns: DISDIK PNS 4 and CPNS 2 are below the minimum
    assert figure(run, "INDIVIDUAL", "DISDIK", dimension="ASN_TYPE", key="CPNS").suppressed
    assert figure(run, "INDIVIDUAL", "DISDIK", dimension="ASN_TYPE", key="PNS").suppressed
    # response rates are counts of participation, never suppressed
    assert not figure(run, "RESPONSE_RATE", "BIRO-ORG").suppressed
    assert not IndexFigure.objects.filter(run=run, suppressed=True, value__isnull=False).exists()


def test_asn_type_and_agency_kind_breakdowns(hand_round):
    run, _ = compute.index_compute_now(round=hand_round)
    # province PPPK = UPTD-LAB's 5 responses
    assert value(run, "INDIVIDUAL", dimension="ASN_TYPE", key="PPPK") == D("91.4")
    assert figure(run, "INDIVIDUAL", dimension="ASN_TYPE", key="PPPK").n == 5
    # province CPNS (2) is hidden; PNS (11) too, else province - PNS - PPPK gives CPNS
    assert figure(run, "BP", dimension="ASN_TYPE", key="CPNS").suppressed
    pns = figure(run, "BP", dimension="ASN_TYPE", key="PNS")
    assert pns.suppressed and pns.n == 11 and "selisih" in pns.reason_text
    # DINKES subtree PNS: its 5 PNS, all published: (50 + 60 + 70 + 80 + 90) / 5
    assert value(run, "BP", "DINKES", Scope.SUBTREE, dimension="ASN_TYPE", key="PNS") == D("70.0")
    # agency kinds: UPTD = UPTD-LAB; BIRO (2) suppressed
    assert value(run, "INDIVIDUAL", dimension="AGENCY_KIND", key="UPTD") == D("91.4")
    assert figure(run, "INDIVIDUAL", dimension="AGENCY_KIND", key="BIRO").suppressed
    # no rows for empty breakdown groups
    assert not IndexFigure.objects.filter(
        run=run, dimension="ASN_TYPE", dimension_key="PPPK_PARUH_WAKTU"
    ).exists()


def test_values_selection_figures_by_hand(province):
    round = survey_round(province, selection=True, k=3)
    rows = [
        ("AK,BP", 1, "AK,KO", "BP,HA"),
        ("AK", 2, "AK", "KO"),
        ("BP,KO,LO", 0, "AD,KL", "AD"),
        ("", 3, "AK,BP", ""),
        ("AD,AK", 1, "AD,AK,KL", "AD,AK"),
    ]
    for current, limiting, desired, personal in rows:
        respond(
            round,
            "DISDIK",
            current_values=current,
            current_limiting=limiting,
            desired_values=desired,
            personal_values=personal,
        )
    run, _ = compute.index_compute_now(round=round)
    expected = {
        "AK": "60.0",
        "BP": "40.0",
        "KO": "20.0",
        "LO": "20.0",
        "AD": "20.0",
        "HA": "0.0",
        "KL": "0.0",
    }
    for code, share in expected.items():
        assert value(run, f"IMPLEMENTATION_{code}", "DISDIK") == D(share), code
    # entropy: (1 + 2 + 0 + 3 + 1) limiting of 5 x 3 choices = 46.7 %
    assert value(run, "ENTROPY", "DISDIK") == D("46.7")
    # alignment: desired already current 1/2, 1/1, 0/2, 0/2, 2/3 -> 43.3
    assert value(run, "ALIGNMENT", "DISDIK") == D("43.3")
    # personal in current 1/2, 0/1, 0/1, (none), 2/2 over 4 respondents -> 37.5
    assert value(run, "ALIGNMENT_PERSONAL", "DISDIK") == D("37.5")
    assert figure(run, "ENTROPY", "DISDIK").n == 5
    assert value(run, "ENTROPY") == D("46.7")


def test_engagement_index(province):
    round = survey_round(province)
    from surveys.models import RoundInstrument

    RoundInstrument.objects.create(round=round, instrument=engagement_instrument(), order=2)
    for score in (40, 50, 60, 70, 80):
        respond(round, "DISDIK", score_engagement=score)
    run, _ = compute.index_compute_now(round=round)
    assert value(run, "ENGAGEMENT", "DISDIK") == D("60.0")


def test_band_edges_from_responses(province):
    round = survey_round(province)
    respond(round, "DINKES", 74.9, count=5)
    respond(round, "DINKES", 75.0, count=5)
    respond(round, "DISDIK", 49.9, count=5)
    respond(round, "DISDIK", 50.0, count=5)
    run, _ = compute.index_compute_now(round=round)
    assert (value(run, "BP", "DINKES"), figure(run, "BP", "DINKES").band) == (D("75.0"), "A")
    assert figure(run, "INDIVIDUAL", "DINKES").band == "A"
    assert (value(run, "AD", "DISDIK"), figure(run, "AD", "DISDIK").band) == (D("50.0"), "B")


def _figure_set(run):
    return sorted(
        IndexFigure.objects.filter(run=run).values_list(
            "scope",
            "round_agency_id",
            "dimension",
            "dimension_key",
            "code",
            "value",
            "n",
            "denominator",
            "suppressed",
            "reason",
            "band",
        ),
        key=repr,
    )


def test_compute_twice_gives_identical_figures_in_two_runs(hand_round):
    first, _ = compute.index_compute_now(round=hand_round, provider=lke_80_for_dinkes)
    second, _ = compute.index_compute_now(round=hand_round, provider=lke_80_for_dinkes)
    assert first.pk != second.pk
    assert _figure_set(first) == _figure_set(second)
    assert first.input_fingerprint == second.input_fingerprint


def test_latest_reads_the_newest_finished_run(hand_round):
    first, _ = compute.index_compute_now(round=hand_round)
    second, _ = compute.index_compute_now(round=hand_round)
    IndexRun.objects.create(round=hand_round)  # queued, not finished
    assert IndexRun.objects.for_round(hand_round).done().latest() == second
    assert IndexRun.objects.latest_for(hand_round) == second
    assert IndexRun.objects.latest_for(hand_round, final=True) is None  # open round: provisional
    assert second.provisional and first.provisional


def test_closed_round_run_is_final_and_moves_the_round_to_computed(hand_round):
    round_status_set(hand_round, RoundStatus.CLOSED)
    run, _ = compute.index_compute_now(round=hand_round)
    assert not run.provisional
    hand_round.refresh_from_db()
    assert hand_round.status == RoundStatus.COMPUTED
    assert IndexRun.objects.latest_for(hand_round, final=True) == run


@pytest.mark.parametrize("status", [RoundStatus.DRAFT, RoundStatus.PUBLISHED, RoundStatus.ARCHIVED])
def test_draft_and_published_rounds_are_not_computed(hand_round, status):
    round_status_set(hand_round, status)
    with pytest.raises(compute.ComputeRefused):
        compute.index_compute_request(round=hand_round)
    assert not IndexRun.objects.exists()


def test_second_request_while_queued_returns_the_same_run(
    hand_round, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        first = compute.index_compute_request(round=hand_round, enqueue=False)
        second = compute.index_compute_request(round=hand_round, enqueue=False)
    assert first.pk == second.pk
    assert IndexRun.objects.count() == 1
    assert callbacks == []


def test_request_enqueues_the_task_on_commit(hand_round, django_capture_on_commit_callbacks):
    with mock.patch("reports.tasks.index_compute_for_round.apply_async") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            compute.index_compute_request(round=hand_round)
        delay.assert_not_called()
        for callback in callbacks:
            callback()
    delay.assert_called_once()
    assert delay.call_args.kwargs["args"] == (hand_round.pk,)
    assert IndexRun.objects.get().enqueued_at is not None


def test_task_runs_eagerly_and_second_delivery_returns(hand_round):
    from reports.tasks import index_compute_for_round

    run = compute.index_compute_request(round=hand_round, enqueue=False)
    result = index_compute_for_round.apply(args=[hand_round.pk]).get()
    assert result["run"] == run.pk and result["status"] == RunStatus.DONE
    assert index_compute_for_round.apply(args=[hand_round.pk]).get() is None
    assert IndexFigure.objects.filter(run=run).count() == result["figures"] > 0


def test_claim_is_taken_once(hand_round):
    compute.index_compute_request(round=hand_round, enqueue=False)
    claimed = compute._claim(hand_round.pk)
    assert claimed is not None and claimed.status == RunStatus.RUNNING
    assert compute._claim(hand_round.pk) is None
    assert compute.index_run_execute(round_id=hand_round.pk) is None


def test_late_finisher_without_the_claim_writes_nothing(hand_round):
    compute.index_compute_request(round=hand_round, enqueue=False)
    stale = compute._claim(hand_round.pk)
    # the sweeper presumed the worker dead and another worker took the run over
    IndexRun.objects.filter(pk=stale.pk).update(
        heartbeat_at=timezone.now() - STALE_AFTER - dt.timedelta(seconds=1)
    )
    fresh = compute._claim(hand_round.pk)
    assert fresh.pk == stale.pk and fresh.claim_token != stale.claim_token
    with pytest.raises(compute._LostClaim):
        compute._compute(stale, compute.no_institutional_indices)
    assert not IndexFigure.objects.exists()
    done = compute._compute(fresh, compute.no_institutional_indices)
    assert done.status == RunStatus.DONE and done.attempts == 2
    assert IndexFigure.objects.filter(run=done).exists()


def test_database_error_releases_the_run_for_a_retry(hand_round):
    compute.index_compute_request(round=hand_round, enqueue=False)
    broken = mock.patch(
        "reports.services.compute.tally_round", side_effect=OperationalError("gone")
    )
    with broken, pytest.raises(OperationalError):
        compute.index_run_execute(round_id=hand_round.pk)
    run = IndexRun.objects.get()
    assert run.status == RunStatus.QUEUED and run.claim_token is None
    done = compute.index_run_execute(round_id=hand_round.pk)
    assert done.status == RunStatus.DONE and done.attempts == 2


ENDED = "SELECT pg_terminate_backend(pg_backend_pid()) WHERE %s > 0"


def _ending_read(table: str):
    """The pipelined read of `table` ends the session instead (reports.aggregation._reads)."""
    compiled = aggregation._sql

    def sql(queryset):
        text, params = compiled(queryset)
        return (ENDED, [1]) if table in text else (text, params)

    if table == sums.TABLE:
        return mock.patch("surveys.sums.read_sql", return_value=ENDED)
    return mock.patch("reports.aggregation._sql", sql)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("table", [sums.TABLE, "surveys_participation", "surveys_paperimport"])
def test_a_connection_lost_in_the_pipelined_reads_gives_the_run_back(hand_round, table):
    """The cell sums and the participation and paper counts are read by cursors of psycopg's
    own, pipelined (binary results; the counts are sent while the cell sums are rolled up); a
    real lost connection in any of them (the server ends the session in the middle of the read)
    is still Django's OperationalError, so the run is not marked failed and is computed on a new
    connection."""
    if connection.vendor != "postgresql":
        pytest.skip("the pipelined binary reads are PostgreSQL's")
    compute.index_compute_request(round=hand_round, enqueue=False)
    with _ending_read(table), pytest.raises(OperationalError):
        compute.index_run_execute(round_id=hand_round.pk)
    connection.close()
    run = IndexRun.objects.get()
    assert run.status in (RunStatus.QUEUED, RunStatus.RUNNING), run.error
    # Given back at once, or (if the release could not reach the database) taken again by the
    # next worker once its heartbeat is stale.
    IndexRun.objects.update(heartbeat_at=timezone.now() - 2 * STALE_AFTER)
    done = compute.index_run_execute(round_id=hand_round.pk)
    assert done.status == RunStatus.DONE and done.attempts == 2
    assert figure(done, "INDIVIDUAL").n == 18


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_during_the_copy_of_the_figures_gives_the_run_back(hand_round):
    """The figures go in by psycopg's COPY; the server ending the session after the first
    agency's rows were built is still Django's OperationalError: no figure is stored, the run is
    not marked failed, and it is computed on a new connection."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    compute.index_compute_request(round=hand_round, enqueue=False)
    built = compute.figures_batches

    def ending(**kwargs):
        figures = built(**kwargs)
        return figures._replace(batches=_ending(iter(figures.batches)))

    def _ending(batches):
        yield next(batches)
        settings = connection.settings_dict
        with psycopg.connect(
            dbname=settings["NAME"],
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            autocommit=True,
        ) as other:
            other.execute(
                "SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid]
            )
        yield from batches

    with (
        mock.patch("reports.services.compute.figures_batches", ending),
        pytest.raises(OperationalError),
    ):
        compute.index_run_execute(round_id=hand_round.pk)
    connection.close()
    run = IndexRun.objects.get()
    assert run.status in (RunStatus.QUEUED, RunStatus.RUNNING), run.error
    assert not IndexFigure.objects.exists()
    IndexRun.objects.update(heartbeat_at=timezone.now() - 2 * STALE_AFTER)
    done = compute.index_run_execute(round_id=hand_round.pk)
    assert done.status == RunStatus.DONE and done.attempts == 2
    assert figure(done, "INDIVIDUAL").n == 18


def test_other_errors_mark_the_run_failed_with_the_reason(hand_round):
    compute.index_compute_request(round=hand_round, enqueue=False)
    broken = mock.patch("reports.services.compute.tally_round", side_effect=ValueError("rusak"))
    with broken, pytest.raises(ValueError):
        compute.index_run_execute(round_id=hand_round.pk)
    run = IndexRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert run.error == "ValueError: rusak"
    assert not run.figures.exists()
    # a failed run frees the slot: a new request makes a new run
    assert compute.index_compute_request(round=hand_round, enqueue=False).pk != run.pk


def test_run_gives_up_after_too_many_attempts(hand_round):
    run = compute.index_compute_request(round=hand_round, enqueue=False)
    IndexRun.objects.filter(pk=run.pk).update(attempts=compute.MAX_ATTEMPTS)
    run = compute.index_run_execute(round_id=hand_round.pk)
    assert run.status == RunStatus.FAILED and "percobaan" in run.error


def test_sweeper_sends_unsent_and_restarts_dead_runs_only(
    hand_round, province, django_capture_on_commit_callbacks
):
    other = survey_round(province)
    now = timezone.now()
    unsent = compute.index_compute_request(round=hand_round, enqueue=False)
    IndexRun.objects.filter(pk=unsent.pk).update(created_at=now - dt.timedelta(minutes=1))
    dead = compute.index_compute_request(round=other, enqueue=False)
    IndexRun.objects.filter(pk=dead.pk).update(
        status=RunStatus.RUNNING, enqueued_at=now, heartbeat_at=now - dt.timedelta(minutes=1)
    )
    sending = django_capture_on_commit_callbacks(execute=True)
    with mock.patch("reports.tasks.index_compute_for_round.apply_async") as send, sending:
        assert compute.INDEX_RUNS.sweep(now) == 2
    with mock.patch("reports.tasks.index_compute_for_round.apply_async"):
        # both were confirmed sent: the next sweep leaves them alone
        assert compute.INDEX_RUNS.sweep(now + dt.timedelta(seconds=30)) == 0
    assert sorted(c.kwargs["args"][0] for c in send.call_args_list) == sorted(
        [hand_round.pk, other.pk]
    )
    dead.refresh_from_db()
    assert dead.status == RunStatus.QUEUED and dead.claim_token is None
    assert dead.restarted_at == now and dead.job_note == "Pekerja berhenti; dijalankan ulang."
    # a running run with a fresh heartbeat is left alone
    IndexRun.objects.filter(pk=dead.pk).update(status=RunStatus.RUNNING, heartbeat_at=now)
    with mock.patch("reports.tasks.index_compute_for_round.apply_async") as send:
        assert compute.INDEX_RUNS.sweep(now + dt.timedelta(seconds=30)) == 0
    send.assert_not_called()
    # the dead run is claimable again
    IndexRun.objects.filter(pk=dead.pk).update(heartbeat_at=now - dt.timedelta(minutes=30))
    assert compute.index_run_execute(round_id=other.pk).status == RunStatus.DONE


def test_a_new_hitung_restarts_a_run_whose_worker_died(
    hand_round, django_capture_on_commit_callbacks
):
    run = compute.index_compute_request(round=hand_round, enqueue=False)
    IndexRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, progress=80, heartbeat_at=timezone.now() - dt.timedelta(minutes=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = compute.index_compute_request(round=hand_round)  # eager: computed at once
    again.refresh_from_db()
    assert again.pk == run.pk
    assert again.status == RunStatus.DONE and again.restarted_at is not None
    assert IndexRun.objects.count() == 1


def test_periodic_compute_skips_unchanged_open_rounds_and_prunes(hand_round):
    with mock.patch("reports.tasks.index_compute_for_round.apply_async"):
        queued = compute.index_compute_due()
    assert len(queued) == 1
    compute.index_run_execute(round_id=hand_round.pk)
    with mock.patch("reports.tasks.index_compute_for_round.apply_async"):
        assert compute.index_compute_due() == []  # nothing new
        respond(hand_round, "DISDIK", 60)
        assert len(compute.index_compute_due()) == 1
    for _ in range(compute.KEEP_PROVISIONAL + 2):
        compute.index_run_execute(round_id=hand_round.pk)
        compute.index_compute_request(round=hand_round, enqueue=False)
    compute.index_run_execute(round_id=hand_round.pk)
    assert IndexRun.objects.done().count() == compute.KEEP_PROVISIONAL


def test_periodic_compute_gives_closed_rounds_their_final_run_once(hand_round):
    round_status_set(hand_round, RoundStatus.CLOSED)
    with mock.patch("reports.tasks.index_compute_for_round.apply_async"):
        assert len(compute.index_compute_due()) == 1
        compute.index_run_execute(round_id=hand_round.pk)
        round_status_set(hand_round, RoundStatus.CLOSED)
        assert compute.index_compute_due() == []


def test_trigger_and_requester_are_recorded(hand_round, province):
    run = compute.index_compute_request(
        round=hand_round, trigger=RunTrigger.MANUAL, by=province.admin.user, enqueue=False
    )
    assert (run.trigger, run.requested_by) == (RunTrigger.MANUAL, province.admin.user)
