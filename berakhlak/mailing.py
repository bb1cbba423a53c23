"""E-mail that a dead worker or a lost message does not lose (docs/ARCHITECTURE.md §3.1).

A row whose creation owes someone an e-mail (an LKE event, a forum post) inherits `Mailed`:

- `mail_claimed_at`: a worker is sending it now. The claim is a conditional UPDATE, so two
  workers (a retried task, a message redelivered after a worker died) never both take it.
- `notified_at`: the message went out (or there was nobody to write to).

A claim older than `CLAIM_LEASE` belongs to a worker that died between the claim and the send:
the row can be claimed again. The lease outlasts the mail tasks' time limit, so a live worker
is always killed by its limit before its claim expires. Sending is therefore at least once, and
twice only when a worker dies in the instant between the mail server accepting the message and
`notified_at` being written, which no protocol without the mail server's help can close.

The sweep of each app (`berakhlak.jobs.sweep_register`) sends the rows of the last
`OUTBOX_WINDOW` that are not notified and not claimed (the broker never took their task, or a
worker died with the claim); older ones are not sent late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils import timezone

# Longer than any mail task's hard time limit (5 minutes, a test checks it).
CLAIM_LEASE = dt.timedelta(minutes=10)
OUTBOX_WINDOW = dt.timedelta(days=1)


class Mailed(models.Model):
    """The two delivery columns of a row that causes e-mail (see the module's docstring)."""

    mail_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


def mail_pending(now: dt.datetime) -> Q:
    """Rows whose e-mail has not gone out and that no live worker holds."""
    return Q(notified_at__isnull=True) & (
        Q(mail_claimed_at__isnull=True) | Q(mail_claimed_at__lt=now - CLAIM_LEASE)
    )


def mail_claim(model: type[Mailed], pks: Iterable[int], *, also: Q | None = None) -> list[int]:
    """Claim each row that is still pending; the keys this worker now holds, in order."""
    now = timezone.now()
    pending = mail_pending(now) & (also or Q())
    return [pk for pk in pks if model.objects.filter(pending, pk=pk).update(mail_claimed_at=now)]


def mail_sent(model: type[Mailed], pks: Iterable[int]) -> None:
    """The messages of these rows went out."""
    model.objects.filter(pk__in=list(pks)).update(notified_at=timezone.now())


def mail_release(model: type[Mailed], pks: Iterable[int]) -> None:
    """Sending failed: give the rows back at once so that the retry or the sweep sends them."""
    model.objects.filter(pk__in=list(pks), notified_at__isnull=True).update(mail_claimed_at=None)


def mail_outbox(
    model: type[Mailed],
    now: dt.datetime,
    *,
    at: str,
    grace: dt.timedelta,
    also: Q | None = None,
    limit: int = 500,
) -> list[int]:
    """Keys of the rows of the last OUTBOX_WINDOW still owed an e-mail, oldest first.

    `at` is the row's creation column; rows younger than `grace` are left to their own task."""
    window = Q(**{f"{at}__lt": now - grace, f"{at}__gte": now - OUTBOX_WINDOW})
    rows = model.objects.filter(mail_pending(now) & window & (also or Q()))
    return list(rows.order_by("pk").values_list("pk", flat=True)[:limit])
