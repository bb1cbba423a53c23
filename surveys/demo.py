"""Demo steps of the survey: an open round with the default instruments and simulated responses.

Found by `seed_demo` (autodiscovery of `<app>.demo`). The demo accounts are never answered for,
so a newcomer logging in as the demo ASN finds the survey waiting.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from berakhlak.demo import DEMO_ACCOUNTS, ROOT_CODE, SEED, demo_step
from berakhlak.models import Agency, User
from evaluations.demo import lke_demo_prepare, lke_demo_score
from evaluations.models import Round, RoundStatus
from evaluations.services import round_create, round_transition
from surveys.models import (
    Instrument,
    InstrumentKind,
    Participation,
    ParticipationStatus,
    ResponseSource,
    SealedSubmission,
)
from surveys.selectors import survey_for_round
from surveys.services.filling import response_fields, submission_seal
from surveys.services.release import responses_release
from surveys.services.rounds import round_instruments_set, round_open

DEMO_ROUND_NAME = "Evaluasi Budaya Kerja BerAKHLAK {year}"
# Share of (non-demo) employees who have already answered, and the agencies lagging behind.
ANSWERED_SHARE = 0.55
LAGGING = {"DISHUT", "DISLUTKAN", "SATPOLPP", "UPTD-BBI"}


def _default_instruments() -> list[Instrument]:
    """The shipped instruments, reloaded from their data migrations if the tables were emptied."""
    if not Instrument.objects.filter(kind=InstrumentKind.BEHAVIOUR).exists():
        for module in (
            "berakhlak.migrations.0002_core_values",
            "surveys.migrations.0003_default_instruments",
            "surveys.migrations.0008_instrument_english_texts",
        ):
            importlib.import_module(module).load(apps, None)
    chosen = []
    for kind in (
        InstrumentKind.BEHAVIOUR,
        InstrumentKind.ENGAGEMENT,
        InstrumentKind.VALUES_SELECTION,
    ):
        newest = Instrument.objects.filter(kind=kind).order_by("created_at", "pk").first()
        if newest:
            chosen.append(newest)
    return chosen


@demo_step("putaran survei")
@transaction.atomic
def seed_demo_round(**_kwargs) -> list[str]:
    """Last year's round, closed (reports publish it), then this year's round, open."""
    instruments = _default_instruments()
    if not any(i.kind == InstrumentKind.BEHAVIOUR for i in instruments):
        return ["instrumen perilaku belum ada; putaran demo dilewati"]
    today = timezone.localdate()
    lines = []
    last_year = today.replace(year=today.year - 1)
    previous = _demo_round(last_year, instruments, shift=-0.25, seed_offset=1)
    if previous is not None:
        # Last year's LKE fully scored before it closes, so that its published results have a
        # composite and this year's dashboard a trend (issue: a newcomer sees what it is for).
        lke_demo_prepare()
        lines += lke_demo_score(previous)
        round_transition(round=previous, to=RoundStatus.CLOSED)
        # Closing sends the release as a task after commit; the demo needs it done now.
        responses_release(round=Round.objects.get(pk=previous.pk))
        lines.append(f"putaran '{previous.name}' dibuka, diisi, ditutup dan jawabannya dilepas")
    current = _demo_round(today, instruments)
    if current is None:
        return [*lines, f"putaran '{DEMO_ROUND_NAME.format(year=today.year)}' sudah ada"]
    invited = Participation.objects.filter(round=current).count()
    answered = SealedSubmission.objects.filter(round=current).count()
    lke = lke_demo_prepare()  # the LKE step ran before this round existed
    return [
        *lines,
        f"putaran '{current.name}' dibuka: {invited} diundang, {answered} jawaban simulasi",
        *lke,
    ]


def _demo_round(day: dt.date, instruments, *, shift: float = 0.0, seed_offset: int = 0):
    """An opened round of `day`'s year with simulated answers; None when it exists already."""
    name = DEMO_ROUND_NAME.format(year=day.year)
    if Round.objects.filter(name=name).exists():
        return None
    root = Agency.objects.get(code=ROOT_CODE)
    admin = User.objects.get(username=DEMO_ACCOUNTS[0].nip)
    week = dt.timedelta(days=7)
    round = round_create(
        root=root,
        by=admin,
        name=name,
        year=day.year,
        survey_opens_on=day - 2 * week,
        survey_closes_on=day + 3 * week,
        evidence_opens_on=day - 2 * week,
        evidence_closes_on=day + 4 * week,
        review_opens_on=day,
        review_closes_on=day + 6 * week,
    )
    round_instruments_set(round=round, instruments=instruments)
    round = round_open(round=round, by=admin)
    _simulate_responses(round, shift=shift, seed_offset=seed_offset)
    return round


def _simulate_responses(demo_round: Round, *, shift: float = 0.0, seed_offset: int = 0) -> int:
    """Answer for a deterministic sample of the roster, each agency with its own culture profile."""
    rng = random.Random(SEED + seed_offset)
    survey = survey_for_round(demo_round)
    demo_nips = {account.nip for account in DEMO_ACCOUNTS}
    participations = list(
        Participation.objects.filter(round=demo_round)
        .exclude(employee__nip__in=demo_nips)
        .select_related("round_agency")
        .order_by("pk")
    )
    profiles: dict[int, dict[str, float]] = {}
    rows, done = [], []
    for participation in participations:
        agency = participation.round_agency
        share = ANSWERED_SHARE / 3 if agency.code in LAGGING else ANSWERED_SHARE
        if rng.random() > share:
            continue
        profile = profiles.setdefault(
            agency.pk,
            {
                code: rng.uniform(2.8, 5.4)
                for code in ("BP", "AK", "KO", "HA", "LO", "AD", "KL", "EE")
            },
        )
        answers = {}
        for question in survey.questions:
            if question.kind == "pick":
                codes = [code for code, _text in question.options]
                answers[question.key] = rng.sample(codes, question.pick_count)
                continue
            item = question.item
            centre = profile[item.value.code if item.value else "EE"] + shift
            value = round(rng.gauss(centre, 0.9))
            top = len(question.scale)
            value = min(max(value, 1), top)
            answers[question.key] = top + 1 - value if item.reverse else value
        rows.append(
            submission_seal(
                round_id=demo_round.pk,
                round_agency_id=agency.pk,
                asn_type=participation.asn_type,
                source=ResponseSource.WEB,
                fields=response_fields(survey, answers),
            )
        )
        done.append(participation.pk)
    # Sealed like real submissions; closing the round releases them.
    SealedSubmission.objects.bulk_create(rows, batch_size=1000)
    Participation.objects.filter(pk__in=done).update(
        status=ParticipationStatus.SUBMITTED, submitted_on=timezone.localdate()
    )
    return len(done)
