"""The survey side of a round, for the Biro Organisasi: choose instruments, open, follow invitations.

The round's own settings live in `evaluations.views`; its detail page loads `round_survey_panel`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from berakhlak.refusals import Refused
from evaluations import permissions as round_permissions
from evaluations.models import RoundStatus
from evaluations.selectors import get_round_for_admin
from surveys.forms.rounds import RoundInstrumentsForm
from surveys.models import RoundInstrument
from surveys.selectors.rounds import round_participation_counts
from surveys.services.rounds import (
    round_instruments_set,
    round_open,
    round_open_preview,
    round_open_problems,
)


@login_required
def round_survey_panel(request, pk: int):
    round = get_round_for_admin(request.user, pk)
    can_open = round.status in (RoundStatus.DRAFT, RoundStatus.CLOSED)
    context = {
        "round": round,
        "chosen": RoundInstrument.objects.filter(round=round).select_related("instrument"),
        "open_problems": round_open_problems(round) if can_open else [],
        "can_open": can_open,
        "can_manage": round_permissions.can_manage_round(request.user, round),
        "counts": round_participation_counts(round) if round.opened_at else None,
    }
    template = "surveys/rounds/panel.html" if request.htmx else "surveys/rounds/survey_page.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def round_instruments(request, pk: int):
    round = get_round_for_admin(request.user, pk)
    if round.status != RoundStatus.DRAFT:
        messages.error(request, _("Instrumen hanya dapat dipilih selama putaran masih draf."))
        return redirect("evaluations:round_detail", round.pk)
    form = RoundInstrumentsForm(
        request.POST or None, initial=RoundInstrumentsForm.initial_for(round)
    )
    if request.method == "POST" and form.is_valid():
        try:
            round_instruments_set(round=round, instruments=form.instruments())
        except Refused as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("Instrumen putaran disimpan."))
            return redirect("evaluations:round_detail", round.pk)
    return render(request, "surveys/rounds/instruments.html", {"round": round, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def round_open_view(request, pk: int):
    """GET: the confirm step (what opening does: how many invitations, what freezes, the dates,
    the option to e-mail the invitation); POST: open."""
    round = get_round_for_admin(request.user, pk)
    if not round_permissions.can_manage_round(request.user, round):
        raise Http404
    if round.status not in (RoundStatus.DRAFT, RoundStatus.CLOSED):
        messages.error(request, _("Putaran ini tidak dapat dibuka dari statusnya sekarang."))
        return redirect("evaluations:round_detail", round.pk)
    if request.method == "GET":
        context = {
            "round": round,
            "preview": round_open_preview(round),
            "open_problems": round_open_problems(round),
        }
        return render(request, "surveys/rounds/open_confirm.html", context)
    reopening = round.status == RoundStatus.CLOSED
    send = not reopening and request.POST.get("kirim_undangan") == "1"
    try:
        round_open(round=round, by=request.user, send_invitations=send)
    except Refused as refusal:  # every problem its own message (RoundOpenRefused)
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(request, _opened_message(round, reopening=reopening, sent=send))
    return redirect("evaluations:round_detail", round.pk)


def _opened_message(round, *, reopening: bool, sent: bool) -> str:
    """What the round detail says after opening: how many were invited (and e-mailed)."""
    if reopening:
        return _("Putaran dibuka kembali.")
    invited = round.participations.count()
    if sent:
        emailed = round.participations.exclude(employee__email="").count()
        return _(
            "Putaran dibuka: %(n)s pegawai diundang mengisi survei; e-mail undangan "
            "sedang dikirim ke %(e)s pegawai yang memiliki alamat e-mail."
        ) % {"n": invited, "e": emailed}
    return _("Putaran dibuka: %(n)s pegawai diundang mengisi survei.") % {"n": invited}
