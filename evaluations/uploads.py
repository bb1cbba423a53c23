"""Checks for an evidence file before it is stored: type from content, size, macros, archive bombs.

Allowed: PDF, JPG, PNG, DOCX, XLSX, PPTX. The type is read from the bytes (magic numbers; for Office
files the main part declared in the zip's ``[Content_Types].xml``), never from the name. Office
files are checked for entry count and total unpacked size before anything is decompressed (the
limits of the roster import, berakhlak/roster/xlsx.py), for encryption and for VBA macros.
The user's file name is kept only as display text, sanitised.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from berakhlak.roster.xlsx import MAX_UNPACKED_BYTES, MAX_ZIP_ENTRIES, OLE_MAGIC
from berakhlak.spreadsheet import XLSX_TYPE

DEFAULT_MAX_MB = 20
# A deflate stream can expand about 1000x; real Office parts stay far below this.
MAX_ENTRY_RATIO = 200
RATIO_CHECK_FROM_BYTES = 10 * 1024 * 1024
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
MAX_DISPLAY_NAME = 200

OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
MACRO_MAIN_TYPES = {
    "application/vnd.ms-word.document.macroenabled.main+xml",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml",
    "application/vnd.ms-excel.template.macroenabled.main+xml",
    "application/vnd.ms-excel.addin.macroenabled.main+xml",
    "application/vnd.ms-excel.sheet.binary.macroenabled.main",
    "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml",
    "application/vnd.ms-powerpoint.slideshow.macroenabled.main+xml",
    "application/vnd.ms-powerpoint.template.macroenabled.main+xml",
    "application/vnd.ms-powerpoint.addin.macroenabled.main+xml",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": XLSX_TYPE,
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
LABELS = {"pdf": "PDF", "jpg": "JPG", "png": "PNG", "docx": "DOCX", "xlsx": "XLSX", "pptx": "PPTX"}
NAME_ALIASES = {"jpeg": "jpg", "jpe": "jpg"}
ALLOWED_LABEL = "PDF, JPG, PNG, DOCX, XLSX, PPTX"
_CONTENT_TYPE_ATTR = re.compile(rb'ContentType\s*=\s*"([^"]+)"', re.IGNORECASE)


class UploadError(Exception):
    """The file is refused; the message says exactly why, for the user."""


@dataclass(frozen=True)
class CheckedFile:
    kind: str  # pdf, jpg, png, docx, xlsx, pptx
    extension: str  # ".pdf" ...
    content_type: str
    size: int
    sha256: str
    display_name: str


def max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def display_name_clean(name: str) -> str:
    """The user's file name as safe display text: last path part only, no control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".").strip()
    if len(name) > MAX_DISPLAY_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and len(ext) <= 8:
            name = stem[: MAX_DISPLAY_NAME - len(ext) - 1] + "." + ext
        else:
            name = name[:MAX_DISPLAY_NAME]
    return name or "berkas"


def _ooxml_kind(fileobj: IO[bytes]) -> str:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise UploadError(
                    _("Berkas berisi terlalu banyak bagian (lebih dari %(n)s); berkas ditolak.")
                    % {"n": MAX_ZIP_ENTRIES}
                )
            unpacked_limit = min(
                MAX_UNPACKED_BYTES,
                int(getattr(settings, "EVIDENCE_MAX_UNPACKED_MB", 200)) * 1024 * 1024,
            )
            if sum(entry.file_size for entry in entries) > unpacked_limit:
                raise UploadError(
                    _(
                        "Isi berkas terlalu besar setelah dibuka (bom arsip); berkas ditolak. "
                        "Simpan ulang dokumen tanpa isi tersembunyi yang besar."
                    )
                )
            for entry in entries:
                if (
                    entry.file_size > RATIO_CHECK_FROM_BYTES
                    and entry.file_size > MAX_ENTRY_RATIO * max(entry.compress_size, 1)
                ):
                    raise UploadError(
                        _("Berkas dimampatkan secara tidak wajar (bom arsip); berkas ditolak.")
                    )
            if any(entry.flag_bits & 0x1 for entry in entries):
                raise UploadError(
                    _("Berkas terenkripsi atau terlindungi kata sandi; simpan ulang tanpa sandi.")
                )
            names = {entry.filename for entry in entries}
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise UploadError(
                    _(
                        "Berkas berisi makro (VBA) dan ditolak. Simpan sebagai .docx, .xlsx atau "
                        ".pptx biasa tanpa makro."
                    )
                )
            if "[Content_Types].xml" not in names:
                raise UploadError(
                    _("Berkas zip ini bukan dokumen Office (DOCX, XLSX, PPTX); berkas ditolak.")
                )
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                raise UploadError(_("Berkas Office rusak; berkas ditolak."))
            declared = {
                value.decode("ascii", "replace").lower()
                for value in _CONTENT_TYPE_ATTR.findall(archive.read(info))
            }
    except zipfile.BadZipFile:
        raise UploadError(_("Berkas rusak dan tidak dapat dibuka; berkas ditolak.")) from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        raise UploadError(_("Berkas rusak atau memakai format zip yang tidak didukung.")) from None
    if declared & MACRO_MAIN_TYPES:
        raise UploadError(
            _(
                "Berkas ini dokumen Office dengan makro (.docm, .xlsm, .pptm) dan ditolak. "
                "Simpan sebagai .docx, .xlsx atau .pptx biasa tanpa makro."
            )
        )
    kinds = {OOXML_MAIN_TYPES[t] for t in declared if t in OOXML_MAIN_TYPES}
    if len(kinds) != 1:
        raise UploadError(
            _("Jenis dokumen Office ini tidak diterima. Jenis yang diterima: %(allowed)s.")
            % {"allowed": ALLOWED_LABEL}
        )
    return kinds.pop()


def _sniff(fileobj: IO[bytes]) -> str:
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(OLE_MAGIC):
        raise UploadError(
            _(
                "Berkas ini format Office lama (.doc, .xls, .ppt) atau terlindungi kata sandi. "
                "Simpan ulang sebagai .docx, .xlsx atau .pptx tanpa sandi."
            )
        )
    if head.startswith(b"PK\x03\x04"):
        kind = _ooxml_kind(fileobj)
        fileobj.seek(0)
        return kind
    raise UploadError(
        _("Isi berkas bukan jenis yang diterima (%(allowed)s), apa pun nama berkasnya.")
        % {"allowed": ALLOWED_LABEL}
    )


def evidence_file_check(fileobj: IO[bytes], *, name: str, size: int | None = None) -> CheckedFile:
    """Check an uploaded file; returns what to store, or raises UploadError with the reason."""
    display = display_name_clean(name)
    if size is None:
        fileobj.seek(0, 2)
        size = fileobj.tell()
        fileobj.seek(0)
    if size == 0:
        raise UploadError(_("Berkas kosong (0 bait)."))
    limit = max_bytes()
    if size > limit:
        raise UploadError(
            _("Berkas terlalu besar: %(size)s MB; batasnya %(limit)s MB.")
            % {
                "size": f"{size / 1024 / 1024:.1f}",
                "limit": limit // (1024 * 1024),
            }
        )
    kind = _sniff(fileobj)
    named = display.rpartition(".")[2].lower() if "." in display else ""
    named = NAME_ALIASES.get(named, named)
    if named in LABELS and named != kind:
        raise UploadError(
            _(
                "Nama berkas berakhiran .%(named)s tetapi isinya %(actual)s. "
                "Periksa kembali berkasnya."
            )
            % {"named": named, "actual": LABELS[kind]}
        )
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    if not display.lower().endswith("." + kind) and named not in LABELS:
        display = display_name_clean(f"{display}.{kind}")
    return CheckedFile(
        kind=kind,
        extension=f".{kind}",
        content_type=CONTENT_TYPES[kind],
        size=size,
        sha256=digest.hexdigest(),
        display_name=display,
    )
