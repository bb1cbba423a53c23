"""Opening a round for the survey: guards, agency snapshot, frozen instruments, invitations."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berakhlak.audit import records_actor
from berakhlak.jobs import job_enqueue
from berakhlak.models import Agency, Employee, User
from berakhlak.refusals import Refused, require
from evaluations import services as round_services
from evaluations.models import Round, RoundStatus
from surveys.models import (
    Instrument,
    InstrumentKind,
    InvitationEmail,
    Participation,
    RoundInstrument,
)


class RoundOpenRefused(Refused):
    """The round cannot open: every problem of `round_open_problems`, each its own message
    (`messages`), and all of them as the `reason`."""


@dataclass(frozen=True)
class OpenPreview:
    """What opening the round will do, for its confirm step."""

    first_opening: bool
    invitations: int  # people invited (first opening) or already invited (reopening)
    with_email: int  # of them, with an e-mail address
    agencies: int  # units in the snapshot
    instruments: list[Instrument]


def round_open_preview(round: Round) -> OpenPreview:
    """The counts the confirm step shows: read the way `round_open` takes its snapshot (the
    active units under the round's root, their active employees)."""
    instruments = [
        ri.instrument
        for ri in RoundInstrument.objects.filter(round=round).select_related("instrument")
    ]
    if round.status != RoundStatus.DRAFT:
        invited = Participation.objects.filter(round=round)
        return OpenPreview(
            first_opening=False,
            invitations=invited.count(),
            with_email=invited.exclude(employee__email="").count(),
            agencies=round.agencies.count(),
            instruments=instruments,
        )
    agencies = Agency.objects.filter(path__startswith=round.root.path, active=True)
    people = Employee.objects.filter(active=True, agency__in=agencies)
    return OpenPreview(
        first_opening=True,
        invitations=people.count(),
        with_email=people.exclude(email="").count(),
        agencies=agencies.count(),
        instruments=instruments,
    )


def round_open_problems(round: Round) -> list[str]:
    """Why the round cannot open now (empty when it can)."""
    problems = round_services.round_transition_problems(round, RoundStatus.OPEN)
    if round.status == RoundStatus.DRAFT:
        kinds = set(
            RoundInstrument.objects.filter(round=round).values_list("instrument__kind", flat=True)
        )
        if not kinds:
            problems.append(
                _("Pilih paling sedikit satu instrumen survei sebelum membuka putaran.")
            )
        elif InstrumentKind.BEHAVIOUR not in kinds:
            problems.append(_("Putaran memerlukan instrumen perilaku BerAKHLAK (21 butir)."))
        for instrument in Instrument.objects.filter(roundinstrument__round=round):
            if instrument.kind == InstrumentKind.VALUES_SELECTION:
                if instrument.options.count() < instrument.pick_count:
                    problems.append(
                        _("Instrumen %(name)s memiliki lebih sedikit pilihan daripada K.")
                        % {"name": instrument.name}
                    )
            elif not instrument.items.exists():
                problems.append(
                    _("Instrumen %(name)s belum memiliki butir.") % {"name": instrument.name}
                )
    return problems


@records_actor()
@transaction.atomic
def round_open(*, round: Round, by: User, send_invitations: bool = False) -> Round:
    """Open (or reopen) a round: snapshot agencies, freeze instruments, invite the active roster.

    Reopening a closed round keeps its snapshot and invitations. Safe to call twice: the second
    call is refused by the state guard, nothing is duplicated. `send_invitations` (first opening
    only): the invitation e-mail goes to everyone invited, through the outbox of
    surveys.services.invitations.
    """
    round = Round.objects.select_for_update().get(pk=round.pk)
    problems = round_open_problems(round)
    if problems:
        raise RoundOpenRefused(problems)
    first_opening = round.status == RoundStatus.DRAFT
    snapshot = round_services.round_snapshot_agencies(round=round)
    if first_opening:
        Instrument.objects.filter(roundinstrument__round=round, frozen_at__isnull=True).update(
            frozen_at=timezone.now()
        )
        participations_invite(round=round, snapshot=snapshot, email=send_invitations)
    opened = round_services.round_transition(round=round, to=RoundStatus.OPEN, by=by)
    if first_opening and send_invitations:
        from surveys.tasks import invitations_send_for_round

        job_enqueue(invitations_send_for_round, round.pk)
    return opened


def participations_invite(*, round: Round, snapshot, email: bool = False) -> int:
    """One participation per active employee of an agency in the snapshot; returns how many.
    `email`: each waits for its invitation e-mail (the outbox)."""
    invitation = InvitationEmail.DUE if email else InvitationEmail.NONE
    employees = Employee.objects.filter(active=True, agency_id__in=list(snapshot)).values_list(
        "id", "agency_id", "asn_type"
    )
    rows = [
        Participation(
            round=round,
            employee_id=pk,
            round_agency=snapshot[agency_id],
            asn_type=asn_type,
            invitation_email=invitation,
        )
        for pk, agency_id, asn_type in employees.iterator(chunk_size=5000)
    ]
    Participation.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def round_instruments_set(*, round: Round, instruments: list[Instrument]) -> None:
    """Choose the round's instruments (in survey order) while it is a draft."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    require(
        round.status == RoundStatus.DRAFT,
        _("Instrumen hanya dapat dipilih selama putaran masih draf."),
    )
    kinds = [instrument.kind for instrument in instruments]
    require(
        len(kinds) == len(set(kinds)), _("Pilih paling banyak satu instrumen untuk setiap jenis.")
    )
    RoundInstrument.objects.filter(round=round).delete()
    RoundInstrument.objects.bulk_create(
        RoundInstrument(round=round, instrument=instrument, order=order)
        for order, instrument in enumerate(instruments, start=1)
    )
