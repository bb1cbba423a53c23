"""Realistic anonymous demo responses, so that the dashboards look like a real round.

Seeded answers are sealed like real submissions (surveys.services.filling.submission_seal), so that
they are released with the round like everyone else's. Each agency gets its own culture profile (some agencies stronger, some weaker); across the
province Adaptif and Kolaboratif run weaker, as in the national 2022 results. Answers are
drawn on the round's own instruments and scored by the survey's code (response_fields), so
the stored scores are exactly what a real submission would store. No participation is touched:
the responses are anonymous and belong to nobody.
"""

from __future__ import annotations

import random

from django.db import transaction

from berakhlak.models import AsnType
from berakhlak.refusals import Refused
from evaluations.models import Round, RoundAgency, RoundStatus
from surveys.models import InstrumentKind, Option, ResponseSource, SealedSubmission
from surveys.selectors import survey_for_round
from surveys.services.filling import response_fields, submission_seal

# Mean answer (on a 1..6 scale) by value, before the agency's own shift.
PROVINCE_PROFILE = {
    "BP": 4.4,
    "AK": 4.8,
    "KO": 4.3,
    "HA": 4.6,
    "LO": 4.7,
    "AD": 3.4,
    "KL": 3.9,
    "EE": 4.2,
}
ASN_MIX = (
    (AsnType.PNS, 0.72),
    (AsnType.PPPK, 0.18),
    (AsnType.CPNS, 0.07),
    (AsnType.PPPK_PARUH_WAKTU, 0.03),
)
SEEDABLE = (RoundStatus.OPEN, RoundStatus.CLOSED)
BATCH = 2000


class SeedRefused(Refused):
    """The round takes no simulated answers (its status, no agency snapshot, a bad count)."""


def _agency_profiles(agencies: list[RoundAgency], rng: random.Random) -> dict[int, dict]:
    profiles = {}
    for agency in agencies:
        shift = rng.gauss(0, 0.35)
        profiles[agency.pk] = {
            code: centre + shift + rng.gauss(0, 0.25) for code, centre in PROVINCE_PROFILE.items()
        }
    return profiles


def _weighted_sample(weights: dict[str, float], k: int, rng: random.Random) -> list[str]:
    pool = dict(weights)
    chosen = []
    while pool and len(chosen) < k:
        code = rng.choices(list(pool), weights=list(pool.values()))[0]
        chosen.append(code)
        del pool[code]
    return chosen


def _pick_weights(options: dict[str, object], profile: dict, question: str) -> dict[str, float]:
    """Current culture leans to the agency's strong values and to limiting behaviours where the
    agency is weak; desired culture leans to what is missing; personal values are even."""
    weights = {}
    strength = sum(profile[c] for c in PROVINCE_PROFILE if c != "EE") / 7
    for code, option in options.items():
        value = option.value.code if option.value_id else None
        if option.limiting:
            weights[code] = max(0.2, 4.5 - strength) if question == "CURRENT" else 0.15
        elif question == "CURRENT":
            weights[code] = max(0.2, profile[value] - 2.5)
        elif question == "DESIRED":
            weights[code] = max(0.2, 5.5 - profile[value])
        else:
            weights[code] = 1.0
    return weights


def _answers(survey, profile: dict, rng: random.Random, options: dict[str, object]) -> dict:
    answers: dict = {}
    for question in survey.questions:
        if question.kind == "pick":
            offered = {code: options[code] for code, _text in question.options if code in options}
            weights = _pick_weights(offered, profile, question.key)
            answers[question.key] = _weighted_sample(weights, question.pick_count, rng)
            continue
        item = question.item
        top = len(question.scale)
        centre = profile[item.value.code if item.value else "EE"] * top / 6
        value = min(max(round(rng.gauss(centre, 0.9)), 1), top)
        answers[question.key] = top + 1 - value if item.reverse else value
    return answers


def responses_seed(*, round: Round, count: int, seed: int = 2026) -> int:
    """Add `count` simulated responses to an open or closed round; returns how many."""
    if round.status not in SEEDABLE:
        raise SeedRefused(
            f"Putaran berstatus {round.get_status_display()}: jawaban simulasi hanya untuk "
            "putaran yang dibuka atau ditutup (belum dihitung)."
        )
    if count < 1:
        raise SeedRefused("Jumlah jawaban harus paling sedikit 1.")
    rng = random.Random(seed)
    agencies = list(RoundAgency.objects.filter(round=round).order_by("path"))
    if not agencies:
        raise SeedRefused("Putaran belum memiliki potret unit kerja.")
    weights = [max(a.roster_count, 1) for a in agencies]
    profiles = _agency_profiles(agencies, rng)
    survey = survey_for_round(round)
    options = {
        o.code: o
        for o in Option.objects.filter(
            instrument__roundinstrument__round=round,
            instrument__kind=InstrumentKind.VALUES_SELECTION,
        ).select_related("value")
    }
    types, type_weights = zip(*ASN_MIX, strict=True)
    created = 0
    with transaction.atomic():
        rows = []
        for agency in rng.choices(agencies, weights=weights, k=count):
            answers = _answers(survey, profiles[agency.pk], rng, options)
            rows.append(
                submission_seal(
                    round_id=round.pk,
                    round_agency_id=agency.pk,
                    asn_type=rng.choices(types, weights=type_weights)[0],
                    source=ResponseSource.WEB,
                    fields=response_fields(survey, answers),
                )
            )
            if len(rows) >= BATCH:
                SealedSubmission.objects.bulk_create(rows)
                created += len(rows)
                rows = []
        SealedSubmission.objects.bulk_create(rows)
        created += len(rows)
    return created
