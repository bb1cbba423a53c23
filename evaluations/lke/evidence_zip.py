"""Every current evidence file of one agency's LKE (or of one component) as one zip, streamed.

The archive is written by the standard library's zipfile into a sink that hands each chunk to the
response as soon as it is compressed: nothing but the chunk in hand is held in memory, whatever
the number or size of the files (zipfile writes data descriptors when it cannot seek back, and
ZIP64 records when a file is large). Which files go in is decided file by file by the one rule
for a download (`permissions.can_download_evidence`), so the archive never holds a file its
reader could not download alone: an evaluator gets no draft's files.

Names inside are `<component order>/<criterion code>_<file name>`: made safe (no folders, no
control characters, no leading dots), unique (a second file of the same name gets "(2)") and
sorted like the worksheet.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import SuspiciousFileOperation
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from berakhlak.models import User
from evaluations.lke import permissions
from evaluations.models import Component, Evidence, RoundAgency

CHUNK = 256 * 1024
NAME_MAX = 120


@dataclass
class Entry:
    evidence: Evidence
    name: str


class _Sink:
    """A write-only, unseekable file for zipfile; the response drains it after each write."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data) -> int:
        if data:
            self.parts.append(bytes(data))
            self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        # zipfile asks where it is to write its headers; it never seeks back on an unseekable
        # sink (no seek() here), so the offset written so far is the answer.
        return self.offset

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def _valid(text: str) -> str:
    """Django's file-name cleaning (letters, digits, "-", "_", "."; spaces become "_"), or "" when
    nothing is left of the text."""
    try:
        return get_valid_filename(text)
    except SuspiciousFileOperation:
        return ""


def safe_name(name: str) -> str:
    """A file name any unzip tool keeps as it is: no folders, no control or reserved characters,
    not hidden, not empty, at most NAME_MAX characters (the extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem, ext = os.path.splitext(name)
    stem = _valid(stem.strip().lstrip("."))
    ext = _valid(ext)[:16]
    ext = ext if len(ext) > 1 else ""
    stem = (stem or "berkas")[: NAME_MAX - len(ext)]
    return f"{stem}{ext}"


def evidence_entries(
    user: User, round_agency: RoundAgency, component: Component | None = None
) -> list[Entry]:
    """The files the user may download, with their unique names in the archive."""
    files: QuerySet[Evidence] = (
        Evidence.objects.filter(
            assessment__round_agency=round_agency,
            superseded_at__isnull=True,
            withdrawn_at__isnull=True,
        )
        .select_related(
            "assessment__criterion__component",
            "assessment__round_agency__round__root",
            "assessment__round_agency__agency",
        )
        .order_by(
            "assessment__criterion__component__order",
            "assessment__criterion__order",
            "uploaded_at",
            "pk",
        )
    )
    if component is not None:
        files = files.filter(assessment__criterion__component=component)
    entries: list[Entry] = []
    taken: set[str] = set()
    for evidence in files:
        if not permissions.can_download_evidence(user, evidence.assessment):
            continue
        criterion = evidence.assessment.criterion
        folder = f"{criterion.component.order:02d}"
        stem, ext = os.path.splitext(safe_name(evidence.original_name))
        base = f"{folder}/{_valid(criterion.code) or criterion.pk}_{stem}"
        name, copy = f"{base}{ext}", 1
        while name.lower() in taken:
            copy += 1
            name = f"{base} ({copy}){ext}"
        taken.add(name.lower())
        entries.append(Entry(evidence, name))
    return entries


def evidence_zip_stream(entries: list[Entry]) -> Iterator[bytes]:
    """The archive, chunk by chunk. A file missing on disk is listed in a note inside the archive
    (the download has begun; it cannot turn into an error page any more)."""
    sink = _Sink()
    missing: list[str] = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for entry in entries:
            try:
                handle = entry.evidence.file.open("rb")
            except (FileNotFoundError, OSError):
                missing.append(entry.name)
                continue
            info = zipfile.ZipInfo(
                entry.name, date_time=timezone.localtime(entry.evidence.uploaded_at).timetuple()[:6]
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = entry.evidence.size
            # The size known in advance lets zipfile choose ZIP64 records for a large file.
            with handle, archive.open(info, "w") as out:
                while chunk := handle.read(CHUNK):
                    out.write(chunk)
                    if sink.parts:
                        yield sink.drain()
            yield sink.drain()
        if missing:
            note = _("Berkas berikut tidak ditemukan di penyimpanan dan tidak ikut diunduh:")
            archive.writestr("BERKAS-TIDAK-DITEMUKAN.txt", "\n".join([note, *missing]) + "\n")
        if not entries:
            archive.writestr(
                "TIDAK-ADA-BUKTI.txt", _("Belum ada bukti dukung yang dapat Anda unduh.") + "\n"
            )
    yield sink.drain()
