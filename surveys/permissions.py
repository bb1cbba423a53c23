"""Who may do what with a survey: allowed, or denied with a reason the page can show.

Only the invited person fills their own survey (the selectors already return 404 to anyone else).
No rule here, or anywhere, lets anyone read an individual's answers.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from berakhlak.permissions import ALLOWED, Decision
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
