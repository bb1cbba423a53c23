"""E-mails on submit, resubmission, revision request and final score.

Sent at least once and, but for a crash inside the mail exchange itself, once: the delivery
columns and their claim are berakhlak.mailing's.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from berakhlak.mailing import mail_claim, mail_outbox, mail_pending, mail_release, mail_sent
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
    """Send one e-mail per recipient group for the given events; returns messages sent.

    Each group's events are claimed just before its message is built and marked sent just after
    (berakhlak.mailing): a failure gives back the unsent groups, a dead worker's claim lapses."""
    now = timezone.now()
    events = list(
        AssessmentEvent.objects.filter(mail_pending(now), pk__in=event_ids)
        .select_related(
            "assessment__criterion",
            "assessment__round_agency__round",
            "assessment__round_agency__agency",
            "actor__employee",
        )
        .order_by("assessment__round_agency_id", "to_status", "assessment__criterion__code")
    )
    groups: dict[tuple[int, str], list[AssessmentEvent]] = {}
    for event in events:
        groups.setdefault((event.assessment.round_agency_id, event.to_status), []).append(event)
    sent = 0
    for group in groups.values():
        held = set(mail_claim(AssessmentEvent, [e.pk for e in group]))
        group = [e for e in group if e.pk in held]
        if not group:
            continue
        message = _message(group)
        try:
            if message is not None:
                sent += message.send()
        except OSError:
            mail_release(AssessmentEvent, held)
            raise
        mail_sent(AssessmentEvent, held)
    return sent


def _message(group: list[AssessmentEvent]) -> EmailMessage | None:
    """The one e-mail of a group of events (one agency, one status); None: nobody to write to."""
    round_agency = group[0].assessment.round_agency
    status = group[0].to_status
    if status in TO_EVALUATORS:
        recipients = evaluators_of(round_agency)
    elif status in TO_AGENTS:
        recipients = agents_of(round_agency)
    else:
        return None
    addresses = sorted({a for a in (_address(u) for u in recipients) if a})
    if not addresses:
        return None
    site = settings.SITE_URL.rstrip("/")
    context = {
        "status": S(status),
        "status_label": S(status).label,
        "round_agency": round_agency,
        "round": round_agency.round,
        "events": group,
        "actor": group[0].actor.display_name(),
        "link": site + reverse("evaluations:lke_workspace", args=[round_agency.pk])
        if status in TO_AGENTS
        else site + reverse("evaluations:lke_review_queue"),
    }
    subject = " ".join(render_to_string("evaluations/lke/email/subject.txt", context).split())
    body = render_to_string("evaluations/lke/email/body.txt", context)
    return EmailMessage(subject, body, bcc=addresses)


def lke_events_send_unsent(now: dt.datetime) -> int:
    """The sweep of background work (berakhlak.jobs, every minute): send the e-mails of the last
    day's events that the broker never took or whose worker died holding them."""
    from berakhlak.jobs import SEND_GRACE, job_send
    from evaluations.tasks import lke_notify

    unsent = mail_outbox(
        AssessmentEvent,
        now,
        at="at",
        grace=SEND_GRACE,
        also=Q(to_status__in=TO_EVALUATORS | TO_AGENTS) & ~Q(from_status=F("to_status")),
    )
    if unsent:
        job_send(lke_notify, unsent)
    return len(unsent)
