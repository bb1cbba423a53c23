"""Who may do what with a survey: allowed, or denied with a reason the page can show.

Only the invited person fills their own survey (the selectors already return 404 to anyone else).
No rule here, or anywhere, lets anyone read an individual's answers.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from berakhlak.models import Role
from berakhlak.permissions import ALLOWED, Decision, in_scope, is_province_admin
from evaluations.models import RoundStatus
from evaluations.services import round_survey_window_open
from surveys.models import Participation, ParticipationStatus


def can_fill(participation: Participation, today: dt.date | None = None) -> Decision:
    """May the person still change answers or submit? Refused after submit or outside the window."""
    today = today or timezone.localdate()
    round = participation.round
    if participation.status == ParticipationStatus.SUBMITTED:
        return Decision(
            False,
            _("Jawaban Anda sudah dikirim pada %(date)s dan tidak dapat diubah lagi.")
            % {"date": formats.date_format(participation.submitted_on, "j F Y")},
        )
    if round_survey_window_open(round, today):
        return ALLOWED
    if round.status != RoundStatus.OPEN:
        return Decision(
            False, _("Putaran ini sedang tidak dibuka, jadi jawaban tidak dapat diubah.")
        )
    if today < round.survey_opens_on:
        return Decision(
            False,
            _("Pengisian survei baru dibuka pada %(date)s.")
            % {"date": formats.date_format(round.survey_opens_on, "j F Y")},
        )
    return Decision(
        False,
        _("Masa pengisian survei sudah berakhir pada %(date)s; jawaban tidak dapat diubah lagi.")
        % {"date": formats.date_format(round.survey_closes_on, "j F Y")},
    )


def can_manage_instruments(user) -> Decision:
    """Instruments belong to the whole province: only a province-level admin edits them."""
    if is_province_admin(user):
        return ALLOWED
    return Decision(False, _("Instrumen survei hanya dapat dikelola Admin Biro Organisasi."))


def can_edit_instrument(user, instrument) -> Decision:
    decision = can_manage_instruments(user)
    if not decision:
        return decision
    if instrument.is_frozen:
        return Decision(
            False,
            _(
                "Instrumen ini sudah dibekukan karena dipakai putaran yang telah dibuka. "
                "Buat versi baru untuk mengubahnya."
            ),
        )
    return ALLOWED


def can_view_response_board(user, round_agency) -> Decision:
    """Admins see every agency of their scope; change agents and leaders their own subtree."""
    if in_scope(user, round_agency.agency, (Role.ADMIN, Role.CHANGE_AGENT, Role.LEADER)):
        return ALLOWED
    return Decision(False, _("Tingkat respons unit ini di luar cakupan peran Anda."))


def can_import_paper(user) -> Decision:
    """Paper answers are imported by a province-level admin only (the pages are 404 to others)."""
    if is_province_admin(user):
        return ALLOWED
    return Decision(
        False, _("Impor jawaban kertas hanya untuk Admin Biro Organisasi tingkat provinsi.")
    )


def can_import_responses(user, round) -> Decision:
    decision = can_import_paper(user)
    if not decision:
        return decision
    if round.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
        return Decision(
            False,
            _(
                "Jawaban kertas hanya dapat diimpor selama putaran dibuka atau ditutup (belum dihitung)."
            ),
        )
    return ALLOWED
