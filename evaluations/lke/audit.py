"""The LKE audit trail of one agency as people read it: who (by name), when (local time, the
project's TIME_ZONE), what (the event kind and the statuses by their labels) and each changed
field by its label with its value in words; filtered with django-filter (`evaluations.filters`)
and exported to Excel.

The events themselves are written by evaluations/lke/services.py (`AssessmentEvent`, append-only);
this module only reads them, in the scope `permissions.can_view_audit` allows: an evaluator sees
the trail of the criteria the agency has submitted, never of a draft (docs/ARCHITECTURE.md §6).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from berakhlak.models import User
from berakhlak.spreadsheet import HeaderedSheet
from evaluations import scoring
from evaluations.lke import permissions
from evaluations.models import (
    Assessment,
    AssessmentEvent,
    AssessmentStatus,
    EventKind,
    RoundAgency,
)

PAGE_ROWS = 500  # rows on the page; the Excel file holds every row of the filter
ANSWER_FIELDS = ("self_answer", "evaluator_answer", "final_answer")
EVIDENCE_LABELS = {
    "name": gettext_lazy("nama berkas"),
    "description": gettext_lazy("keterangan"),
    "size": gettext_lazy("ukuran"),
    "sha256": "SHA-256",
}
EVIDENCE_KINDS = {
    EventKind.EVIDENCE_ADDED,
    EventKind.EVIDENCE_REPLACED,
    EventKind.EVIDENCE_WITHDRAWN,
}
TIME_FORMAT = "j M Y H:i"


def trail_events(user: User, round_agency: RoundAgency) -> QuerySet[AssessmentEvent]:
    """Every event of the agency's LKE the user may read; 404 for anyone else."""
    if not permissions.can_view_audit(user, round_agency):
        raise Http404
    events = AssessmentEvent.objects.filter(assessment__round_agency=round_agency)
    if not (
        permissions.is_round_admin(user, round_agency.round)
        or permissions.is_agency_agent(user, round_agency)
    ):
        events = events.exclude(assessment__status=AssessmentStatus.DRAFT)
    return events.select_related("assessment__criterion__component", "actor__employee").order_by(
        "-at", "-pk"
    )


@dataclass
class TrailRow:
    at: dt.datetime  # local time
    code: str
    component: str
    actor: str
    kind: str
    from_label: str
    to_label: str
    before: list[tuple[str, str]] = field(default_factory=list)
    after: list[tuple[str, str]] = field(default_factory=list)
    reason: str = ""

    @property
    def status_changed(self) -> bool:
        return self.from_label != self.to_label

    @property
    def at_display(self) -> str:
        return date_format(self.at, TIME_FORMAT)


def _field_label(name: str, kind: str) -> str:
    if kind in EVIDENCE_KINDS and name in EVIDENCE_LABELS:
        return capfirst(str(EVIDENCE_LABELS[name]))
    if name == "evaluator_id":
        return _("Evaluator")
    try:
        return capfirst(str(Assessment._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:  # a key no field has: shown as written
        return name


def _value_text(name: str, value, *, kind: str, answer_kind: str, people: dict) -> str:
    if value in (None, "", [], {}):
        return "–"
    if kind in EVIDENCE_KINDS and name == "size" and isinstance(value, int):
        return str(filesizeformat(value))
    if name in ANSWER_FIELDS:
        return scoring.answer_label(answer_kind, str(value))
    if name == "evaluator_id":
        return people.get(value, str(value))
    if name == "status":
        return str(dict(AssessmentStatus.choices).get(value, value))
    if isinstance(value, str) and name.endswith(("_deadline", "_at")):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if name.endswith("_at") and timezone.is_aware(moment):
            return date_format(timezone.localtime(moment), TIME_FORMAT)
        return date_format(moment.date(), "j M Y")
    return str(value)


def trail_rows(events) -> list[TrailRow]:
    """The events in words; the evaluators named in them are read in one query."""
    events = list(events)
    ids = {
        value
        for event in events
        for data in (event.before, event.after)
        for key, value in (data or {}).items()
        if key == "evaluator_id" and isinstance(value, int)
    }
    people = {
        u.pk: u.display_name() for u in User.objects.filter(pk__in=ids).select_related("employee")
    }
    statuses = dict(AssessmentStatus.choices)
    rows = []
    for event in events:
        criterion = event.assessment.criterion

        def words(data, event=event, criterion=criterion):
            return [
                (
                    _field_label(name, event.kind),
                    _value_text(
                        name,
                        value,
                        kind=event.kind,
                        answer_kind=criterion.answer_kind,
                        people=people,
                    ),
                )
                for name, value in (data or {}).items()
                if not (event.kind in EVIDENCE_KINDS and name == "id")  # the file is its name
            ]

        rows.append(
            TrailRow(
                at=timezone.localtime(event.at),
                code=criterion.code,
                component=str(criterion.component),
                actor=event.actor.display_name(),
                kind=event.get_kind_display(),
                from_label=str(statuses.get(event.from_status, event.from_status)),
                to_label=str(statuses.get(event.to_status, event.to_status)),
                before=words(event.before),
                after=words(event.after),
                reason=event.reason,
            )
        )
    return rows


def trail_xlsx(round_agency: RoundAgency, events) -> bytes:
    """The (filtered) trail as a workbook: one row per event, real dates in local time."""
    workbook = Workbook(write_only=True)
    header = [
        _("Waktu"),
        _("Komponen"),
        _("Kriteria"),
        _("Peristiwa"),
        _("Status sebelum"),
        _("Status sesudah"),
        _("Oleh"),
        _("Sebelum"),
        _("Sesudah"),
        _("Alasan"),
    ]
    sheet = HeaderedSheet(
        workbook, _("Jejak audit"), header, [17, 30, 10, 26, 18, 18, 26, 50, 50, 40]
    )
    for chunk_start in range(0, 10**9, 1000):
        chunk = list(events[chunk_start : chunk_start + 1000])
        for row in trail_rows(chunk):
            sheet.add(
                [
                    row.at,
                    row.component,
                    row.code,
                    row.kind,
                    row.from_label,
                    row.to_label,
                    row.actor,
                    "\n".join(f"{k}: {v}" for k, v in row.before),
                    "\n".join(f"{k}: {v}" for k, v in row.after),
                    row.reason,
                ]
            )
        if len(chunk) < 1000:
            break
    sheet.finish()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
