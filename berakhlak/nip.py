"""NIP (Nomor Induk Pegawai) rules.

PNS/CPNS: 18 digits = birth date YYYYMMDD + TMT CPNS YYYYMM + gender digit (1 male, 2 female) +
3-digit sequence, shown as ``19860926 201505 1 001``. PPPK numbers are 18 digits too, but only the
length, a real birth date and the gender digit are checked.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

NIP_LENGTH = 18
_NON_DIGIT_SEPARATORS = re.compile(r"[\s.\-]")
EARLIEST_BIRTH_YEAR = 1930
TMT_TYPES = {"PNS", "CPNS"}


def nip_normalise(raw: str) -> str:
    """Full-width (and other Unicode compatibility) digits as ASCII digits (NFKC), then drop the
    spaces, dots and dashes people type between the NIP's groups."""
    return _NON_DIGIT_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or ""))


def nip_format(nip: str) -> str:
    if len(nip) != NIP_LENGTH:
        return nip
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def nip_problems(nip: str, asn_type: str | None = None) -> list[str]:
    """Every reason the (normalised) NIP is invalid for this ASN type; empty when valid."""
    if not nip.isdigit() or not nip.isascii():
        return [_("NIP hanya boleh berisi angka.")]
    if len(nip) != NIP_LENGTH:
        return [_("NIP harus 18 digit, bukan %(n)d.") % {"n": len(nip)}]
    problems = []
    today = timezone.localdate()
    born = _real_date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    if born is None or not born.year >= EARLIEST_BIRTH_YEAR or born > today:
        problems.append(_("Tanggal lahir pada NIP (digit 1-8) bukan tanggal yang sah."))
    if asn_type is None or asn_type in TMT_TYPES:
        tmt_year, tmt_month = int(nip[8:12]), int(nip[12:14])
        if not 1 <= tmt_month <= 12 or tmt_year > today.year + 1:
            problems.append(_("TMT CPNS pada NIP (digit 9-14) bukan bulan yang sah."))
        elif born is not None and tmt_year < born.year + 15:
            problems.append(_("TMT CPNS pada NIP (digit 9-14) terlalu dekat dengan tanggal lahir."))
    if nip[14] not in "12":
        problems.append(_("Digit ke-15 NIP (jenis kelamin) harus 1 atau 2."))
    return problems
