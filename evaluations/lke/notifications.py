"""E-mails on submit, resubmission, revision request and final score.

Idempotent: the task claims the events (`notified_at`) with a conditional UPDATE before sending
and releases them if sending fails, so a retried or duplicated task never sends twice. A worker
killed between the claim and the send loses that e-mail rather than sending it twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from berakhlak.models import Role, RoleGrant, User
from evaluations.models import AssessmentEvent, AssessmentStatus, EvaluatorAssignment, RoundAgency

S = AssessmentStatus
TO_EVALUATORS = {S.SUBMITTED, S.RESUBMITTED, S.APPEALED}
TO_AGENTS = {S.REVISION_REQUESTED, S.FINAL}


def _address(user: User) -> str:
    employee = getattr(user, "employee", None)
    return (employee.email if employee and employee.email else "") or user.email


def agents_of(round_agency: RoundAgency) -> list[User]:
    path = round_agency.agency.path
    grants = RoleGrant.objects.filter(role=Role.CHANGE_AGENT, agency__active=True).select_related(
        "user__employee", "agency"
    )
    return [g.user for g in grants if path.startswith(g.agency.path) and g.user.is_active]


def evaluators_of(round_agency: RoundAgency) -> list[User]:
    rows = EvaluatorAssignment.objects.filter(round_agency=round_agency).select_related(
        "evaluator__employee"
    )
    return [row.evaluator for row in rows if row.evaluator.is_active]


def lke_events_notify(*, event_ids: list[int]) -> int:
    """Send one e-mail per recipient group for the given events; returns messages sent."""
    now = timezone.now()
    claimed = list(
        AssessmentEvent.objects.filter(pk__in=event_ids, notified_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    claimed = [
        pk
        for pk in claimed
        if AssessmentEvent.objects.filter(pk=pk, notified_at__isnull=True).update(notified_at=now)
    ]
    if not claimed:
        return 0
    events = list(
        AssessmentEvent.objects.filter(pk__in=claimed)
        .select_related("assessment__criterion", "assessment__round_agency__round",
                        "assessment__round_agency__agency", "actor__employee")
        .order_by("assessment__round_agency_id", "to_status", "assessment__criterion__code")
    )  # fmt: skip
    groups: dict[tuple[int, str], list[AssessmentEvent]] = {}
    for event in events:
        groups.setdefault((event.assessment.round_agency_id, event.to_status), []).append(event)
    messages = []
    for (_agency_id, status), group in groups.items():
        round_agency = group[0].assessment.round_agency
        if status in TO_EVALUATORS:
            recipients = evaluators_of(round_agency)
        elif status in TO_AGENTS:
            recipients = agents_of(round_agency)
        else:
            continue
        addresses = sorted({a for a in (_address(u) for u in recipients) if a})
        if not addresses:
            continue
        context = {
            "status": S(status),
            "status_label": S(status).label,
            "round_agency": round_agency,
            "round": round_agency.round,
            "events": group,
            "actor": group[0].actor.display_name(),
            "link": settings.SITE_URL.rstrip("/")
            + reverse("evaluations:lke_workspace", args=[round_agency.pk])
            if status in TO_AGENTS
            else settings.SITE_URL.rstrip("/") + reverse("evaluations:lke_review_queue"),
        }
        subject = " ".join(render_to_string("evaluations/lke/email/subject.txt", context).split())
        body = render_to_string("evaluations/lke/email/body.txt", context)
        messages.append((EmailMessage(subject, body, bcc=addresses), [e.pk for e in group]))
    sent = 0
    for position, (message, _pks) in enumerate(messages):
        try:
            sent += message.send()
        except OSError:
            # Release what was not sent so that the retry sends it (and only it).
            unsent = [pk for _m, group_pks in messages[position:] for pk in group_pks]
            AssessmentEvent.objects.filter(pk__in=unsent).update(notified_at=None)
            raise
    return sent


# Events of the last day whose e-mail the broker never took (Redis down) or whose sending failed
# for good; older ones are not sent late.
OUTBOX_WINDOW = dt.timedelta(days=1)


def lke_events_send_unsent(now: dt.datetime) -> int:
    """The sweep of background work (berakhlak.jobs, every minute): send the e-mails of events
    never claimed. A duplicate finds them claimed and sends nothing."""
    from berakhlak.jobs import SEND_GRACE, job_send
    from evaluations.tasks import lke_notify

    unsent = list(
        AssessmentEvent.objects.filter(
            notified_at__isnull=True,
            to_status__in=TO_EVALUATORS | TO_AGENTS,
            at__lt=now - SEND_GRACE,
            at__gte=now - OUTBOX_WINDOW,
        )
        .exclude(from_status=F("to_status"))
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    if unsent:
        job_send(lke_notify, unsent)
    return len(unsent)
