"""Response-rate board: per agency invited / completed / percent / minimum met, updating live."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from berakhlak.permissions import roles_of
from evaluations.models import RoundStatus
from evaluations.permissions import can_manage_round
from surveys import selectors_board as board
from surveys.tasks import reminders_send_due

SORTS = {
    "unit": lambda row: row.agency.path,
    "persen": lambda row: (row.percent, row.agency.path),
}


@login_required
def board_index(request):
    if not (roles_of(request.user) & set(board.BOARD_ROLES)):
        raise Http404
    rounds = board.board_rounds_for_user(request.user)
    if len(rounds) == 1:
        return redirect("surveys:board", rounds[0].pk)
    return render(request, "surveys/board/index.html", {"rounds": rounds})


@login_required
def board_detail(request, pk: int):
    round = board.get_board_round_for_user(request.user, pk)
    rows = board.board_rows(request.user, round)
    sort = request.GET.get("urut", "unit")
    below_only = request.GET.get("kurang") == "1"
    shown = [r for r in rows if r.invited and not r.minimum_met] if below_only else rows
    shown = sorted(shown, key=SORTS.get(sort, SORTS["unit"]))
    context = {
        "round": round,
        "rows": shown,
        "totals": board.board_totals(rows),
        "sort": sort,
        "below_only": below_only,
        "live": round.status == RoundStatus.OPEN,
        "can_remind": round.status == RoundStatus.OPEN and can_manage_round(request.user, round),
        "min_depth": min((r.agency.depth for r in rows), default=0),
    }
    template = "surveys/board/table.html" if request.htmx else "surveys/board/detail.html"
    return render(request, template, context)


@login_required
@require_POST
def board_remind(request, pk: int):
    round = board.get_board_round_for_user(request.user, pk)
    if not can_manage_round(request.user, round) or round.status != RoundStatus.OPEN:
        raise Http404
    transaction.on_commit(lambda: reminders_send_due.delay(round.pk))
    messages.success(
        request,
        _(
            "Pengingat sedang dikirim kepada pegawai yang belum mengirim jawaban, dengan tetap "
            "menghormati jarak %(gap)s hari dan batas %(max)s pengingat per orang."
        )
        % {"gap": round.reminder_gap_days, "max": round.reminder_max},
    )
    return redirect("surveys:board", round.pk)
