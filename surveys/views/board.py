"""Response-rate board: per agency invited / completed / percent / minimum met, updating live.

A collapsible tree: the reader's top agencies with the level below them; a click on a unit's
"+" opens its subtree (htmx, or a plain link without JavaScript). The state lives in the URL
(`buka`: the open units, `hal`: how many pages of a wide level are shown, `urut`, `kurang`), so
the 10-second poll asks for exactly what is on the screen: the totals and the visible rows,
never the whole tree, and the poll stops once the round is no longer open
(docs/ARCHITECTURE.md §8).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from berakhlak.permissions import roles_of
from evaluations.models import RoundStatus
from evaluations.permissions import can_manage_round
from surveys import selectors_board as board
from surveys.tasks import reminders_send_due

LEVEL_PAGE = 50  # rows of one level (or of the "below the minimum" list) per page
SORTS = {
    "unit": lambda row: row.agency.path,
    "persen": lambda row: (row.percent, row.agency.path),
}
LIST = 0  # the `hal` key of the flat "below the minimum" list


@dataclass(frozen=True)
class BoardState:
    sort: str = "unit"
    below_only: bool = False
    open: frozenset[int] | None = None  # None: the default (the reader's top agencies)
    pages: tuple[tuple[int, int], ...] = ()  # (unit pk, pages shown) of the wide levels

    def pages_of(self, key: int) -> int:
        return dict(self.pages).get(key, 1)

    def url(self, **changes) -> str:
        state = replace(self, **changes)
        params: dict[str, str] = {}
        if state.sort != "unit":
            params["urut"] = state.sort
        if state.below_only:
            params["kurang"] = "1"
        if state.open is not None:
            params["buka"] = ",".join(str(pk) for pk in sorted(state.open))
        if state.pages:
            params["hal"] = ",".join(f"{pk}.{n}" for pk, n in sorted(state.pages))
        return "?" + urlencode(params) if params else "?"


def _numbers(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.isdigit()][:200]


def _state(query) -> BoardState:
    sort = query.get("urut", "unit")
    pages = []
    for item in query.get("hal", "").split(",")[:200]:
        pk, _dot, count = item.partition(".")
        if pk.isdigit() and count.isdigit() and 1 < int(count) <= 1000:
            pages.append((int(pk), int(count)))
    return BoardState(
        sort=sort if sort in SORTS else "unit",
        below_only=query.get("kurang") == "1",
        open=frozenset(_numbers(query["buka"])) if "buka" in query else None,
        pages=tuple(sorted(pages)),
    )


@dataclass
class Line:
    """One line of the table: a unit's row, or a "show more" line closing a wide level."""

    row: board.BoardRow | None
    indent: int
    expanded: bool = False
    toggle_url: str = ""
    more_url: str = ""
    shown: int = 0
    total: int = 0


def _lines(tree: board.BoardTree, state: BoardState) -> list[Line]:
    order = SORTS[state.sort]
    opened = set(tree.tops) if state.open is None else set(state.open)
    lines: list[Line] = []

    def level(pks, indent: int, key: int, *, tree_mode: bool = True) -> None:
        rows = sorted((tree.row(pk) for pk in pks if pk in tree.visible), key=order)
        limit = LEVEL_PAGE * state.pages_of(key)
        for row in rows[:limit]:
            pk = row.agency.pk
            expanded = tree_mode and pk in opened and row.has_children
            lines.append(
                Line(
                    row=row, indent=min(indent, 4), expanded=expanded,
                    toggle_url=state.url(open=frozenset(opened ^ {pk})),
                )
            )  # fmt: skip
            if expanded:
                level(row.children, indent + 1, pk)
        if len(rows) > limit:
            more = dict(state.pages) | {key: state.pages_of(key) + 1}
            lines.append(
                Line(row=None, indent=min(indent, 4), shown=limit, total=len(rows),
                     more_url=state.url(open=frozenset(opened), pages=tuple(more.items())))
            )  # fmt: skip

    if state.below_only:
        level([pk for pk in tree.visible if tree.row(pk).below_minimum], 0, LIST, tree_mode=False)
    else:
        level(tree.tops, 0, LIST)
    return lines


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
    tree = board.board_tree(request.user, round)
    state = _state(request.GET)
    visible = [tree.row(pk) for pk in tree.visible]
    context = {
        "round": round,
        "lines": _lines(tree, state),
        "totals": board.board_totals(visible),
        "sort": state.sort,
        "below_only": state.below_only,
        "state": state,
        "here": state.url(),
        "refreshed_at": timezone.localtime(dt.datetime.fromtimestamp(tree.refreshed_at, tz=dt.UTC)),
        "live": round.status == RoundStatus.OPEN,
        "can_remind": round.status == RoundStatus.OPEN and can_manage_round(request.user, round),
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
