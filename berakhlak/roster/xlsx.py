"""Safety checks for an uploaded .xlsx before anything decompresses it."""

from __future__ import annotations

import zipfile
from typing import IO

import openpyxl
from django.utils.translation import gettext as _

MAX_ZIP_ENTRIES = 5_000
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class WorkbookError(Exception):
    """The file is not a workbook we will open; the message is for the user."""


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def workbook_open(fileobj: IO[bytes]) -> openpyxl.Workbook:
    """Open an .xlsx read-only, refusing non-xlsx files, macros, encryption and zip bombs.

    Formulas are never evaluated: a cell holding ``=...`` is read as that text.
    """
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if not head:
        raise WorkbookError(_("Berkas kosong."))
    if head.startswith(OLE_MAGIC):
        raise WorkbookError(
            _(
                "Berkas ini format Excel lama (.xls) atau terlindungi kata sandi. "
                "Buka di Excel, lepaskan kata sandinya, lalu simpan sebagai Excel Workbook (.xlsx)."
            )
        )
    if not head.startswith(b"PK\x03\x04"):
        if _looks_like_text(fileobj.read(4096)):
            fileobj.seek(0)
            raise WorkbookError(
                _(
                    "Berkas ini berupa teks (misalnya CSV), bukan .xlsx. "
                    "Buka di Excel lalu simpan sebagai Excel Workbook (.xlsx)."
                )
            )
        fileobj.seek(0)
        raise WorkbookError(_("Berkas ini bukan berkas Excel .xlsx."))
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if len(entries) > MAX_ZIP_ENTRIES:
                raise WorkbookError(_("Berkas .xlsx berisi terlalu banyak bagian; berkas ditolak."))
            if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
                raise WorkbookError(
                    _("Isi berkas .xlsx terlalu besar setelah dibuka; berkas ditolak.")
                )
            if any(entry.flag_bits & 0x1 for entry in entries):
                raise WorkbookError(_("Berkas terenkripsi; simpan ulang tanpa kata sandi."))
            if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
                raise WorkbookError(_("Berkas zip ini bukan buku kerja Excel (.xlsx)."))
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise WorkbookError(
                    _("Berkas berisi makro (VBA); simpan sebagai .xlsx tanpa makro.")
                )
    except zipfile.BadZipFile:
        raise WorkbookError(_("Berkas .xlsx rusak dan tidak dapat dibuka.")) from None
    fileobj.seek(0)
    try:
        return openpyxl.load_workbook(fileobj, read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds on malformed parts
        raise WorkbookError(_("Berkas .xlsx rusak dan tidak dapat dibaca.")) from None
