"""Agenda perubahan: who may do what, suggestions from published figures, plan and action writes,
the Biro Organisasi's board, reminders and the Excel export."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from berakhlak.audit import records_actor
from berakhlak.models import Agency, CoreValue, User
from berakhlak.refusals import Refused, require
from berakhlak.spreadsheet import ExportSheet, column_dictionary_write
from evaluations.models import Evidence, Round, RoundAgency, RoundStatus
from evaluations.plans.figures import published_figures
from evaluations.plans.models import (
    Action,
    ActionLink,
    ActionPlan,
    ActionReminder,
    ActionStatus,
    PlanComment,
    PlanStatus,
)
from evaluations.plans.permissions import can_approve, can_edit, is_admin

PUBLISHED = (RoundStatus.PUBLISHED, RoundStatus.ARCHIVED)
PLAN_DEPTH = 1  # plans belong to the agencies directly under the province, as the LKE
SOON_DAYS = 7
WEAK_BANDS = ("C", "D")


# --- suggestions from published figures ---------------------------------------------------------


@dataclass
class Suggestion:
    value: CoreValue
    score: object  # Decimal
    band: str
    reason: str


def suggestions(round_agency: RoundAgency) -> list[Suggestion]:
    """Every value in band C or D and the two lowest values of the agency (its subtree), from the
    round's published final figures only; nothing before publication."""
    if round_agency.round.status not in PUBLISHED:
        return []
    values = {v.code: v for v in CoreValue.objects.all()}
    published = published_figures(round_agency.round, round_agency.agency_id)
    figures = [f for code, f in published.items() if code in values]
    figures.sort(key=lambda f: (f.value, values[f.code].order))
    lowest = {f.code for f in figures[:2]}
    result = []
    for figure in figures:
        if figure.band in WEAK_BANDS:
            reason = _("kategori %(band)s") % {"band": figure.band}
        elif figure.code in lowest:
            reason = _("salah satu dari dua nilai terendah")
        else:
            continue
        result.append(Suggestion(values[figure.code], figure.value, figure.band, reason))
    return result


# --- plan and actions ----------------------------------------------------------------------------


@records_actor()
@transaction.atomic
def plan_start(*, round_agency: RoundAgency, by: User) -> ActionPlan:
    require(can_edit(by, round_agency), _("Hanya agen perubahan atau pimpinan unit ini."))
    require(
        round_agency.round.status in PUBLISHED,
        _("Rencana aksi disusun setelah hasil putaran dipublikasikan."),
    )
    plan, _created = ActionPlan.objects.get_or_create(
        round_agency=round_agency, defaults={"created_by": by}
    )
    return plan


def _editable(plan: ActionPlan, by: User) -> None:
    require(can_edit(by, plan.round_agency), _("Hanya agen perubahan atau pimpinan unit ini."))
    require(
        plan.status != PlanStatus.APPROVED,
        _("Rencana sudah disetujui: kegiatan tidak dapat ditambah atau dihapus lagi."),
    )


@records_actor()
def action_from_suggestion(*, plan: ActionPlan, value: CoreValue, by: User) -> Action:
    """An empty action for the value: what to write is suggested on the form (translated when it
    is shown, never stored), and the plan cannot be submitted until a person has filled it."""
    _editable(plan, by)
    return Action.objects.create(plan=plan, value=value, description="", target="")


SUGGESTED_DAYS = 90


def action_suggested_initial(action: Action, today: dt.date | None = None) -> dict:
    """What the form proposes for an action's empty dates (nothing of it is stored until saved)."""
    today = today or timezone.localdate()
    return {
        "start_date": action.start_date or today,
        "due_date": action.due_date or today + dt.timedelta(days=SUGGESTED_DAYS),
    }


def action_gaps(action: Action) -> list[str]:
    """What an action still lacks before its plan may be submitted; empty when complete."""
    gaps = []
    if not action.description.strip():
        gaps.append(_("uraian kegiatan masih usulan kosong: tulis kegiatannya"))
    if action.owner_id is None:
        gaps.append(_("penanggung jawab belum dipilih"))
    if action.start_date is None or action.due_date is None:
        gaps.append(_("tanggal mulai dan tenggat belum diisi"))
    if not action.target.strip():
        gaps.append(_("indikator target belum diisi"))
    return gaps


class PlanIncomplete(Refused):
    """A plan refused at submission; `gaps` maps each incomplete action's id to what it lacks."""

    def __init__(self, gaps: dict[int, list[str]]):
        self.gaps = gaps
        super().__init__(
            _("Rencana belum dapat diajukan: %(n)s kegiatan belum lengkap (lihat di bawah).")
            % {"n": len(gaps)}
        )


# What an approved plan fixes of each action; the work on it (status, progress, checklist,
# evidence, links) goes on.
FIXED_AFTER_APPROVAL = ("value", "description", "start_date", "due_date", "target")


@records_actor()
@transaction.atomic
def action_save(
    *,
    plan: ActionPlan,
    by: User,
    action: Action | None = None,
    link: tuple[str, str] | None = None,
    **fields,
) -> Action:
    """Create (structure editable only before approval) or update an action; `link` (title, url)
    adds a link to it."""
    require(can_edit(by, plan.round_agency), _("Hanya agen perubahan atau pimpinan unit ini."))
    if action is None:
        _editable(plan, by)
        action = Action(plan=plan)
    elif plan.status == PlanStatus.APPROVED:
        fields = {k: v for k, v in fields.items() if k not in FIXED_AFTER_APPROVAL}
    if fields.get("start_date") and fields.get("due_date"):
        require(
            fields["due_date"] >= fields["start_date"],
            _("Tenggat tidak boleh sebelum tanggal mulai."),
        )
    evidence = fields.pop("evidence", None)
    for name, value in fields.items():
        setattr(action, name, value)
    if action.status == ActionStatus.DONE:
        action.progress = 100
        action.done_at = action.done_at or timezone.now()
    else:
        action.done_at = None
    action.save()
    if evidence is not None:
        allowed = Evidence.objects.filter(
            assessment__round_agency=plan.round_agency,
            superseded_at__isnull=True,
            withdrawn_at__isnull=True,
            pk__in=[e.pk for e in evidence],
        )
        action.evidence.set(allowed)
    if link is not None:
        ActionLink.objects.create(action=action, title=link[0], url=link[1])
    return action


@records_actor()
def action_delete(*, action: Action, by: User) -> None:
    _editable(action.plan, by)
    action.delete()


@records_actor()
@transaction.atomic
def plan_submit(*, plan: ActionPlan, by: User) -> ActionPlan:
    _editable(plan, by)
    actions = list(plan.actions.all())
    require(bool(actions), _("Tambahkan paling sedikit satu kegiatan."))
    gaps = {action.pk: found for action in actions if (found := action_gaps(action))}
    if gaps:
        raise PlanIncomplete(gaps)
    plan.status = PlanStatus.SUBMITTED
    plan.save(update_fields=["status"])
    return plan


@records_actor()
@transaction.atomic
def plan_approve(*, plan: ActionPlan, by: User) -> ActionPlan:
    require(can_approve(by, plan.round_agency), _("Rencana disetujui oleh pimpinan unit."))
    require(plan.status == PlanStatus.SUBMITTED, _("Rencana belum diajukan untuk disetujui."))
    plan.status, plan.approved_by, plan.approved_at = PlanStatus.APPROVED, by, timezone.now()
    plan.save(update_fields=["status", "approved_by", "approved_at"])
    return plan


@records_actor()
@transaction.atomic
def plan_return(*, plan: ActionPlan, by: User, comment: str) -> ActionPlan:
    require(can_approve(by, plan.round_agency), _("Rencana disetujui oleh pimpinan unit."))
    require(plan.status == PlanStatus.SUBMITTED, _("Rencana belum diajukan untuk disetujui."))
    require(bool(comment.strip()), _("Tulis apa yang perlu diperbaiki."))
    plan.status = PlanStatus.DRAFT
    plan.save(update_fields=["status"])
    PlanComment.objects.create(plan=plan, author=by, text=comment.strip())
    return plan


def plan_comment(*, plan: ActionPlan, by: User, text: str) -> PlanComment:
    require(
        is_admin(by, plan.round_agency.round) or can_approve(by, plan.round_agency),
        _("Komentar diberikan oleh Biro Organisasi atau pimpinan."),
    )
    require(bool(text.strip()), _("Komentar kosong."))
    return PlanComment.objects.create(plan=plan, author=by, text=text.strip())


def plan_act(*, plan: ActionPlan, by: User, op: str, text: str = "") -> ActionPlan | PlanComment:
    """One of the plan page's buttons once the plan exists: "submit", "approve", "return" (with
    `text` as what to fix) or "comment"."""
    if op == "submit":
        return plan_submit(plan=plan, by=by)
    if op == "approve":
        return plan_approve(plan=plan, by=by)
    if op == "return":
        return plan_return(plan=plan, by=by, comment=text)
    if op == "comment":
        return plan_comment(plan=plan, by=by, text=text)
    raise ValueError(f"unknown plan operation {op!r}")


# --- board ---------------------------------------------------------------------------------------


@dataclass
class BoardRow:
    round_agency: RoundAgency
    plan: ActionPlan | None
    done: int = 0
    late: int = 0
    open: int = 0

    @property
    def state(self) -> str:
        if self.plan is None:
            return "NONE"
        if self.plan.status != PlanStatus.APPROVED:
            return self.plan.status
        if self.late:
            return "LATE"
        if self.open == 0 and self.done:
            return "DONE"
        return "ON_TRACK"


STATE_LABELS = {
    "NONE": _("Belum ada rencana"),
    "DRAFT": _("Draf"),
    "SUBMITTED": _("Menunggu persetujuan"),
    "ON_TRACK": _("Sesuai jadwal"),
    "LATE": _("Ada yang terlambat"),
    "DONE": _("Selesai"),
}


def board_rows(round: Round, *, agencies=None, today: dt.date | None = None) -> list[BoardRow]:
    today = today or timezone.localdate()
    round_agencies = RoundAgency.objects.filter(round=round, depth=PLAN_DEPTH).select_related(
        "agency"
    )
    if agencies is not None:
        round_agencies = round_agencies.filter(agency__in=agencies)
    plans = {
        p.round_agency_id: p
        for p in ActionPlan.objects.filter(round_agency__round=round).prefetch_related("actions")
    }
    rows = []
    for round_agency in round_agencies.order_by("name"):
        row = BoardRow(round_agency, plans.get(round_agency.pk))
        for action in row.plan.actions.all() if row.plan else []:
            if action.status == ActionStatus.DONE:
                row.done += 1
            elif action.is_late(today):
                row.late += 1
            else:
                row.open += 1
        rows.append(row)
    return rows


def plans_workbook(round: Round, today: dt.date | None = None) -> bytes:
    """Every plan and action of a round for the Biro Organisasi: readable headers, frozen and
    filtered, dates as dates, the column codes in the sheet "Kolom"; text stays text."""
    today = today or timezone.localdate()
    workbook = Workbook(write_only=True)
    workbook.column_codes = []
    columns = [
        ("kode_unit", _("Kode unit"), 14),
        ("nama_unit", _("Nama unit"), 40),
        ("status_rencana", _("Status rencana"), 16),
        ("nilai", _("Nilai dasar"), 12),
        ("uraian", _("Uraian aksi"), 50),
        ("penanggung_jawab", _("Penanggung jawab"), 28),
        ("mulai", _("Mulai"), 12),
        ("tenggat", _("Tenggat"), 12),
        ("indikator_target", _("Indikator dan target"), 40),
        ("status", _("Status aksi"), 14),
        ("terlambat", _("Terlambat"), 11),
        ("kemajuan_persen", _("Kemajuan (%)"), 13),
    ]
    sheet = ExportSheet(workbook, "Rencana Aksi", columns)
    actions = Action.objects.filter(plan__round_agency__round=round).select_related(
        "plan__round_agency", "value", "owner"
    )
    for a in actions.order_by("plan__round_agency__name", "value__order", "due_date"):
        ra = a.plan.round_agency
        sheet.add(
            [
                ra.code,
                ra.name,
                a.plan.get_status_display(),
                a.value.code,
                a.description,
                a.owner.name if a.owner else "",
                a.start_date,
                a.due_date,
                a.target,
                a.get_status_display(),
                _("ya") if a.is_late(today) else _("tidak"),
                a.progress,
            ]
        )
    sheet.finish()
    column_dictionary_write(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reminders -----------------------------------------------------------------------------------


def _recipients(action: Action) -> list[str]:
    """The action's owner and the agency's change agents (as the LKE e-mails address them)."""
    from evaluations.lke.notifications import _address, agents_of

    addresses = {_address(user) for user in agents_of(action.plan.round_agency)}
    if action.owner and action.owner.email:
        addresses.add(action.owner.email)
    return sorted(a for a in addresses if a)


def action_reminders_send(*, today: dt.date | None = None) -> int:
    """E-mail actions due within a week and late actions, once per action, kind and due date:
    the unique ActionReminder row is inserted first and is the claim, so reruns send nothing."""
    today = today or timezone.localdate()
    sent = 0
    open_actions = (
        Action.objects.exclude(status=ActionStatus.DONE)
        .filter(
            plan__status=PlanStatus.APPROVED, due_date__lte=today + dt.timedelta(days=SOON_DAYS)
        )
        .select_related("plan__round_agency__agency", "value", "owner")
    )
    for action in open_actions:
        kind = "LATE" if action.due_date < today else "SOON"
        try:
            with transaction.atomic():
                ActionReminder.objects.create(action=action, kind=kind, due_date=action.due_date)
        except IntegrityError:
            continue  # already reminded for this due date
        addresses = _recipients(action)
        if not addresses:
            continue
        if kind == "LATE":
            subject = _("[Rencana aksi] Terlambat: %(value)s, %(unit)s")
        else:
            subject = _("[Rencana aksi] Tenggat %(date)s: %(value)s, %(unit)s")
        subject %= {
            "value": action.value.name,
            "unit": action.plan.round_agency.name,
            "date": action.due_date.strftime("%d-%m-%Y"),
        }
        body = _(
            "Kegiatan: %(desc)s\nTarget: %(target)s\nTenggat: %(date)s\nKemajuan: %(progress)s%%\n"
        ) % {
            "desc": action.description,
            "target": action.target,
            "date": action.due_date.strftime("%d-%m-%Y"),
            "progress": action.progress,
        }
        sent += EmailMessage(subject, body, bcc=addresses).send()
    return sent


# --- closing the loop ----------------------------------------------------------------------------


@dataclass
class ValueLoop:
    value: CoreValue
    actions: list[Action] = field(default_factory=list)
    before: object = None  # the value's index in the plan's round
    after: object = None  # and in the next published round
    change: object = None


def actions_by_value(agency: Agency, round: Round) -> list[ValueLoop]:
    """Per value: the actions the agency planned after `round`, and how the value's index moved
    from that round to the next published one (for the agency page and the agency report)."""
    plan = ActionPlan.objects.filter(round_agency__round=round, round_agency__agency=agency).first()
    if plan is None:
        return []
    later = (
        Round.objects.filter(root_id=round.root_id, status__in=PUBLISHED, year__gt=round.year)
        .order_by("year", "pk")
        .first()
    )

    def figures(of: Round | None) -> dict:
        if of is None:
            return {}
        return {code: f.value for code, f in published_figures(of, agency.pk).items()}

    before, after = figures(round), figures(later)
    loops: dict[str, ValueLoop] = {}
    for action in plan.actions.select_related("value").order_by("value__order", "due_date"):
        loop = loops.setdefault(action.value.code, ValueLoop(action.value))
        loop.actions.append(action)
    for code, loop in loops.items():
        loop.before, loop.after = before.get(code), after.get(code)
        if loop.before is not None and loop.after is not None:
            loop.change = loop.after - loop.before
    return list(loops.values())


# --- the culture team as LKE evidence ------------------------------------------------------------


def team_as_evidence(*, user: User, agency: Agency, assessment_id: int):
    """Print the culture team to PDF and add it as evidence of one of the agency's criteria, where
    the LKE's one rule allows it (evaluations.lke.permissions.can_add_evidence)."""
    from django.template.loader import render_to_string

    from berakhlak.pdf import html_to_pdf
    from evaluations.lke.selectors import evidence_target
    from evaluations.lke.services import evidence_attach_generated
    from evaluations.plans.models import CultureTeam

    _target, decision = evidence_target(user, agency, assessment_id)
    require(decision)
    team = CultureTeam.objects.filter(agency=agency).first()
    require(
        team is not None and team.members.exists(), _("Tim budaya kerja belum memiliki anggota.")
    )
    html = render_to_string(
        "evaluations/plans/team_pdf.html",
        {
            "agency": agency,
            "team": team,
            "now": timezone.localtime(),
            "members": team.members.select_related("employee"),
        },
    )
    pdf = html_to_pdf(html)
    description = _("Susunan tim budaya kerja")
    if team.sk_number:
        description += f" (SK {team.sk_number})"
    return evidence_attach_generated(
        user=user,
        agency=agency,
        assessment_id=assessment_id,
        data=pdf,
        name="tim-budaya-kerja.pdf",
        description=description,
    )
