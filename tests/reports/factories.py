"""Rounds and anonymous responses with chosen scores, for hand-computed index fixtures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import factory

from berakhlak.models import AsnType
from evaluations.models import Round, RoundAgency, RoundStatus
from surveys.models import PaperImport, Response, ResponseSource
from tests.surveys.factories import behaviour_instrument, open_round, selection_instrument

VALUE_CODES = ("BP", "AK", "KO", "HA", "LO", "AD", "KL")
# Indeks BerAKHLAK 2022 (national): the seven values and the individual index they give.
NATIONAL_2022 = {"BP": 57.9, "AK": 74.1, "KO": 56.7, "HA": 63.8, "LO": 65.8, "AD": 38.9, "KL": 69.4}


class ResponseFactory(factory.django.DjangoModelFactory):
    """An anonymous response; every value scores 50 unless told otherwise."""

    class Meta:
        model = Response

    round = None
    round_agency = None
    asn_type = AsnType.PNS
    source = ResponseSource.WEB
    score_bp = 50.0
    score_ak = 50.0
    score_ko = 50.0
    score_ha = 50.0
    score_lo = 50.0
    score_ad = 50.0
    score_kl = 50.0


def scores(value: float | Mapping[str, float] | Sequence[float]) -> dict[str, float]:
    """score_* fields from one number (all values), a {code: score} map or seven numbers."""
    if isinstance(value, int | float):
        return {f"score_{c.lower()}": float(value) for c in VALUE_CODES}
    if isinstance(value, Mapping):
        return {f"score_{c.lower()}": float(v) for c, v in value.items()}
    return {f"score_{c.lower()}": float(v) for c, v in zip(VALUE_CODES, value, strict=True)}


def respond(
    round: Round,
    code: str,
    value: float | Mapping[str, float] | Sequence[float] = 50.0,
    *,
    count: int = 1,
    asn_type: str = AsnType.PNS,
    **fields,
) -> list[Response]:
    """`count` released responses of the agency with this code in the round's snapshot (paper
    ones are counted as imported, like surveys.services.paper_import does)."""
    agency = RoundAgency.objects.get(round=round, code=code)
    if fields.get("source") == ResponseSource.PAPER:
        PaperImport.objects.create(round=round, round_agency=agency, count=count)
    return [
        ResponseFactory(
            round=round, round_agency=agency, asn_type=asn_type, **scores(value), **fields
        )
        for _ in range(count)
    ]


def survey_round(province, *, selection: bool = False, k: int = 3, **round_fields) -> Round:
    """An open round over the test province (behaviour instrument, optionally values selection).

    Its snapshot: PROV > DINKES > UPTD-LAB, PROV > DISDIK, PROV > BIRO-ORG.
    """
    instruments = [behaviour_instrument()]
    if selection:
        instruments.append(selection_instrument(k=k))
    round = open_round(province, instruments=instruments)
    if round_fields:
        Round.objects.filter(pk=round.pk).update(**round_fields)
        round.refresh_from_db()
    return round


def round_status_set(round: Round, status: str) -> Round:
    Round.objects.filter(pk=round.pk).update(status=status)
    round.refresh_from_db()
    return round


__all__ = ["NATIONAL_2022", "ResponseFactory", "RoundStatus", "respond", "scores", "survey_round"]
