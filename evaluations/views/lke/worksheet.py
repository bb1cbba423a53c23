"""The admin's LKE page of a round: default worksheet, freeze, evaluator assignments, progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from berakhlak.refusals import Refused
from evaluations.lke import opening, selectors
from evaluations.lke.forms import WorksheetUploadForm
from evaluations.views.lke.common import round_for_worksheet_admin


@login_required
def worksheet_detail(request, pk: int):
    round = round_for_worksheet_admin(request.user, pk)
    context = selectors.worksheet_context(round)
    context.update({"upload_form": WorksheetUploadForm(), "import_problems": []})
    return render(request, "evaluations/lke/worksheet.html", context)


@login_required
@require_POST
def worksheet_default_create(request, pk: int):
    round = round_for_worksheet_admin(request.user, pk)
    if selectors.worksheet_of(round) is not None:
        messages.info(request, _("Putaran ini sudah memiliki LKE."))
    else:
        opening.worksheet_create_default(round=round, by=request.user)
        messages.success(request, _("LKE bawaan dengan tujuh komponen dibuat."))
    return redirect("evaluations:lke_worksheet", round.pk)


@login_required
@require_POST
def worksheet_freeze(request, pk: int):
    round = round_for_worksheet_admin(request.user, pk)
    worksheet = selectors.worksheet_of(round)
    if worksheet is None:
        raise Http404
    try:
        opening.worksheet_freeze(worksheet=worksheet, by=request.user)
    except Refused as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("LKE dibekukan; kriteria dan bobot tidak dapat diubah lagi."))
    return redirect("evaluations:lke_worksheet", round.pk)


@login_required
@require_POST
def assignments_from_grants(request, pk: int):
    round = round_for_worksheet_admin(request.user, pk)
    created = opening.evaluator_assignments_from_grants(round=round, by=request.user)
    if not selectors.lke_agencies(round).exists():
        messages.warning(
            request, _("Penugasan dibuat setelah putaran dibuka (unit kerja putaran dipotret).")
        )
    else:
        messages.success(
            request,
            _("%(n)s penugasan evaluator baru dibuat sesuai cakupan peran evaluator.")
            % {"n": created},
        )
    return redirect("evaluations:lke_worksheet", round.pk)
