"""Writes for instruments and their items. Every write refuses a frozen instrument.

An instrument freezes when a round using it opens (surveys.services.rounds.round_open); to change
a frozen one, an admin makes a new version and chooses it for the next round.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from berakhlak.audit import audit_change, records_actor
from berakhlak.models import BehaviourGuide, User
from berakhlak.refusals import require
from surveys.models import Instrument, InstrumentKind, Item, Option


def _editable(instrument: Instrument) -> Instrument:
    """The instrument locked for writing; refused (`Refused`) once frozen."""
    locked = Instrument.objects.select_for_update().get(pk=instrument.pk)
    require(
        not locked.is_frozen,
        _(
            "Instrumen ini sudah dibekukan karena dipakai putaran yang telah dibuka. "
            "Buat versi baru untuk mengubahnya."
        ),
    )
    return locked


def item_problems(
    *,
    instrument: Instrument,
    code: str,
    text: str,
    guide: BehaviourGuide | None,
    item: Item | None = None,
) -> list[tuple[str, str]]:
    problems = []
    if not code.strip():
        problems.append(("code", _("Kode butir wajib diisi.")))
    duplicate = instrument.items.filter(code__iexact=code.strip())
    if item is not None:
        duplicate = duplicate.exclude(pk=item.pk)
    if code.strip() and duplicate.exists():
        problems.append(
            ("code", _("Kode %(code)s sudah dipakai di instrumen ini.") % {"code": code})
        )
    if not text.strip():
        problems.append(("text", _("Pernyataan wajib diisi.")))
    if instrument.kind == InstrumentKind.BEHAVIOUR and guide is None:
        problems.append(("guide", _("Butir perilaku harus terkait dengan satu panduan perilaku.")))
    return problems


def _raise(problems: list[tuple[str, str]]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)


@records_actor()
@transaction.atomic
def item_create(
    *,
    instrument: Instrument,
    code: str,
    text: str,
    guide: BehaviourGuide | None = None,
    reverse: bool = False,
    text_en: str = "",
    by: User | None = None,
) -> Item:
    instrument = _editable(instrument)
    _raise(item_problems(instrument=instrument, code=code, text=text, guide=guide))
    last = instrument.items.aggregate(m=Max("order"))["m"] or 0
    return Item.objects.create(
        instrument=instrument,
        code=code.strip(),
        text=text.strip(),
        order=last + 1,
        guide=guide,
        value=guide.value if guide else None,
        reverse=reverse,
        text_en=(text_en or "").strip(),
    )


@records_actor()
@transaction.atomic
def item_update(
    *,
    item: Item,
    code: str,
    text: str,
    guide: BehaviourGuide | None = None,
    reverse: bool = False,
    text_en: str = "",
    by: User | None = None,
) -> Item:
    instrument = _editable(item.instrument)
    _raise(item_problems(instrument=instrument, code=code, text=text, guide=guide, item=item))
    item.code, item.text, item.reverse = code.strip(), text.strip(), reverse
    item.text_en = (text_en or "").strip()
    item.guide, item.value = guide, guide.value if guide else None
    item.save()
    return item


@records_actor()
@transaction.atomic
def item_delete(*, item: Item, by: User | None = None) -> None:
    instrument = _editable(item.instrument)
    item.delete()
    _renumber(instrument)


@records_actor()
@transaction.atomic
def item_reverse_toggle(*, item: Item, by: User | None = None) -> Item:
    _editable(item.instrument)
    item.reverse = not item.reverse
    item.save(update_fields=["reverse"])
    return item


@records_actor()
@transaction.atomic
def item_move(*, item: Item, step: int, by: User | None = None) -> None:
    """Move an item up (step=-1) or down (step=+1) in the instrument's order."""
    instrument = _editable(item.instrument)
    items = list(instrument.items.order_by("order", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    _renumber(instrument, items)


def _renumber(instrument: Instrument, items: list[Item] | None = None) -> None:
    """Orders 1..n; each item whose place changed gets an audit entry (a bulk update is not
    seen by the audit log)."""
    items = items if items is not None else list(instrument.items.order_by("order", "pk"))
    moved = []
    for order, item in enumerate(items, start=1):
        if item.order != order:
            moved.append((item, item.order, order))
        item.order = order
    Item.objects.bulk_update(items, ["order"])
    for item, before, after in moved:
        audit_change(item, {"order": (before, after)})


def _contents(instrument: Instrument) -> str:
    """What a bulk change of an instrument's contents is logged as: "21 butir, 0 pilihan"."""
    return _("%(i)s butir, %(o)s pilihan") % {
        "i": instrument.items.count(),
        "o": instrument.options.count(),
    }


@records_actor()
@transaction.atomic
def instrument_new_version(*, instrument: Instrument, by: User | None = None) -> Instrument:
    """Copy an instrument with its items and options as the next version, not frozen."""
    latest = Instrument.objects.filter(code=instrument.code).aggregate(m=Max("version"))["m"]
    copy = Instrument.objects.create(
        code=instrument.code,
        version=latest + 1,
        name=instrument.name,
        description=instrument.description,
        kind=instrument.kind,
        scale_points=instrument.scale_points,
        scale_labels=instrument.scale_labels,
        pick_count=instrument.pick_count,
        based_on=instrument,
        name_en=instrument.name_en,
        description_en=instrument.description_en,
        scale_labels_en=instrument.scale_labels_en,
    )
    Item.objects.bulk_create(
        Item(
            instrument=copy,
            code=i.code,
            order=i.order,
            text=i.text,
            value_id=i.value_id,
            guide_id=i.guide_id,
            reverse=i.reverse,
            text_en=i.text_en,
        )
        for i in instrument.items.all()
    )
    Option.objects.bulk_create(
        Option(
            instrument=copy,
            code=o.code,
            order=o.order,
            text=o.text,
            value_id=o.value_id,
            limiting=o.limiting,
            text_en=o.text_en,
        )
        for o in instrument.options.all()
    )
    audit_change(copy, {"contents": ("", _contents(copy))})  # bulk inserts: one entry
    return copy


@records_actor()
@transaction.atomic
def instrument_contents_replace(
    *, instrument: Instrument, items: list[dict], options: list[dict], by: User | None = None
) -> None:
    """Replace every item and option at once (the Excel import), after its checks passed."""
    instrument = _editable(instrument)
    before = _contents(instrument)
    instrument.items.all().delete()
    instrument.options.all().delete()
    Item.objects.bulk_create(Item(instrument=instrument, **row) for row in items)
    Option.objects.bulk_create(Option(instrument=instrument, **row) for row in options)
    audit_change(instrument, {"contents": (before, _contents(instrument))})  # bulk: one entry


@records_actor()
@transaction.atomic
def instrument_english_set(
    *,
    instrument: Instrument,
    name_en: str,
    description_en: str,
    scale_labels_en: list[str],
    by: User | None = None,
) -> Instrument:
    """The instrument's English name, instructions and scale labels (all optional: an empty text
    shows the Indonesian). Scale labels: none, or one per point of the scale."""
    instrument = _editable(instrument)
    labels = [label.strip() for label in scale_labels_en if label.strip()]
    if labels and len(labels) != instrument.scale_points:
        raise ValidationError(
            {
                "scale_labels_en": [
                    _(
                        "Isi %(n)s label skala (satu per baris) atau kosongkan semuanya; terisi %(m)s."
                    )
                    % {"n": instrument.scale_points, "m": len(labels)}
                ]
            }
        )
    instrument.name_en = (name_en or "").strip()[:200]
    instrument.description_en = (description_en or "").strip()
    instrument.scale_labels_en = labels
    instrument.save(update_fields=["name_en", "description_en", "scale_labels_en"])
    return instrument
