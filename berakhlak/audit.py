"""The one audit channel: which models django-auditlog records, and who the actor is.

This is the only place that registers models with auditlog (docs/ARCHITECTURE.md §10); a test
greps the code for any other `auditlog.register`. Models are named by label, not imported, so this
module of the lowest app imports no other app (§2), like the root URLconf it only ties them
together by name. `register_all()` runs from `BerakhlakConfig.ready()`.

Never registered, whatever is added here: the survey's answers and everything that could tie a
person to them (Participation, Draft, SealedSubmission, Response, the release rows; §5). A log
line with an actor and a timestamp next to an answer would undo the sealing. `register_all()`
refuses them.

The actor: web requests get it from `AuditlogMiddleware`. Services that are told who acts
(`by=`, `user=`) wrap themselves in `acting_as` (or decorate with `records_actor`), so that the
same call from a Celery task, a management command or a test is recorded with its actor too.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.apps import apps

F = TypeVar("F", bound=Callable[..., Any])

# label -> auditlog.register() options. Governance data only: configuration, people and roles,
# assignments, plans, moderation. Bulk or per-answer rows are left out on purpose.
AUDITED: dict[str, dict[str, Any]] = {
    # berakhlak: accounts, the agency tree, the roster, role grants.
    "berakhlak.User": {
        "exclude_fields": ["password", "last_login"]
    },  # session_generation: ended sessions
    "berakhlak.Agency": {},
    "berakhlak.Employee": {},
    "berakhlak.RoleGrant": {},
    # The second factor: enrolment, confirmation and an admin's reset (the devices' deletion), never
    # the secret, the codes or the per-login counters.
    "otp_totp.TOTPDevice": {"include_fields": ["user", "name", "confirmed"]},
    "otp_static.StaticDevice": {"include_fields": ["user", "name", "confirmed"]},
    # evaluations: the round (schedule, weights, bands, thresholds, live figures switch), the LKE
    # worksheet and its contents, evaluator assignments. Assessments and evidence keep their own
    # event history (evaluations.AssessmentEvent), which is not duplicated here.
    "evaluations.Round": {},
    "evaluations.Worksheet": {},
    "evaluations.Component": {},
    "evaluations.Criterion": {},
    "evaluations.EvaluatorAssignment": {},
    # evaluations.plans: culture team, roadmap, action plans and their actions.
    "evaluations.CultureTeam": {},
    "evaluations.CultureTeamMember": {},
    "evaluations.Roadmap": {},
    "evaluations.ActionPlan": {},
    "evaluations.Action": {"exclude_fields": ["checklist"]},
    # surveys: the instruments (questions, options) and which instrument a round uses. Not a
    # single model that holds or points at an answer (see NEVER_AUDITED).
    "surveys.Instrument": {},
    "surveys.Item": {},
    "surveys.Option": {},
    "surveys.RoundInstrument": {},
    # forums: who nominated or ended a change agent, categories, events and attendance, and every
    # moderation decision (not the text of posts).
    "forums.Membership": {},
    "forums.Category": {},
    "forums.Event": {"exclude_fields": ["checkin_code"]},
    "forums.Registration": {"include_fields": ["attended_at", "checkin_method"]},
    "forums.Thread": {"include_fields": ["locked", "hidden", "category", "accepted_post"]},
    "forums.Post": {"include_fields": ["hidden", "edited_at", "deleted_at"]},
    # reports: the letterhead and signatory every PDF prints (not the logo's bytes).
    "reports.ReportLetterhead": {"exclude_fields": ["logo", "updated_at"]},
}

# Confidentiality (docs/ARCHITECTURE.md §5): these must never reach the audit log.
NEVER_AUDITED: frozenset[str] = frozenset(
    {
        "surveys.Participation",
        "surveys.Draft",
        "surveys.SealedSubmission",
        "surveys.Response",
        "surveys.ResponseRelease",
        "surveys.ReleaseCorrection",
        "surveys.PaperImport",
    }
)


def register_all() -> None:
    """Register every audited model; called once from `BerakhlakConfig.ready()`."""
    from auditlog.registry import auditlog

    forbidden = NEVER_AUDITED & AUDITED.keys()
    if forbidden:
        raise RuntimeError(f"survey models must never be audited: {sorted(forbidden)}")
    for label, options in AUDITED.items():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        options = dict(options)
        if "include_fields" not in options:
            # The model's own columns only. Left to itself auditlog also reads reverse relations
            # when it logs a creation (`round.worksheet`), which caches "no such row" on the
            # instance that the caller goes on using.
            excluded = set(options.get("exclude_fields", ()))
            options["include_fields"] = [
                field.name for field in model._meta.concrete_fields if field.name not in excluded
            ]
        auditlog.register(model, **options)


@contextlib.contextmanager
def acting_as(user) -> Iterator[None]:
    """Record every audited change inside the block as made by `user`.

    Without a user (None, anonymous) the surrounding actor stays, e.g. the request's. Nested in
    a request, the request's address is kept and its context restored afterwards (auditlog's own
    `set_actor` leaves the inner context behind, which would drop the actor for the rest of the
    request).
    """
    from auditlog.context import auditlog_value, set_actor

    if user is None or not getattr(user, "is_authenticated", False):
        yield
        return
    outer = auditlog_value.get(None)
    where = {key: outer.get(key) for key in ("remote_addr", "remote_port")} if outer else {}
    try:
        with set_actor(user, **where):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)


def records_actor(param: str = "by") -> Callable[[F], F]:
    """Decorate a service whose keyword argument `param` is the acting user (see `acting_as`)."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with acting_as(kwargs.get(param)):
                return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def audit_change(instance, changes: dict[str, tuple[Any, Any]]) -> None:
    """Record a change that bypassed the model's `save` (a queryset update, a bulk insert) as one
    log entry of `instance` with the current actor; `changes` maps a field (or what changed) to
    its value before and after."""
    from auditlog.models import LogEntry

    LogEntry.objects.log_create(
        instance,
        action=LogEntry.Action.UPDATE,
        changes={name: [str(before), str(after)] for name, (before, after) in changes.items()},
    )
