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
import html
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from berakhlak.permissions import roles_of
from berakhlak.refusals import Refused
from berakhlak.spreadsheet import XLSX_TYPE
from evaluations.models import RoundStatus
from evaluations.permissions import can_manage_round
from surveys.board_export import board_xlsx
from surveys.selectors import board
from surveys.services.reminders import reminders_request

LEVEL_PAGE = 50  # rows of one level (or of the "below the minimum" list) per page
SORTS = {
    "unit": lambda tree, pk: tree.path(pk),
    "persen": lambda tree, pk: (tree.percent(pk), tree.path(pk)),
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

    def html(self, path: str, labels: dict, *, tree_mode: bool) -> SafeString:
        """The line's table row. Built here rather than in the template: the board repeats it
        for every unit on the screen, every 10 seconds per viewer (`labels`: the translated
        words, looked up once per page). Every text is escaped."""
        if self.row is None:
            return self._more_html(path, labels)
        row, agency = self.row, self.row.agency
        code, name = _e(agency.code), _e(agency.name)
        toggle = self._toggle_html(path, labels, tree_mode=tree_mode)
        subtree = ""
        if row.has_children:
            total = labels["subtree"] % {
                "c": row.tree_completed,
                "i": row.tree_invited,
                "p": row.tree_percent,
                "n": len(row.children),
            }
            subtree = f'<div class="subtree-total" data-testid="subtree-{code}">{_e(total)}</div>'
        percent, met = row.percent, " met" if row.minimum_met else ""
        aria = _e(labels["rate_of"] % {"name": agency.name})
        return mark_safe(  # noqa: S308
            f'<tr data-testid="board-row-{code}">'
            f'<th scope="row" class="sticky-col fw-normal tree-indent-{self.indent}">'
            f'<div class="d-flex align-items-start gap-2">{toggle}<div>{name} '
            f'<span class="text-secondary small">{code}</span>{subtree}</div></div></th>'
            f'<td class="text-end">{row.invited}</td>'
            f'<td class="text-end" data-testid="submitted">{row.submitted}</td>'
            f'<td class="text-end">{row.paper}</td>'
            f'<td><div class="d-flex align-items-center gap-2">'
            f'<progress class="board-progress flex-grow-1{met}" value="{percent}" max="100" '
            f'aria-label="{aria}">{percent}%</progress>'
            f'<span class="small text-nowrap" data-testid="percent">{percent}%</span></div></td>'
            f'<td class="text-nowrap small">{_minimum_html(row, labels)}</td>'
            f'<td class="text-end">{row.reminders}</td></tr>'
        )

    def _more_html(self, path: str, labels: dict) -> SafeString:
        """The "show more" line closing a wide level."""
        url = _e(self.more_url)
        label = _e(labels["more"] % {"shown": self.shown, "total": self.total})
        return mark_safe(  # noqa: S308
            f'<tr class="level-more"><td colspan="7" class="tree-indent-{self.indent}">'
            f'<a class="btn btn-sm btn-outline-primary" data-testid="board-more" href="{url}" '
            f'hx-get="{_e(path)}{url}" hx-target="#board" hx-swap="outerHTML" '
            f'hx-push-url="true">{label}</a></td></tr>'
        )

    def _toggle_html(self, path: str, labels: dict, *, tree_mode: bool) -> str:
        """The "+" / "−" that opens or closes the unit's subtree (a leaf keeps its place)."""
        if not tree_mode:
            return ""
        if not self.row.has_children:
            return '<span class="tree-leaf flex-shrink-0"></span>'
        agency, url = self.row.agency, _e(self.toggle_url)
        state = "close" if self.expanded else "open"
        hint = _e(labels[f"{state}_hint"] % {"name": agency.name})
        return (
            f'<a class="tree-toggle flex-shrink-0" data-testid="toggle-{_e(agency.code)}" '
            f'href="{url}" hx-get="{_e(path)}{url}" hx-target="#board" hx-swap="outerHTML" '
            f'hx-push-url="true" aria-expanded="{"true" if self.expanded else "false"}" '
            f'title="{_e(labels[state])}"><span aria-hidden="true">'
            f'{"−" if self.expanded else "+"}</span><span class="visually-hidden">{hint}</span></a>'
        )


def _minimum_html(row: board.BoardRow, labels: dict) -> str:
    """Whether the unit has its minimum of respondents (or has nobody invited)."""
    if not row.invited:
        return f'<span class="text-secondary">{_e(labels["nobody"])}</span>'
    counts = f"({row.completed}/{row.needed})"
    if row.minimum_met:
        return f'<span class="text-success-emphasis">✓ {_e(labels["met"])}</span> {counts}'
    return f'<span class="text-danger-emphasis">✗ {_e(labels["not_met"])}</span> {counts}'


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _labels() -> dict:
    return {
        "more": _("Tampilkan berikutnya (%(shown)s dari %(total)s unit sudah tampil)"),
        "open": _("Buka unit di bawahnya"),
        "close": _("Tutup unit di bawahnya"),
        "open_hint": _("Buka unit di bawah %(name)s"),
        "close_hint": _("Tutup unit di bawah %(name)s"),
        "subtree": _("Termasuk unit di bawahnya: %(c)s dari %(i)s (%(p)s%%) · %(n)s unit"),
        "nobody": _("tanpa pegawai"),
        "met": _("terpenuhi"),
        "not_met": _("belum"),
        "rate_of": _("Tingkat respons %(name)s"),
    }


def _lines(tree: board.BoardTree, state: BoardState) -> list[Line]:
    order = SORTS[state.sort]
    opened = set(tree.tops) if state.open is None else set(state.open)
    lines: list[Line] = []

    def level(pks, indent: int, key: int, *, tree_mode: bool = True) -> None:
        shown = sorted((pk for pk in pks if pk in tree.visible), key=lambda pk: order(tree, pk))
        limit = LEVEL_PAGE * state.pages_of(key)
        for pk in shown[:limit]:
            row = tree.row(pk)
            expanded = tree_mode and pk in opened and row.has_children
            lines.append(
                Line(
                    row=row,
                    indent=min(indent, 4),
                    expanded=expanded,
                    toggle_url=state.url(open=frozenset(opened ^ {pk})),
                )
            )
            if expanded:
                level(row.children, indent + 1, pk)
        if len(shown) > limit:
            more = dict(state.pages) | {key: state.pages_of(key) + 1}
            lines.append(
                Line(
                    row=None,
                    indent=min(indent, 4),
                    shown=limit,
                    total=len(shown),
                    more_url=state.url(open=frozenset(opened), pages=tuple(more.items())),
                )
            )

    if state.below_only:
        level([pk for pk in tree.visible if tree.below_minimum(pk)], 0, LIST, tree_mode=False)
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
    labels = _labels()
    context = {
        "round": round,
        "lines": [
            line.html(request.path, labels, tree_mode=not state.below_only)
            for line in _lines(tree, state)
        ],
        "totals": tree.totals(),
        "sort": state.sort,
        "below_only": state.below_only,
        "state": state,
        "here": state.url(),
        # The workbook of the same filter (sort, below the minimum); the open units don't matter.
        "export_query": BoardState(sort=state.sort, below_only=state.below_only).url(),
        "refreshed_at": _refreshed_at(tree),
        "live": round.status == RoundStatus.OPEN,
        "can_remind": round.status == RoundStatus.OPEN and can_manage_round(request.user, round),
    }
    # A swap asks for the board only; a history restore (back button, cache miss) for the page.
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    context["fragment"] = fragment
    template = "surveys/board/table.html" if fragment else "surveys/board/detail.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))  # the page and its fragment share an address
    return response


def _refreshed_at(tree: board.BoardTree) -> dt.datetime:
    return timezone.localtime(dt.datetime.fromtimestamp(tree.refreshed_at, tz=dt.UTC))


@login_required
def board_export(request, pk: int):
    """The board's rows for the filter in the address as an Excel workbook (same scope)."""
    round = board.get_board_round_for_user(request.user, pk)
    tree = board.board_tree(request.user, round)
    state = _state(request.GET)
    data = board_xlsx(
        tree, sort=state.sort, below_only=state.below_only, refreshed_at=_refreshed_at(tree)
    )
    response = HttpResponse(data, content_type=XLSX_TYPE)
    name = f"tingkat-respons-{round.year}-{round.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def board_remind(request, pk: int):
    round = board.get_board_round_for_user(request.user, pk)
    if not can_manage_round(request.user, round) or round.status != RoundStatus.OPEN:
        raise Http404
    try:
        due = reminders_request(round=round)
    except Refused as refusal:  # outside the survey's dates, or nobody due
        messages.info(request, refusal.reason)
        return redirect("surveys:board", round.pk)
    messages.success(
        request,
        ngettext(
            "Pengingat sedang dikirim ke %(n)s ASN yang belum mengirim jawaban (jarak %(gap)s "
            "hari dan batas %(max)s pengingat per orang tetap dihormati).",
            "Pengingat sedang dikirim ke %(n)s ASN yang belum mengirim jawaban (jarak %(gap)s "
            "hari dan batas %(max)s pengingat per orang tetap dihormati).",
            due,
        )
        % {"n": due, "gap": round.reminder_gap_days, "max": round.reminder_max},
    )
    return redirect("surveys:board", round.pk)
