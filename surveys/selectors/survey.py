"""Scoped reads for the survey. A person reaches only their own participation; anything else is 404.

Nothing here ever reads a `Response` together with a `Participation`: the filling pages read the
person's `Draft` (through the token on their participation) and nothing after submit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from berakhlak.models import User
from evaluations.models import Round, RoundStatus
from surveys import sealing
from surveys.models import (
    Draft,
    Instrument,
    InstrumentKind,
    Participation,
    ParticipationStatus,
    RoundInstrument,
)

# Rounds an ASN still sees in "Survei saya": open ones, and closed ones (read-only) until computed.
VISIBLE_ROUND_STATUSES = (RoundStatus.OPEN, RoundStatus.CLOSED)

DEFAULT_SCALE_LABELS = {
    6: [
        "Sangat tidak sesuai",
        "Tidak sesuai",
        "Agak tidak sesuai",
        "Agak sesuai",
        "Sesuai",
        "Sangat sesuai",
    ],
}

SELECTION_TITLES = {
    "PERSONAL": (
        gettext_lazy("Nilai pribadi"),
        gettext_lazy("Pilih {k} perilaku atau nilai yang paling menggambarkan diri Anda."),
    ),
    "CURRENT": (
        gettext_lazy("Budaya kerja saat ini"),
        gettext_lazy(
            "Pilih {k} perilaku atau nilai yang paling menggambarkan budaya kerja di unit Anda "
            "saat ini."
        ),
    ),
    "DESIRED": (
        gettext_lazy("Budaya kerja yang diharapkan"),
        gettext_lazy(
            "Pilih {k} perilaku atau nilai yang Anda harapkan menjadi budaya kerja di unit Anda."
        ),
    ),
}


@dataclass
class Question:
    """One answerable unit: a scale item (key = item code) or a pick-K question (key = PERSONAL...)."""

    key: str
    kind: str  # "scale" or "pick"
    label: str
    number: int = 0
    scale: list[tuple[int, str]] = field(default_factory=list)
    options: list = field(default_factory=list)  # [(option code, text)]
    pick_count: int = 0
    item: object | None = None
    page: Page | None = None

    def is_answered(self, answers: dict) -> bool:
        value = answers.get(self.key)
        if self.kind == "pick":
            return isinstance(value, list) and len(value) == self.pick_count
        return value is not None


@dataclass
class Page:
    slug: str
    title: str
    intro: str
    questions: list[Question]
    heading: str = ""
    number: int = 0


@dataclass
class Survey:
    """The round's instruments laid out as pages: one per core value, then engagement, then picks."""

    pages: list[Page]
    instruments: list[Instrument]

    def __post_init__(self):
        self.questions = [q for page in self.pages for q in page.questions]
        self.by_key = {q.key: q for q in self.questions}
        self.by_slug = {p.slug: p for p in self.pages}
        for number, page in enumerate(self.pages, start=1):
            page.number = number
            for question in page.questions:
                question.page = page
        for number, question in enumerate(self.questions, start=1):
            question.number = number

    @property
    def total(self) -> int:
        return len(self.questions)

    def answered_count(self, answers: dict) -> int:
        return sum(1 for q in self.questions if q.is_answered(answers))

    def missing(self, answers: dict) -> list[Question]:
        return [q for q in self.questions if not q.is_answered(answers)]

    def first_unanswered(self, answers: dict) -> Question | None:
        return next((q for q in self.questions if not q.is_answered(answers)), None)

    def next_page(self, page: Page) -> Page | None:
        return self.pages[page.number] if page.number < len(self.pages) else None

    def previous_page(self, page: Page) -> Page | None:
        return self.pages[page.number - 2] if page.number > 1 else None


def scale_of(instrument: Instrument) -> list[tuple[int, str]]:
    labels = instrument.shown_scale_labels() or list(
        DEFAULT_SCALE_LABELS.get(instrument.scale_points, [])
    )
    if len(labels) != instrument.scale_points:
        labels = [str(n) for n in range(1, instrument.scale_points + 1)]
    return list(enumerate(labels, start=1))


def round_instruments(round: Round) -> list[Instrument]:
    ids = RoundInstrument.objects.filter(round=round).order_by("order", "pk")
    instruments = Instrument.objects.filter(pk__in=ids.values("instrument_id")).prefetch_related(
        "items__value", "options"
    )
    order = {pk: n for n, pk in enumerate(ids.values_list("instrument_id", flat=True))}
    return sorted(instruments, key=lambda i: order[i.pk])


# Built surveys of rounds that have opened, keyed by (round id, opened_at, language): their
# instruments are frozen, so the layout never changes and every autosave can skip five queries.
# The language is part of the key: titles, statements and labels are in the reader's. Read-only.
_FROZEN_SURVEYS: dict[tuple[int, object, str], Survey] = {}
_FROZEN_SURVEYS_MAX = 32


def survey_for_round(round: Round) -> Survey:
    """Pages of the round's survey; cached per process once the round has opened."""
    if round.status == RoundStatus.DRAFT or round.opened_at is None:
        return survey_build(round)
    key = (round.pk, round.opened_at, get_language())  # the texts are in the reader's language
    survey = _FROZEN_SURVEYS.get(key)
    if survey is None:
        survey = survey_build(round)
        if len(_FROZEN_SURVEYS) >= _FROZEN_SURVEYS_MAX:
            _FROZEN_SURVEYS.clear()
        _FROZEN_SURVEYS[key] = survey
    return survey


def survey_build(round: Round) -> Survey:
    """Pages of the round's survey, read fresh from the instruments."""
    instruments = round_instruments(round)
    pages: list[Page] = []
    behaviour = [i for i in instruments if i.kind == InstrumentKind.BEHAVIOUR]
    value_pages = []
    for instrument in behaviour:
        scale = scale_of(instrument)
        by_value: dict = {}
        for item in instrument.items.all():
            value = item.value
            if value is None:
                continue
            by_value.setdefault(value, []).append(
                Question(key=item.code, kind="scale", label=item.shown_text, scale=scale, item=item)
            )
        for value in sorted(by_value, key=lambda v: v.order):
            value_pages.append((value, by_value[value]))
    for index, (value, questions) in enumerate(value_pages, start=1):
        pages.append(
            Page(
                slug=f"nilai-{value.code.lower()}",
                title=value.name,
                heading=_("Nilai %(n)s dari %(total)s") % {"n": index, "total": len(value_pages)},
                intro=value.definition_for(round.wording),
                questions=questions,
            )
        )
    for instrument in instruments:
        if instrument.kind != InstrumentKind.ENGAGEMENT:
            continue
        scale = scale_of(instrument)
        questions = [
            Question(key=item.code, kind="scale", label=item.shown_text, scale=scale, item=item)
            for item in instrument.items.all()
        ]
        if questions:
            pages.append(
                Page(
                    slug=f"keterikatan-{instrument.pk}",
                    title=instrument.shown_name,
                    heading=_("Keterikatan pegawai"),
                    intro=instrument.shown_description
                    or _("Seberapa sesuai pernyataan berikut dengan keadaan Anda di tempat kerja?"),
                    questions=questions,
                )
            )
    for instrument in instruments:
        if instrument.kind != InstrumentKind.VALUES_SELECTION:
            continue
        options = [(o.code, o.shown_text) for o in instrument.options.all()]
        for code, (title, help_text) in SELECTION_TITLES.items():
            k = instrument.pick_count
            pages.append(
                Page(
                    slug=f"pilih-{code.lower()}",
                    title=str(title),
                    heading=_("Pemilihan nilai"),
                    intro=str(help_text).format(k=k),
                    questions=[
                        Question(
                            key=code,
                            kind="pick",
                            label=str(title),
                            options=options,
                            pick_count=k,
                        )
                    ],
                )
            )
    return Survey(pages=pages, instruments=instruments)


def participations_for_user(user: User) -> QuerySet[Participation]:
    """The signed-in person's own invitations in rounds they can still see."""
    if not user.is_authenticated:
        return Participation.objects.none()
    return (
        Participation.objects.filter(employee__user=user, round__status__in=VISIBLE_ROUND_STATUSES)
        .select_related("round", "round_agency")
        .order_by("-round__year", "-round__pk")
    )


def get_participation_for_user(user: User, pk: int) -> Participation:
    """Only the person's own participation; anyone else's (admins and leaders too) is a 404."""
    if not user.is_authenticated:
        raise Http404
    # The hot path of every autosave: one plain query, no ordering to compile.
    try:
        return Participation.objects.select_related("round").get(
            pk=pk, employee__user=user, round__status__in=VISIBLE_ROUND_STATUSES
        )
    except Participation.DoesNotExist:
        raise Http404 from None


class DraftUnreadable(Exception):
    """A person's sealed draft cannot be opened (a key is missing or the row was altered)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def draft_open(draft: Draft) -> dict:
    """The answers sealed in a draft (surveys.sealing, purpose "draft", bound to its token)."""
    try:
        return sealing.unseal(
            draft.sealed, key_id=draft.key_id, purpose="draft", context=str(draft.token)
        )
    except sealing.SealBroken as broken:
        raise DraftUnreadable(broken.reason) from None


def draft_answers(participation: Participation) -> dict:
    """The answers typed so far ({} before the first save and after submit).

    Raises DraftUnreadable when the draft exists but cannot be opened: nothing is lost, the draft
    stays as it is until an admin restores the key."""
    if participation.status == ParticipationStatus.SUBMITTED or not participation.draft_token:
        return {}
    draft = (
        Draft.objects.filter(token=participation.draft_token)
        .only("token", "key_id", "sealed")
        .first()
    )
    return draft_open(draft) if draft is not None else {}
