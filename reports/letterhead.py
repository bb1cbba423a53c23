"""The letterhead and signatory of the PDF reports: stored, edited by the province admin, audited
(berakhlak/audit.py), with the REPORT_* settings as defaults (docs/ARCHITECTURE.md §8.4)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from berakhlak.audit import records_actor
from berakhlak.models import User
from berakhlak.nip import nip_normalise
from berakhlak.pdf import STATIC_DIR
from berakhlak.permissions import is_province_admin
from berakhlak.refusals import Refused, require
from reports.models import ReportLetterhead

FIELDS = (
    "government",
    "unit",
    "address",
    "city",
    "signatory_title",
    "signatory_name",
    "signatory_nip",
)
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIDE = 2000  # pixels
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


def defaults() -> dict[str, str]:
    """The REPORT_* settings: what an empty field prints."""
    return {name: getattr(settings, f"REPORT_{name.upper()}") or "" for name in FIELDS}


def stored() -> ReportLetterhead:
    """The one row (unsaved and empty when the admin never saved it)."""
    return ReportLetterhead.objects.filter(pk=1).first() or ReportLetterhead(pk=1)


@dataclass(frozen=True)
class Letterhead:
    government: str
    unit: str
    address: str
    city: str
    signatory_title: str
    signatory_name: str
    signatory_nip: str
    logo: str  # a data: URI of the uploaded logo, or a path under static/, or ""

    @property
    def unsigned(self) -> bool:
        return not self.signatory_name.strip()


def letterhead() -> Letterhead:
    """What a report prints: each stored field, or its setting where the field is empty."""
    row, fallback = stored(), defaults()
    values = {name: getattr(row, name) or fallback[name] for name in FIELDS}
    if row.logo:
        logo = f"data:{row.logo_type};base64,{base64.b64encode(bytes(row.logo)).decode()}"
    else:
        logo = settings.REPORT_LOGO if (STATIC_DIR / settings.REPORT_LOGO).is_file() else ""
    return Letterhead(**values, logo=logo)


def logo_checked(upload) -> tuple[bytes, str]:
    """(bytes, content type) of an uploaded logo: a PNG or JPEG image Pillow can read, <= 512 KB
    and <= 2000 px a side; otherwise ValidationError with the reason."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(_("Logo terlalu besar: paling besar 512 KB."))
    content = upload.read()
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            kind, size = image.format, image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("Berkas logo bukan gambar PNG atau JPEG yang dapat dibaca.")
        ) from None
    if kind not in LOGO_FORMATS:
        raise ValidationError(_("Logo harus berupa PNG atau JPEG."))
    if max(size) > LOGO_MAX_SIDE:
        raise ValidationError(_("Logo terlalu lebar: paling besar 2000 piksel per sisi."))
    return content, LOGO_FORMATS[kind]


class LetterheadRefused(Refused):
    """Only the province admin edits the letterhead."""


@records_actor()
@transaction.atomic
def letterhead_save(
    *,
    values: dict[str, str],
    logo: tuple[bytes, str] | None = None,
    remove_logo: bool = False,
    by: User,
) -> ReportLetterhead:
    """Store the letterhead (audited). `values`: the FIELDS, "" for the setting's default."""
    require(
        is_province_admin(by),
        _("Hanya admin Biro Organisasi yang dapat mengubah kop laporan."),
        refusal=LetterheadRefused,
    )
    row = ReportLetterhead.objects.select_for_update().filter(pk=1).first() or ReportLetterhead(
        pk=1
    )
    for name in FIELDS:
        setattr(row, name, values.get(name, "").strip())
    row.signatory_nip = nip_normalise(row.signatory_nip) if row.signatory_nip else ""
    if logo is not None:
        row.logo, row.logo_type = logo
    elif remove_logo:
        row.logo, row.logo_type = b"", ""
    row.updated_by = by
    row.full_clean()
    row.save()
    return row
