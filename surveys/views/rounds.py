"""The survey side of a round, for the Biro Organisasi: choose instruments, open, follow invitations.

The round's own settings live in `evaluations.views`; its detail page loads `round_survey_panel`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from berakhlak.refusals import Refused
from evaluations import permissions as round_permissions
from evaluations.models import RoundStatus
from evaluations.selectors import get_round_for_admin
from surveys.models import (
    Instrument,
    InstrumentKind,
    PaperImport,
    ParticipationStatus,
    ResponseRelease,
    RoundInstrument,
    SealedSubmission,
)
from surveys.services.rounds import (
    round_instruments_set,
    round_open,
    round_open_preview,
    round_open_problems,
)

# Survey order: behaviour pages first, then engagement, then the values selection.
KIND_ORDER = (InstrumentKind.BEHAVIOUR, InstrumentKind.ENGAGEMENT, InstrumentKind.VALUES_SELECTION)
KIND_HELP = {
    InstrumentKind.BEHAVIOUR: gettext_lazy("Wajib: 21 pernyataan perilaku, satu per panduan."),
    InstrumentKind.ENGAGEMENT: gettext_lazy("Pilihan: butir keterikatan pegawai (Likert)."),
    InstrumentKind.VALUES_SELECTION: gettext_lazy(
        "Pilihan: memilih K nilai untuk diri, budaya saat ini dan budaya yang diharapkan."
    ),
}


def _instrument_label(instrument: Instrument) -> str:
    label = _("%(name)s, versi %(version)s") % {
        "name": instrument.name,
        "version": instrument.version,
    }
    if instrument.is_frozen:
        label += " · " + _("dibekukan")
    return label


class RoundInstrumentsForm(forms.Form):
    """One choice per instrument kind; the behaviour instrument is required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in KIND_ORDER:
            choices = [
                (str(i.pk), _instrument_label(i))
                for i in Instrument.objects.filter(kind=kind).order_by("code", "-version")
            ]
            required = kind == InstrumentKind.BEHAVIOUR
            if not required:
                choices.insert(0, ("", _("Tidak dipakai")))
            self.fields[kind.lower()] = forms.ChoiceField(
                label=InstrumentKind(kind).label,
                choices=choices,
                required=required,
                help_text=KIND_HELP[kind],
                widget=forms.RadioSelect,
                error_messages={"required": _("Pilih instrumen perilaku BerAKHLAK.")},
            )

    @staticmethod
    def initial_for(round) -> dict:
        """The round's current choice, or the newest instrument of each kind for a new round."""
        chosen = RoundInstrument.objects.filter(round=round).select_related("instrument")
        if chosen:
            return {ri.instrument.kind.lower(): str(ri.instrument_id) for ri in chosen}
        initial = {}
        for kind in KIND_ORDER:
            newest = Instrument.objects.filter(kind=kind).order_by("-created_at", "-pk").first()
            if newest:
                initial[kind.lower()] = str(newest.pk)
        return initial

    def instruments(self) -> list[Instrument]:
        ids = [self.cleaned_data[k.lower()] for k in KIND_ORDER if self.cleaned_data[k.lower()]]
        by_id = {str(i.pk): i for i in Instrument.objects.filter(pk__in=ids)}
        return [by_id[pk] for pk in ids]


def _participation_counts(round) -> dict:
    counts = round.participations.aggregate(
        invited=Count("pk"),
        started=Count("pk", filter=Q(status=ParticipationStatus.STARTED)),
        submitted=Count("pk", filter=Q(status=ParticipationStatus.SUBMITTED)),
    )
    counts["paper"] = PaperImport.objects.filter(round=round).aggregate(n=Sum("count"))["n"] or 0
    invited = counts["invited"] or 0
    counts["percent"] = round_percent(counts["submitted"], invited)
    counts["waiting"] = SealedSubmission.objects.filter(round=round).count()
    counts["released"] = round.responses.count()
    counts["release"] = ResponseRelease.objects.filter(round=round).first()
    return counts


def round_percent(part: int, whole: int) -> int:
    return round(part * 100 / whole) if whole else 0


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
        "counts": _participation_counts(round) if round.opened_at else None,
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
