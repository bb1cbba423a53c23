"""Background work that survives a dead worker or an unreachable broker (docs/ARCHITECTURE.md §3.1).

Every kind of background work keeps its state on a row (an index run, a report file, a roster
import). Three columns, `Job`, let one sweeper look after all of them:

- `enqueued_at`: the broker took the task's message. The row is committed first and the message
  is sent after commit (`job_enqueue`) with a short connect timeout; when Redis is down the row
  stays without it (an outbox) and the sweeper sends it once Redis is back.
- `heartbeat_at`: touched every `HEARTBEAT_SECONDS` by a thread of the worker while the work runs
  (`heartbeat`). A running row whose heartbeat is older than `STALE_AFTER` has no live worker.
- `restarted_at`: the sweeper put the row of a dead worker back in the queue; the page says so.

`jobs_sweep` (the beat task `berakhlak.jobs_sweep`, every minute) runs the sweep of every kind
registered by the apps at start (`sweep_register`). The work itself must be safe to run twice:
a message redelivered by the broker after its visibility timeout finds nothing left to do.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
# A running job whose heartbeat is older has no live worker (nine missed beats).
STALE_AFTER = dt.timedelta(seconds=45)
# A waiting job whose message was never confirmed this long after it was written is sent again
# (the broker was down, or the process died between the commit and the send).
SEND_GRACE = dt.timedelta(seconds=10)
# A job sent but not started this long ago is sent again (the message was lost with Redis).
RESEND_AFTER = dt.timedelta(minutes=10)
# Publishing a message: one quick retry, then give up and leave the row to the sweeper.
PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}

BROKER_DOWN_MESSAGE = _(
    "Antrean tugas sedang tidak dapat dihubungi. Permintaan Anda sudah disimpan dan akan "
    "dijalankan otomatis begitu antrean pulih; tidak perlu mengulang."
)
RESTARTED_MESSAGE = _("Pekerja berhenti; dijalankan ulang.")


class Job(models.Model):
    """The columns every row of background work carries (see the module's docstring)."""

    enqueued_at = models.DateTimeField(null=True, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    restarted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_stalled(self) -> bool:
        """Nothing runs it: its worker stopped beating, or the broker never took it."""
        if self.heartbeat_at is None:
            return self.enqueued_at is None
        return self.heartbeat_at < timezone.now() - STALE_AFTER

    @property
    def job_note(self) -> str:
        """What the page says about unfinished work that waits or was restarted, or ""."""
        if self.restarted_at is not None:
            return str(RESTARTED_MESSAGE)
        if self.enqueued_at is None and self.heartbeat_at is None:
            return str(BROKER_DOWN_MESSAGE)
        return ""


# --- sending ------------------------------------------------------------------------------------

_failed_sends: ContextVar[list[str] | None] = ContextVar("failed_sends", default=None)


def _broker_errors() -> tuple[type[BaseException], ...]:
    import kombu.exceptions
    import redis.exceptions

    return (
        kombu.exceptions.OperationalError,
        redis.exceptions.ConnectionError,
        redis.exceptions.TimeoutError,
        ConnectionError,
        TimeoutError,
    )


def job_send(task, *args, model: type[models.Model] | None = None, pk: Any = None) -> bool:
    """Send the task now; True when the broker took it (then the row's `enqueued_at` is set).

    A broker that does not answer is logged and remembered for the request (`sends_watched`);
    the row keeps waiting for the sweeper. Errors of the task itself (eager mode) propagate."""
    if task.app.conf.task_always_eager:
        task.apply_async(args=args)
        return _confirmed(model, pk)
    try:
        # The state is on the row: no result to store, and no subscription to the result store
        # (which would wait for Redis a second time).
        task.apply_async(
            args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY, ignore_result=True
        )
    except _broker_errors() as error:
        logger.warning("could not enqueue %s%r: %s", task.name, args, error)
        failed = _failed_sends.get()
        if failed is not None:
            failed.append(task.name)
        return False
    return _confirmed(model, pk)


def _confirmed(model: type[models.Model] | None, pk: Any) -> bool:
    if model is not None:
        model.objects.filter(pk=pk).update(enqueued_at=timezone.now())
    return True


def job_enqueue(task, *args, model: type[models.Model] | None = None, pk: Any = None) -> None:
    """Send the task once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: job_send(task, *args, model=model, pk=pk))


@contextmanager
def sends_watched() -> Iterator[list[str]]:
    """Collect the names of the tasks whose sending failed inside the block (one request)."""
    failed: list[str] = []
    token = _failed_sends.set(failed)
    try:
        yield failed
    finally:
        _failed_sends.reset(token)


# --- the heartbeat ------------------------------------------------------------------------------


def _beats_in_thread() -> bool:
    # A thread opens its own connection: an in-memory SQLite database (unit tests) is not shared.
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


@contextmanager
def heartbeat(model: type[Job], pk: Any, **still: Any) -> Iterator[None]:
    """Touch the row's `heartbeat_at` now and every HEARTBEAT_SECONDS while the block runs.

    `still` narrows the row (e.g. the run's claim token): a row taken over by another worker is
    no longer touched. The beat runs in a thread with its own database connection, so a long
    query or a long transaction of the work does not stop it; a beat that fails (the database
    restarting, the row locked by the work itself) is skipped."""
    rows = model.objects.filter(pk=pk, **still)
    rows.update(heartbeat_at=timezone.now())
    if not _beats_in_thread():
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        try:
            if connection.vendor == "postgresql":
                with suppress(DatabaseError), connection.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '2s'")
            while not stop.wait(HEARTBEAT_SECONDS):
                with suppress(DatabaseError):
                    rows.update(heartbeat_at=timezone.now())
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{model.__name__}-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=HEARTBEAT_SECONDS)


# --- the sweeper --------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobKind:
    """How the sweeper finds and restarts one kind of work.

    `active`: rows not finished (waiting or running). `requeue`: the update that gives a running
    row back to the queue. `task`: the task and arguments that do a row's work. `since`: the
    column that says when the row was last handed to the queue by its service."""

    model: type[Job]
    active: Q
    task: Callable[[Any], tuple[Any, tuple]]
    requeue: dict = field(default_factory=dict)
    since: str = "created_at"

    def send(self, row) -> None:
        """Send the row's task once the current transaction commits."""
        task, args = self.task(row)
        job_enqueue(task, *args, model=self.model, pk=row.pk)

    def _dead(self, now: dt.datetime) -> Q:
        return self.active & Q(heartbeat_at__lt=now - STALE_AFTER)

    def _take(self, pk: Any, condition: Q, *, restart: bool, now: dt.datetime) -> bool:
        with transaction.atomic():
            # A row locked by a live worker's transaction is alive whatever its heartbeat.
            row = (
                self.model.objects.select_for_update(skip_locked=True)
                .filter(condition, pk=pk)
                .first()
            )
            if row is None:
                return False
            if restart:
                values = {**self.requeue, "heartbeat_at": None, "restarted_at": now}
                self.model.objects.filter(pk=pk).update(enqueued_at=None, **values)
                logger.warning("%s %s: worker gone, restarted", self.model.__name__, pk)
            self.send(row)
        return True

    def sweep(self, now: dt.datetime) -> int:
        """Restart the rows of dead workers, send the rows never sent or lost; how many."""
        unsent = (
            self.active
            & Q(heartbeat_at__isnull=True)
            & (
                Q(enqueued_at__isnull=True, **{f"{self.since}__lt": now - SEND_GRACE})
                | Q(enqueued_at__lt=now - RESEND_AFTER)
            )
        )
        count = 0
        for condition, restart in ((self._dead(now), True), (unsent, False)):
            for pk in list(self.model.objects.filter(condition).values_list("pk", flat=True)):
                count += self._take(pk, condition, restart=restart, now=now)
        return count

    def nudge(self, pk: Any, *, now: dt.datetime | None = None) -> bool:
        """Someone asked for the work again: restart it if its worker is dead, send it if the
        broker never took it. False when it is alive (running, or waiting in the queue)."""
        now = now or timezone.now()
        never_sent = self.active & Q(heartbeat_at__isnull=True, enqueued_at__isnull=True)
        return self._take(pk, self._dead(now), restart=True, now=now) or self._take(
            pk, never_sent, restart=False, now=now
        )


Sweep = Callable[[dt.datetime], int]
_sweeps: dict[str, Sweep] = {}


def sweep_register(name: str, sweep: Sweep | JobKind) -> None:
    """Register the sweep of one kind of work (from an app's `ready()`)."""
    _sweeps[name] = sweep.sweep if isinstance(sweep, JobKind) else sweep


def jobs_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Every minute: restart or send what every registered kind left behind; counts per kind."""
    now = now or timezone.now()
    done = {}
    for name, sweep in sorted(_sweeps.items()):
        try:
            done[name] = sweep(now)
        except Exception:  # one broken kind must not stop the others
            logger.exception("sweep %s failed", name)
            done[name] = -1
    return done
