"""Evaluation rounds for the Biro Organisasi: list, create, edit while draft, detail, close/archive.

Choosing instruments and opening the round live in `surveys.views.rounds` (opening also freezes
instruments and invites the roster); the detail page loads that panel with htmx.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from berakhlak.refusals import Refused
from evaluations import permissions, selectors, services
from evaluations.forms import RoundForm
from evaluations.models import RoundStatus

# Transitions this page performs; opening goes through the survey panel, computing and
# publishing through the index pages.
MANUAL_TRANSITIONS = {
    RoundStatus.CLOSED: gettext_lazy("Tutup putaran"),
    RoundStatus.ARCHIVED: gettext_lazy("Arsipkan"),
}


@login_required
def round_list(request):
    if not permissions.can_list_rounds(request.user):
        raise Http404
    context = {
        "rounds": selectors.rounds_for_admin(request.user),
        "can_create": permissions.can_create_round(request.user),
    }
    return render(request, "evaluations/round_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    if not permissions.can_create_round(request.user):
        raise Http404
    roots = list(selectors.admin_root_agencies(request.user))
    if not roots:
        raise Http404
    form = RoundForm(request.POST or None, initial=RoundForm.initial_for())
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            round = services.round_create(root=roots[0], by=request.user, **fields)
        except Refused as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(
                request, _("Putaran dibuat sebagai draf. Pilih instrumen survei lalu buka putaran.")
            )
            return redirect("evaluations:round_detail", round.pk)
    return render(request, "evaluations/round_form.html", {"form": form, "root": roots[0]})


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, pk: int):
    round = selectors.get_round_for_admin(request.user, pk)
    decision = permissions.can_edit_round(request.user, round)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("evaluations:round_detail", round.pk)
    form = RoundForm(request.POST or None, instance=round)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.round_update(
                round=selectors.get_round_for_admin(request.user, pk), by=request.user, **fields
            )
        except Refused as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("Pengaturan putaran disimpan."))
            return redirect("evaluations:round_detail", round.pk)
    return render(request, "evaluations/round_form.html", {"form": form, "round": round})


@login_required
def round_detail(request, pk: int):
    round = selectors.get_round_for_admin(request.user, pk)
    transitions = [
        {"to": to, "label": label, "problems": services.round_transition_problems(round, to)}
        for to, label in MANUAL_TRANSITIONS.items()
        if to in services.TRANSITIONS.get(round.status, set())
    ]
    context = {
        "round": round,
        "can_edit": permissions.can_edit_round(request.user, round),
        "transitions": transitions,
        "snapshot": selectors.round_agency_summary(round),
        "statuses": RoundStatus.choices,
    }
    return render(request, "evaluations/round_detail.html", context)


@login_required
@require_POST
def round_transition(request, pk: int):
    round = selectors.get_round_for_admin(request.user, pk)
    to = request.POST.get("to", "")
    if to not in MANUAL_TRANSITIONS or not permissions.can_manage_round(request.user, round):
        raise Http404
    try:
        services.round_transition(round=round, to=to, by=request.user)
    except Refused as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Status putaran sekarang: %(status)s.") % {"status": RoundStatus(to).label},
        )
    return redirect("evaluations:round_detail", round.pk)
