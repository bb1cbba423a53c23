"""Writes for evaluation rounds: create, edit while draft, move through the state machine.

draft -> open -> closed -> computed -> published -> archived. Opening is orchestrated by
`surveys.services.rounds.round_open` (it also needs instruments and invitations, which live in
`surveys`); this module owns the state machine, its date guards and the agency snapshot.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.dispatch import Signal
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from berakhlak.audit import records_actor
from berakhlak.models import Agency, Employee, User
from berakhlak.refusals import Refused
from evaluations.models import Round, RoundAgency, RoundStatus

# Sent after the transaction that moved a round commits: round_id, before, after (statuses).
# reports listens to compute the final figures as soon as a round closes.
round_transitioned = Signal()

TRANSITIONS: dict[str, set[str]] = {
    RoundStatus.DRAFT: {RoundStatus.OPEN},
    RoundStatus.OPEN: {RoundStatus.CLOSED},
    RoundStatus.CLOSED: {RoundStatus.OPEN, RoundStatus.COMPUTED},
    RoundStatus.COMPUTED: {RoundStatus.COMPUTED, RoundStatus.PUBLISHED},
    RoundStatus.PUBLISHED: {RoundStatus.ARCHIVED},
    RoundStatus.ARCHIVED: set(),
}

EDITABLE_FIELDS = (
    "name",
    "year",
    "wording",
    "survey_opens_on",
    "survey_closes_on",
    "evidence_opens_on",
    "evidence_closes_on",
    "review_opens_on",
    "review_closes_on",
    "appeal_opens_on",
    "appeal_closes_on",
    "weight_survey",
    "weight_lke",
    "band_a_min",
    "band_b_min",
    "band_c_min",
    "min_group",
    "min_comment_group",
    "min_respondents",
    "min_respondents_pct",
    "reminder_gap_days",
    "reminder_max",
)


def round_schedule_field_problems(round: Round) -> list[tuple[str | None, str]]:
    """Every inconsistency in the round's dates, weights and thresholds as (field, message)."""
    problems: list[tuple[str | None, str]] = []
    if round.survey_closes_on < round.survey_opens_on:
        problems.append(("survey_closes_on", _("Survei ditutup sebelum dibuka.")))
    if round.evidence_closes_on < round.evidence_opens_on:
        problems.append(("evidence_closes_on", _("Unggah bukti ditutup sebelum dibuka.")))
    if round.review_closes_on < round.review_opens_on:
        problems.append(("review_closes_on", _("Penilaian ditutup sebelum dibuka.")))
    if round.review_opens_on < round.evidence_opens_on:
        problems.append(
            (
                "review_opens_on",
                _("Penilaian bukti tidak boleh dimulai sebelum unggah bukti dibuka."),
            )
        )
    if round.review_closes_on < round.evidence_closes_on:
        problems.append(
            ("review_closes_on", _("Penilaian harus selesai setelah unggah bukti ditutup."))
        )
    problems += _appeal_window_problems(round)
    if round.year and round.year not in (round.survey_opens_on.year, round.survey_closes_on.year):
        problems.append(
            (
                "year",
                _(
                    "Tahun putaran %(year)s tidak cocok dengan jadwal survei (%(opens)s sampai "
                    "%(closes)s): survei harus berlangsung pada tahun putaran."
                )
                % {
                    "year": round.year,
                    "opens": formats.date_format(round.survey_opens_on, "j M Y"),
                    "closes": formats.date_format(round.survey_closes_on, "j M Y"),
                },
            )
        )
    if round.weight_survey + round.weight_lke != 100:
        problems.append(("weight_lke", _("Bobot survei dan bobot LKE harus berjumlah 100.")))
    if not (100 >= round.band_a_min > round.band_b_min > round.band_c_min > 0):
        problems.append(
            (
                "band_b_min",
                _("Batas kategori harus menurun: A > B > C > 0, dan A paling tinggi 100."),
            )
        )
    if round.min_group < 3:
        problems.append(("min_group", _("Ukuran kelompok minimum tidak boleh di bawah 3.")))
    if round.min_comment_group < round.min_group:
        problems.append(
            (
                "min_comment_group",
                _("Kelompok minimum untuk komentar tidak boleh lebih kecil dari kelompok minimum."),
            )
        )
    if round.min_respondents_pct > 100:
        problems.append(
            ("min_respondents_pct", _("Persentase responden minimum paling tinggi 100."))
        )
    return problems


def _appeal_window_problems(round: Round) -> list[tuple[str | None, str]]:
    opens, closes = round.appeal_opens_on, round.appeal_closes_on
    if opens is None and closes is None:
        return []
    if opens is None or closes is None:
        field = "appeal_opens_on" if opens is None else "appeal_closes_on"
        return [(field, _("Isi kedua tanggal masa sanggah, atau kosongkan keduanya."))]
    if closes < opens:
        return [("appeal_closes_on", _("Masa sanggah ditutup sebelum dibuka."))]
    if opens < round.review_opens_on:
        return [
            ("appeal_opens_on", _("Masa sanggah tidak boleh dimulai sebelum penilaian dibuka."))
        ]
    return []


@records_actor()
def round_appeal_window_set(
    *, round: Round, opens: dt.date | None, closes: dt.date | None, by: User | None = None
) -> Round:
    """The appeal window may be set or changed at any time before the round is computed."""
    if round.status not in (RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.CLOSED):
        raise Refused(_("Masa sanggah tidak dapat diubah setelah indeks dihitung."))
    round.appeal_opens_on, round.appeal_closes_on = opens, closes
    problems = _appeal_window_problems(round)
    if problems:
        raise Refused([message for _field, message in problems])
    round.save(update_fields=["appeal_opens_on", "appeal_closes_on"])
    return round


def round_schedule_problems(round: Round) -> list[str]:
    """The same problems as plain messages, in the user's language."""
    return [message for _field, message in round_schedule_field_problems(round)]


@records_actor()
def round_create(*, root: Agency, by: User, **fields) -> Round:
    round = Round(
        root=root, created_by=by, **{k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
    )
    problems = round_schedule_problems(round)
    if problems:
        raise Refused(problems)
    round.save()
    return round


@records_actor()
@transaction.atomic
def round_update(*, round: Round, by: User, **fields) -> Round:
    round = _locked(round)
    if round.status != RoundStatus.DRAFT:
        raise Refused(_("Putaran hanya dapat diubah selama masih draf."))
    for name, value in fields.items():
        if name in EDITABLE_FIELDS:
            setattr(round, name, value)
    problems = round_schedule_problems(round)
    if problems:
        raise Refused(problems)
    round.save()
    return round


@records_actor()
def round_live_to_leaders_set(*, round: Round, live: bool, by: User) -> Round:
    """The admin's switch "Izinkan pimpinan melihat angka sementara" (docs/ARCHITECTURE.md §5.5)."""
    round.live_to_leaders = live
    round.save(update_fields=["live_to_leaders"])
    return round


def round_transition_problems(round: Round, to: str) -> list[str]:
    if to not in TRANSITIONS.get(round.status, set()):
        return [
            _("Putaran berstatus %(from)s tidak dapat diubah menjadi %(to)s.")
            % {"from": round.get_status_display(), "to": RoundStatus(to).label}
        ]
    if to == RoundStatus.OPEN:
        return round_schedule_problems(round)
    return []


def _locked(round: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round.pk)


@records_actor()
@transaction.atomic
def round_transition(*, round: Round, to: str, by: User | None = None) -> Round:
    """Move a round to another state after checking the guards; the row is locked meanwhile.

    Opening must go through `surveys.services.rounds.round_open`, which calls
    `round_snapshot_agencies` and this function inside one transaction.
    """
    locked = _locked(round)
    problems = round_transition_problems(locked, to)
    if problems:
        raise Refused(problems)
    now = timezone.now()
    before = locked.status
    locked.status = to
    if to == RoundStatus.OPEN and locked.opened_at is None:
        locked.opened_at = now
    if to == RoundStatus.CLOSED:
        locked.closed_at = now
    locked.save(update_fields=["status", "opened_at", "closed_at"])
    round.refresh_from_db()
    round_id = locked.pk
    transaction.on_commit(
        lambda: round_transitioned.send(Round, round_id=round_id, before=before, after=to)
    )
    return locked


def round_snapshot_agencies(*, round: Round) -> dict[int, RoundAgency]:
    """Freeze the round's active agency tree with each agency's active roster count.

    Idempotent: a second call (reopening a closed round) keeps the first snapshot. Returns the
    snapshot rows keyed by live agency id.
    """
    existing = {ra.agency_id: ra for ra in RoundAgency.objects.filter(round=round)}
    if existing:
        return existing
    agencies = list(
        Agency.objects.filter(path__startswith=round.root.path, active=True).order_by(
            "depth", "path"
        )
    )
    active_ids = {a.id for a in agencies}
    counts: dict[int, int] = {}
    for agency_id in Employee.objects.filter(active=True, agency_id__in=active_ids).values_list(
        "agency_id", flat=True
    ):
        counts[agency_id] = counts.get(agency_id, 0) + 1
    snapshot: dict[int, RoundAgency] = {}
    for depth in sorted({a.depth for a in agencies}):
        level = [
            RoundAgency(
                round=round,
                agency=a,
                parent=snapshot.get(a.parent_id),
                code=a.code,
                name=a.name,
                kind=a.kind,
                path=a.path,
                depth=a.depth - round.root.depth,
                roster_count=counts.get(a.id, 0),
            )
            for a in agencies
            if a.depth == depth and (a.id == round.root_id or a.parent_id in snapshot)
        ]
        for row in RoundAgency.objects.bulk_create(level):
            snapshot[row.agency_id] = row
    return snapshot


def round_survey_window_open(round: Round, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        round.status == RoundStatus.OPEN
        and round.survey_opens_on <= today <= round.survey_closes_on
    )
