"""Computing a round's indices: request a run, claim it, compute, store the snapshot, sweep.

The `IndexRun` row carries the state. A request inserts a QUEUED run (at most one waiting or
running per round, a database constraint) and enqueues the task on commit; the task claims the
run with one conditional UPDATE that sets a fresh claim token, so of two workers (or a worker
and `compute_indices`) exactly one computes. Figures are written in the same transaction that
marks the run DONE, and only while the token still matches: a worker presumed dead and then
finishing late cannot add a second set. Database errors release the claim for a retry; any
other error marks the run FAILED with the reason. While it computes the run's heartbeat is
touched every few seconds; the one sweeper of background work (berakhlak.jobs, `INDEX_RUNS`)
restarts a run whose heartbeat stopped and sends a run the broker never took.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from contextlib import contextmanager, suppress
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from berakhlak.jobs import STALE_AFTER, JobKind, heartbeat
from berakhlak.models import User
from berakhlak.refusals import Refused
from evaluations.models import Round, RoundStatus
from evaluations.services import round_transition
from reports import figure_copy, figure_store
from reports.aggregation import tally_round
from reports.figures import Figures, figures_batches
from reports.inputs import compute_inputs
from reports.models import (
    ACTIVE_STATUSES,
    METHOD_VERSION,
    IndexRun,
    RunStatus,
    RunTrigger,
)
from surveys.models import (
    InstrumentKind,
    Participation,
    ParticipationStatus,
    Response,
    RoundInstrument,
    SealedSubmission,
)
from surveys.services.release import ReleaseRefused

COMPUTABLE_STATUSES = (RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.COMPUTED)
TASK_TIME_LIMIT = dt.timedelta(minutes=15)
MAX_ATTEMPTS = 5
KEEP_PROVISIONAL = 3
FAILED_PAUSE = dt.timedelta(hours=1)

InstitutionalProvider = Callable[[Round], Mapping[int, Decimal]]


class ComputeRefused(Refused):
    """The round cannot be computed now (draft, published): the reason says why."""


def no_institutional_indices(round: Round) -> dict[int, Decimal]:
    """Default provider until the LKE module reports final scores: nothing assessed yet."""
    return {}


def institutional_provider() -> InstitutionalProvider:
    """The function giving {RoundAgency id: institutional index 0-100} for a round.

    Set `REPORTS_INSTITUTIONAL_INDEX_PROVIDER` to its dotted path once LKE scoring exists; an
    agency missing from the mapping has no institutional index (composite: "LKE belum dinilai").
    """
    path = getattr(settings, "REPORTS_INSTITUTIONAL_INDEX_PROVIDER", "")
    return import_string(path) if path else no_institutional_indices


def compute_problems(round: Round) -> list[str]:
    if round.status == RoundStatus.DRAFT:
        return [_("Putaran masih draf: belum ada jawaban untuk dihitung.")]
    if round.status not in COMPUTABLE_STATUSES:
        return [
            _(
                "Hasil putaran berstatus %(status)s tidak dapat dihitung ulang: hasil yang sudah "
                "dipublikasikan tidak berubah."
            )
            % {"status": round.get_status_display()}
        ]
    return []


def _round_instruments(round: Round) -> tuple[int | None, bool]:
    """(K of the values-selection instrument or None, whether an engagement instrument is used)."""
    pick_count, engagement = None, False
    for kind, k in RoundInstrument.objects.filter(round=round).values_list(
        "instrument__kind", "instrument__pick_count"
    ):
        if kind == InstrumentKind.VALUES_SELECTION and pick_count is None:
            pick_count = k
        engagement = engagement or kind == InstrumentKind.ENGAGEMENT
    return pick_count, engagement


def input_fingerprint(
    round: Round, institutional: Mapping[int, Decimal], *, counted: Mapping[str, int] | None = None
) -> str:
    """What the figures depend on, hashed: an unchanged open round is not recomputed.

    `counted`: the numbers of responses and web submissions as the compute's own scan counted
    them (RoundTallies), instead of counting both tables again (docs/ARCHITECTURE.md §7.2)."""
    if counted is None:
        counted = {
            "responses": Response.objects.filter(round=round).count(),
            "submitted": Participation.objects.filter(
                round=round, status=ParticipationStatus.SUBMITTED
            ).count(),
        }
    basis = {
        "method": METHOD_VERSION,
        "responses": counted["responses"],
        "waiting": SealedSubmission.objects.filter(round=round).count(),
        "submitted": counted["submitted"],
        "status_open": round.status == RoundStatus.OPEN,
        "thresholds": [
            round.min_group,
            round.weight_survey,
            round.weight_lke,
            str(round.band_a_min),
            str(round.band_b_min),
            str(round.band_c_min),
            round.min_respondents,
            round.min_respondents_pct,
        ],
        "lke": sorted((int(k), str(v)) for k, v in institutional.items()),
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()


def index_compute_request(
    *,
    round: Round,
    trigger: str = RunTrigger.MANUAL,
    by: User | None = None,
    skip_unchanged: bool = False,
    enqueue: bool = True,
    provider: InstitutionalProvider | None = None,
) -> IndexRun | None:
    """Queue a computation of the round; the task is enqueued when the transaction commits.

    Returns the new run, or the run already waiting/running (two clicks give one run), or None
    when `skip_unchanged` finds nothing new since the last finished run.
    Raises ComputeRefused for a draft or published round.
    """
    problems = compute_problems(round)
    if problems:
        raise ComputeRefused(problems[0])
    if skip_unchanged:
        latest = IndexRun.objects.latest_for(round)
        fingerprint = input_fingerprint(round, (provider or institutional_provider())(round))
        if latest is not None and latest.input_fingerprint == fingerprint:
            return None
    try:
        with transaction.atomic():
            run = IndexRun.objects.create(
                round=round,
                trigger=trigger,
                requested_by=by,
                provisional=round.status == RoundStatus.OPEN,
            )
    except IntegrityError:
        # Another request won the one active slot (or just finished): that run answers this one.
        # A run left by a dead worker, or never taken by the broker, is started again now.
        run = IndexRun.objects.for_round(round).order_by("-created_at", "-pk").first()
        if run is not None and run.is_active and enqueue:
            INDEX_RUNS.nudge(run.pk)
            run.refresh_from_db()
        return run
    if enqueue:
        INDEX_RUNS.send(run)
    return run


def index_compute_now(
    *,
    round: Round,
    by: User | None = None,
    trigger: str = RunTrigger.COMMAND,
    provider: InstitutionalProvider | None = None,
) -> tuple[IndexRun | None, bool]:
    """Request and compute in this process (the shell command). Returns (run, computed_here)."""
    run = index_compute_request(
        round=round, trigger=trigger, by=by, enqueue=False, provider=provider
    )
    if run is None or run.status != RunStatus.QUEUED:
        return run, False
    done = index_run_execute(round_id=round.pk, provider=provider)
    if done is None:
        run.refresh_from_db()
        return run, False
    return done, True


# --- the run itself ----------------------------------------------------------------------------


def _claim(round_id: int) -> IndexRun | None:
    """Take the round's waiting run (or a running one whose worker is gone); None if none."""
    now = timezone.now()
    token = uuid.uuid4()
    claimable = Q(status=RunStatus.QUEUED) | Q(
        status=RunStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    )
    claimed = (
        IndexRun.objects.filter(claimable, round_id=round_id)
        .order_by()
        .update(
            status=RunStatus.RUNNING,
            claim_token=token,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            progress=0,
            error="",
        )
    )
    if not claimed:
        return None
    return IndexRun.objects.select_related("round").get(claim_token=token)


def _mine(run: IndexRun):
    return IndexRun.objects.filter(pk=run.pk, claim_token=run.claim_token, status=RunStatus.RUNNING)


def _progress(run: IndexRun, percent: int) -> None:
    _mine(run).update(progress=percent, heartbeat_at=timezone.now())


def _fail(run: IndexRun, reason: str) -> None:
    with suppress(DatabaseError):
        _mine(run).update(status=RunStatus.FAILED, error=reason[:2000], finished_at=timezone.now())


def _release(run: IndexRun) -> None:
    """Give the run back to the queue after a transient database error (best effort)."""
    with suppress(DatabaseError):
        _mine(run).update(status=RunStatus.QUEUED, claim_token=None, heartbeat_at=None)


class _LostClaim(Exception):
    pass


def index_run_execute(
    *, round_id: int, provider: InstitutionalProvider | None = None
) -> IndexRun | None:
    """Claim and compute the round's waiting run. None when there is nothing to claim."""
    run = _claim(round_id)
    if run is None:
        return None
    if run.attempts > MAX_ATTEMPTS:
        _fail(
            run, _("Dihentikan setelah %(n)s percobaan; periksa log worker.") % {"n": MAX_ATTEMPTS}
        )
        run.refresh_from_db()
        return run
    try:
        with (
            heartbeat(IndexRun, run.pk, claim_token=run.claim_token, status=RunStatus.RUNNING),
            _collector_paused(),
        ):
            return _compute(run, provider or institutional_provider())
    except OperationalError:
        _release(run)
        raise
    except _LostClaim:
        return None
    except Exception as error:
        _fail(run, f"{type(error).__name__}: {error}")
        raise


@contextmanager
def _collector_paused():
    """A compute allocates some 200,000 short-lived objects that form no cycles (row tuples,
    Decimals, Sums); the cyclic collector's full passes over them freed nothing and cost 0.1-0.3 s
    of a national compute, so it waits until the compute is done (docs/ARCHITECTURE.md §7.2).
    Reference counting frees everything meanwhile, as always."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compute(run: IndexRun, provider: InstitutionalProvider) -> IndexRun:
    round = Round.objects.get(pk=run.round_id)
    problems = compute_problems(round)
    if problems:
        _fail(run, problems[0])
        run.refresh_from_db()
        return run
    provisional = round.status == RoundStatus.OPEN
    institutional = dict(provider(round))
    pick_count, engagement = _round_instruments(round)
    before = IndexRun.objects.latest_for(round)
    _progress(run, 10)
    try:
        inputs, tallies = _read_inputs(
            round,
            provisional=provisional,
            before=before.basis if before else None,
            selection=pick_count is not None,
        )
    except ReleaseRefused as refused:
        _fail(
            run, _("Jawaban tersegel tidak dapat dibuka: %(reason)s") % {"reason": refused.reason}
        )
        run.refresh_from_db()
        return run
    counted = {"responses": tallies.responses, "submitted": tallies.submitted}
    fingerprint = input_fingerprint(round, institutional, counted=counted)
    _progress(run, 60)
    # Suppression now; the figure rows are built while COPY stores the previous ones (the
    # database inserts in its own process meanwhile): docs/ARCHITECTURE.md §7.2.
    figures = figures_batches(
        tallies=tallies, institutional=institutional, pick_count=pick_count, engagement=engagement
    )
    _progress(run, 80)
    with transaction.atomic():
        finished = _mine(run).update(
            status=RunStatus.DONE,
            progress=100,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
            provisional=provisional,
            method_version=METHOD_VERSION,
            response_count=tallies.root.tree[""].n,
            input_fingerprint=fingerprint,
            basis=inputs.basis,
        )
        if not finished:
            raise _LostClaim
        _figures_insert(figures, run.pk)
        if round.status == RoundStatus.CLOSED:
            with suppress(ValidationError):
                # Recorded in the audit log as done by whoever asked for the run (§10).
                round_transition(round=round, to=RoundStatus.COMPUTED, by=run.requested_by)
    index_runs_prune(round=round)
    run.refresh_from_db()
    return run


def _read_inputs(round: Round, *, provisional: bool, before, selection: bool):
    """The scan, the release corrections and the waiting submissions, all from one snapshot of the
    database (REPEATABLE READ on PostgreSQL), so that a release committing meanwhile is counted
    once: either still waiting or already released."""
    outermost = not connection.in_atomic_block  # else a caller's transaction is the snapshot
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        inputs = compute_inputs(round, provisional=provisional, before=before)
        tallies = tally_round(round, selection=selection, extra=inputs.extra)
    return inputs, tallies


def _figures_insert(figures: Figures, run_id: int) -> None:
    """Write the snapshot: the run's figures under `run_id`, one row per group
    (reports.figure_store)."""
    if connection.vendor == "postgresql":
        figure_copy.store_with_copy(run_id, figures)
    else:
        figure_store.store_with_orm(run_id, figures)


# --- housekeeping ------------------------------------------------------------------------------


def index_runs_prune(*, round: Round) -> int:
    """Drop superseded provisional runs (figures of an open survey), keeping the newest few.

    Final runs are never deleted: they are the history the method promises.
    """
    provisional = IndexRun.objects.for_round(round).done().filter(provisional=True)
    keep = list(
        provisional.order_by("-finished_at", "-pk").values_list("pk", flat=True)[:KEEP_PROVISIONAL]
    )
    deleted, _detail = provisional.exclude(pk__in=keep).delete()
    return deleted


def _run_task(run: IndexRun) -> tuple:
    from reports.tasks import index_compute_for_round

    return index_compute_for_round, (run.round_id,)


# Index runs for the one sweeper (registered in reports/apps.py): a dead worker's run goes back
# to the queue under a new claim; the late worker, should it wake, no longer holds the token.
INDEX_RUNS = JobKind(
    model=IndexRun,
    active=Q(status__in=ACTIVE_STATUSES),
    task=_run_task,
    requeue={"status": RunStatus.QUEUED, "claim_token": None, "progress": 0},
)


def compute_on_close(sender, *, round_id: int, before: str, after: str, **kwargs) -> None:
    """A round just closed: queue its final figures at once (the beat task is the safety net)."""
    if after != RoundStatus.CLOSED:
        return
    round = Round.objects.filter(pk=round_id).first()
    if round is None or round.status != RoundStatus.CLOSED:
        return
    with transaction.atomic(), suppress(ComputeRefused):
        index_compute_request(round=round, trigger=RunTrigger.SCHEDULE)


def index_compute_due(*, now: dt.datetime | None = None) -> list[int]:
    """The periodic compute: open rounds whose inputs changed (provisional figures), and closed
    rounds without final figures. Returns the ids of the runs queued."""
    now = now or timezone.now()
    queued = []
    for round in Round.objects.filter(status__in=(RoundStatus.OPEN, RoundStatus.CLOSED)):
        if round.status == RoundStatus.CLOSED:
            if IndexRun.objects.for_round(round).final().exists():
                continue
            last = IndexRun.objects.for_round(round).order_by("-created_at", "-pk").first()
            if last and last.status == RunStatus.FAILED and last.created_at > now - FAILED_PAUSE:
                continue
        with transaction.atomic():
            run = index_compute_request(
                round=round, trigger=RunTrigger.SCHEDULE, skip_unchanged=True
            )
        if run is not None and run.status == RunStatus.QUEUED:
            queued.append(run.pk)
    return queued
