"""The response-rate board as an Excel workbook: the rows the board would show for the same
filter, every visible unit of the reader's scope at once (not only the opened subtrees).

The same snapshot, the same scope and the same columns as the page (docs/ARCHITECTURE.md §8.3):
participation counts per unit, never a name, a NIP or an answer. The board hides no cell (its
counts are who took part, public within the scope, not figures of answers), so the workbook hides
none either; a unit outside the reader's scope is not in it. Built inside the request: one row per
unit from the cached snapshot, no person is read (at national width about 20,000 short rows)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from berakhlak.spreadsheet import HeaderedSheet
from surveys.selectors.board import BoardTree


def board_export_pks(tree: BoardTree, *, sort: str, below_only: bool) -> list[int]:
    """The units of the workbook: the visible ones (only those below the minimum with
    `below_only`), in the page's order: by the unit's place in the tree, or lowest percent first."""
    pks = [pk for pk in tree.units if pk in tree.visible]  # snapshot order: tree (path) order
    if below_only:
        pks = [pk for pk in pks if tree.below_minimum(pk)]
    if sort == "persen":
        pks.sort(key=lambda pk: (tree.percent(pk), tree.path(pk)))
    return pks


def board_xlsx(tree: BoardTree, *, sort: str, below_only: bool, refreshed_at) -> bytes:
    workbook = Workbook(write_only=True)
    header = [
        _("Kode unit"),
        _("Unit"),
        _("Tingkat"),
        _("Unit induk"),
        _("Diundang"),
        _("Daring"),
        _("Kertas"),
        _("Sudah menjawab"),
        _("Tingkat respons (%)"),
        _("Responden minimum"),
        _("Minimum terpenuhi"),
        _("Pernah diingatkan"),
        _("Diundang, termasuk unit di bawahnya"),
        _("Sudah menjawab, termasuk unit di bawahnya"),
        _("Tingkat respons termasuk unit di bawahnya (%)"),
    ]
    widths = [16, 44, 8, 16, 11, 10, 10, 14, 14, 14, 14, 14, 18, 18, 18]
    sheet = HeaderedSheet(workbook, _("Tingkat Respons"), header, widths)
    top_depth = min((tree.units[pk][2] for pk in tree.tops), default=0)
    for pk in board_export_pks(tree, sort=sort, below_only=below_only):
        row = tree.row(pk)
        agency = row.agency
        parent = tree.units.get(agency.parent_id) if agency.parent_id in tree.visible else None
        met = (_("ya") if row.minimum_met else _("tidak")) if row.invited else _("tanpa pegawai")
        sheet.add(
            [
                agency.code,
                agency.name,
                agency.depth - top_depth + 1,
                parent[3] if parent else "",
                row.invited,
                row.submitted,
                row.paper,
                row.completed,
                row.percent,
                row.needed,
                met,
                row.reminders,
                row.tree_invited,
                row.tree_completed,
                row.tree_percent,
            ]
        )
    sheet.finish()
    notes = HeaderedSheet(workbook, _("Keterangan"), [_("Keterangan"), _("Isi")], [30, 70])
    filters = [_("hanya unit yang belum memenuhi minimum") if below_only else _("semua unit")]
    filters.append(_("persentase terendah dulu") if sort == "persen" else _("menurut unit"))
    for label, value in (
        (_("Putaran"), tree.round.name),
        (_("Saringan"), "; ".join(str(f) for f in filters)),
        (_("Angka per"), refreshed_at),
        (_("Dibuat pada"), timezone.now()),
        (
            _("Isi"),
            _(
                "Hanya jumlah siapa yang sudah mengirim jawaban per unit; tidak ada nama, "
                "NIP, atau isi jawaban."
            ),
        ),
    ):
        notes.add([label, value])
    notes.finish()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
