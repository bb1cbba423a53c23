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
from evaluations.demo import lke_demo_prepare
from evaluations.models import Round
from evaluations.services import round_create
from surveys.models import Instrument, InstrumentKind, Participation, ParticipationStatus, Response
from surveys.selectors import survey_for_round
from surveys.services.filling import response_fields
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
    today = timezone.localdate()
    name = DEMO_ROUND_NAME.format(year=today.year)
    if Round.objects.filter(name=name).exists():
        return [f"putaran '{name}' sudah ada"]
    instruments = _default_instruments()
    if not any(i.kind == InstrumentKind.BEHAVIOUR for i in instruments):
        return ["instrumen perilaku belum ada; putaran demo dilewati"]
    root = Agency.objects.get(code=ROOT_CODE)
    admin = User.objects.get(username=DEMO_ACCOUNTS[0].nip)
    day = dt.timedelta(days=1)
    round = round_create(
        root=root, by=admin, name=name, year=today.year,
        survey_opens_on=today - 14 * day, survey_closes_on=today + 21 * day,
        evidence_opens_on=today - 14 * day, evidence_closes_on=today + 30 * day,
        review_opens_on=today, review_closes_on=today + 45 * day,
    )  # fmt: skip
    round_instruments_set(round=round, instruments=instruments)
    round = round_open(round=round, by=admin)
    answered = _simulate_responses(round)
    invited = Participation.objects.filter(round=round).count()
    lke = lke_demo_prepare()  # the LKE step ran before this round existed
    return [f"putaran '{name}' dibuka: {invited} diundang, {answered} jawaban simulasi", *lke]


def _simulate_responses(demo_round: Round) -> int:
    """Answer for a deterministic sample of the roster, each agency with its own culture profile."""
    rng = random.Random(SEED)
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
            agency.pk, {code: rng.uniform(2.8, 5.4) for code in ("BP", "AK", "KO", "HA", "LO", "AD", "KL", "EE")}
        )  # fmt: skip
        answers = {}
        for question in survey.questions:
            if question.kind == "pick":
                codes = [code for code, _text in question.options]
                answers[question.key] = rng.sample(codes, question.pick_count)
                continue
            item = question.item
            centre = profile[item.value.code if item.value else "EE"]
            value = round(rng.gauss(centre, 0.9))
            top = len(question.scale)
            value = min(max(value, 1), top)
            answers[question.key] = top + 1 - value if item.reverse else value
        rows.append(
            Response(
                round=demo_round,
                round_agency=agency,
                asn_type=participation.asn_type,
                **response_fields(survey, answers),
            )
        )
        done.append(participation.pk)
    rng.shuffle(rows)  # no order to join on, as in real submissions
    Response.objects.bulk_create(rows, batch_size=1000)
    Participation.objects.filter(pk__in=done).update(
        status=ParticipationStatus.SUBMITTED, submitted_on=timezone.localdate()
    )
    return len(done)
