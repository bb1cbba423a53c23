"""Instruments and an open round built in the test itself (independent of the default instruments)."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools

from django.apps import apps
from django.utils import timezone

from berakhlak.models import BehaviourGuide, CoreValue
from evaluations.services import round_create
from surveys.models import Instrument, InstrumentKind, Item, Option, RoundInstrument
from surveys.services.rounds import round_open

_seq = itertools.count(1)


def core_values_ensure() -> None:
    """Transactional tests flush the rows the data migration loaded; put them back."""
    if CoreValue.objects.count() < 7 or BehaviourGuide.objects.count() < 21:
        migration = importlib.import_module("berakhlak.migrations.0002_core_values")
        migration.load(apps, None)


def behaviour_instrument(*, reverse: tuple[str, ...] = ()) -> Instrument:
    """21 statements, one per behaviour guide, codes BP1..KL3, 6-point scale."""
    core_values_ensure()
    instrument = Instrument.objects.create(
        code=f"uji-perilaku-{next(_seq)}",
        name="Perilaku BerAKHLAK (uji)",
        kind=InstrumentKind.BEHAVIOUR,
        scale_points=6,
    )
    order = 0
    for value in CoreValue.objects.order_by("order"):
        for guide in value.guides.order_by("order"):
            order += 1
            code = f"{value.code}{guide.order}"
            Item.objects.create(
                instrument=instrument,
                code=code,
                order=order,
                value=value,
                guide=guide,
                text=f"Saya {guide.text[0].lower()}{guide.text[1:]}.",
                reverse=code in reverse,
            )
    return instrument


def engagement_instrument(*, n: int = 3) -> Instrument:
    instrument = Instrument.objects.create(
        code=f"uji-keterikatan-{next(_seq)}",
        name="Keterikatan pegawai (uji)",
        kind=InstrumentKind.ENGAGEMENT,
        scale_points=6,
    )
    texts = [
        "Saya bangga bekerja di instansi ini.",
        "Saya bersemangat berangkat kerja.",
        "Saya tahu apa yang diharapkan dari pekerjaan saya.",
        "Atasan peduli pada saya.",
    ]
    for i in range(n):
        Item.objects.create(
            instrument=instrument, code=f"EE{i + 1}", order=i + 1, text=texts[i % 4]
        )
    return instrument


def selection_instrument(*, k: int = 3) -> Instrument:
    """One option per core value plus two limiting behaviours; pick exactly k."""
    core_values_ensure()
    instrument = Instrument.objects.create(
        code=f"uji-pilihan-{next(_seq)}",
        name="Pemilihan nilai (uji)",
        kind=InstrumentKind.VALUES_SELECTION,
        pick_count=k,
    )
    order = 0
    for value in CoreValue.objects.order_by("order"):
        order += 1
        Option.objects.create(
            instrument=instrument, code=f"O{value.code}", order=order, text=value.name, value=value
        )
    for code, text in (("LIM1", "Saling menyalahkan"), ("LIM2", "Birokrasi berbelit")):
        order += 1
        Option.objects.create(
            instrument=instrument, code=code, order=order, text=text, limiting=True
        )
    return instrument


def open_round(
    province, *, instruments=None, opens: dt.date | None = None, closes: dt.date | None = None
):
    """A round over the province with the given instruments, opened (participations invited)."""
    today = timezone.localdate()
    opens = opens or today - dt.timedelta(days=1)
    closes = closes or today + dt.timedelta(days=14)
    round = round_create(
        root=province.root,
        by=province.admin.user,
        name=f"Evaluasi Budaya Kerja {next(_seq)}",
        year=today.year,
        survey_opens_on=opens,
        survey_closes_on=closes,
        evidence_opens_on=opens,
        evidence_closes_on=closes,
        review_opens_on=opens,
        review_closes_on=closes + dt.timedelta(days=7),
    )
    if instruments is None:
        instruments = [behaviour_instrument(), engagement_instrument(), selection_instrument()]
    for order, instrument in enumerate(instruments, start=1):
        RoundInstrument.objects.create(round=round, instrument=instrument, order=order)
    return round_open(round=round, by=province.admin.user)


def full_answers(survey, *, scale_value: int = 5) -> dict:
    """A complete set of answers for a survey built by surveys.selectors.survey_for_round."""
    answers = {}
    for q in survey.questions:
        answers[q.key] = (
            [code for code, _t in q.options[: q.pick_count]] if q.kind == "pick" else scale_value
        )
    return answers


def default_instruments() -> list[Instrument]:
    """The three shipped instruments (reloaded when a transactional test flushed them)."""
    core_values_ensure()
    for name in ("0003_default_instruments", "0008_instrument_english_texts"):
        importlib.import_module(f"surveys.migrations.{name}").load(apps, None)
    codes = ("perilaku-berakhlak", "keterikatan-pegawai", "pemilihan-nilai")
    by_code = {i.code: i for i in Instrument.objects.filter(code__in=codes, version=1)}
    return [by_code[code] for code in codes]


def draft_of(token) -> dict:
    """The answers sealed in the draft with this token (opened as the application opens them)."""
    from surveys.models import Draft
    from surveys.selectors import draft_open

    return draft_open(Draft.objects.get(token=token))


def submissions_of(round) -> list:
    """The round's waiting (sealed) submissions, opened: each with the Response fields as
    attributes (answers, score_bp, ...) plus round_agency_id, asn_type and source."""
    from types import SimpleNamespace

    from surveys.models import Response
    from surveys.services.release import sealed_sheets

    blank = {f.attname: None for f in Response._meta.concrete_fields}
    return [
        SimpleNamespace(
            **{
                **blank,
                **sheet.fields,
                "round_agency_id": sheet.agency,
                "asn_type": sheet.asn_type,
                "source": sheet.source,
            }
        )
        for sheet in sealed_sheets(round)
    ]


def close_and_release(round):
    """Close the round and release its waiting submissions (what the index computation does)."""
    from evaluations.models import RoundStatus
    from evaluations.services import round_transition
    from surveys.services.release import responses_release

    round_transition(round=round, to=RoundStatus.CLOSED)
    round.refresh_from_db()
    return responses_release(round=round)


def people_submit(round, people) -> None:
    """Each person answers the whole survey of the round (full_answers) and submits it."""
    from surveys.models import Participation
    from surveys.selectors import survey_for_round
    from surveys.services import filling

    survey = survey_for_round(round)
    for person in people:
        participation = Participation.objects.get(round=round, employee=person)
        filling.answers_save(
            participation=participation, answers=full_answers(survey), survey=survey
        )
        filling.survey_submit(participation=participation)
