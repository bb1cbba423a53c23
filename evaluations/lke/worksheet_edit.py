"""Editing a round's LKE worksheet: components and criteria, their order and weights.

Every write checks first that the worksheet may still change (not frozen, evidence window not
open). Weights may pass through totals other than 100 while the admin rebalances them; the total
of 100 is enforced where it matters: freezing, and the opening of the LKE
(`opening.worksheet_freeze` / `worksheet_ready`). Each write takes the acting user (`by=`) and
is in the audit log with it, moves and the Excel import's bulk rows included (`audit_change`).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from berakhlak.audit import audit_change, records_actor
from berakhlak.models import User
from berakhlak.refusals import require
from evaluations.lke.selectors import worksheet_is_editable
from evaluations.models import Component, Criterion, Round, Worksheet

# Why a frozen worksheet takes no change (the services refuse with it, the pages show it).
FROZEN = gettext_lazy(
    "LKE sudah dibekukan (masa unggah bukti sudah dimulai); tidak dapat diubah lagi."
)
CRITERION_FIELDS = (
    "code",
    "question",
    "guidance",
    "evidence_asked",
    "evidence_required",
    "answer_kind",
    "weight",
)


def _locked(worksheet: Worksheet) -> Worksheet:
    worksheet = Worksheet.objects.select_for_update().select_related("round").get(pk=worksheet.pk)
    require(
        worksheet_is_editable(worksheet),
        FROZEN,
    )
    return worksheet


@records_actor()
@transaction.atomic
def worksheet_create_empty(*, round: Round, by: User | None = None) -> Worksheet:
    worksheet, _created = Worksheet.objects.get_or_create(round=round, defaults={"created_by": by})
    return worksheet


def _code_taken(worksheet: Worksheet, code: str, exclude_pk: int | None = None) -> bool:
    rows = Criterion.objects.filter(component__worksheet=worksheet, code__iexact=code)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.exists()


def criterion_code_suggest(component: Component) -> str:
    taken = set(
        Criterion.objects.filter(component__worksheet_id=component.worksheet_id).values_list(
            "code", flat=True
        )
    )
    n = component.criteria.count() + 1
    while f"{component.order}.{n}" in taken:
        n += 1
    return f"{component.order}.{n}"


def criterion_initial(
    worksheet: Worksheet, criterion: Criterion | None = None, component_pk: int | None = None
) -> dict | None:
    """What the criterion form starts with: the criterion's values, or for a new one the chosen
    (else the first) component and a free code; None while the worksheet has no component."""
    if criterion is not None:
        return {
            **{name: getattr(criterion, name) for name in CRITERION_FIELDS},
            "component": criterion.component,
        }
    component = worksheet.components.filter(pk=component_pk or 0).first()
    component = component or worksheet.components.order_by("order").first()
    if component is None:
        return None
    return {
        "component": component,
        "code": criterion_code_suggest(component),
        "evidence_required": True,
        "answer_kind": "YA_TIDAK",
    }


# --- components ----------------------------------------------------------------------------------


@records_actor()
@transaction.atomic
def component_add(
    *, worksheet: Worksheet, name: str, description: str = "", by: User | None = None
) -> Component:
    worksheet = _locked(worksheet)
    last = worksheet.components.aggregate(m=Max("order"))["m"] or 0
    return Component.objects.create(
        worksheet=worksheet, order=last + 1, name=name.strip(), description=description.strip()
    )


@records_actor()
@transaction.atomic
def component_update(
    *, component: Component, name: str, description: str = "", by: User | None = None
) -> Component:
    _locked(component.worksheet)
    component.name, component.description = name.strip(), description.strip()
    component.save(update_fields=["name", "description"])
    return component


@records_actor()
@transaction.atomic
def component_delete(*, component: Component, by: User | None = None) -> None:
    """Deletes the component with its criteria and closes the gap in the order."""
    worksheet = _locked(component.worksheet)
    component = Component.objects.get(pk=component.pk)  # its order now, not when it was read
    order = component.order
    component.delete()
    for later in worksheet.components.filter(order__gt=order).order_by("order"):
        Component.objects.filter(pk=later.pk).update(order=later.order - 1)


def _swap(model, a, b) -> None:
    """Swap the `order` of two rows under a unique (parent, order) constraint (audited)."""
    a_order, b_order = a.order, b.order
    model.objects.filter(pk=a.pk).update(order=0)
    model.objects.filter(pk=b.pk).update(order=a_order)
    model.objects.filter(pk=a.pk).update(order=b_order)
    audit_change(a, {"order": (a_order, b_order)})
    audit_change(b, {"order": (b_order, a_order)})


@records_actor()
@transaction.atomic
def component_move(*, component: Component, step: int, by: User | None = None) -> None:
    worksheet = _locked(component.worksheet)
    component = Component.objects.get(pk=component.pk)
    neighbour = worksheet.components.filter(order=component.order + step).first()
    if neighbour is not None:
        _swap(Component, component, neighbour)


# --- criteria ------------------------------------------------------------------------------------


def _criterion_check(worksheet: Worksheet, data: dict, exclude_pk: int | None = None) -> None:
    errors = {}
    if _code_taken(worksheet, data["code"], exclude_pk):
        errors["code"] = _("Kode %(code)s sudah dipakai kriteria lain di LKE ini.") % {
            "code": data["code"]
        }
    weight = data["weight"]
    if not (Decimal(0) < weight <= Decimal(100)):
        errors["weight"] = _("Bobot harus lebih dari 0 dan paling besar 100.")
    if errors:
        raise ValidationError(errors)


@records_actor()
@transaction.atomic
def criterion_add(*, component: Component, by: User | None = None, **data) -> Criterion:
    worksheet = _locked(component.worksheet)
    _criterion_check(worksheet, data)
    last = component.criteria.aggregate(m=Max("order"))["m"] or 0
    return Criterion.objects.create(
        component=component, order=last + 1, **{k: data[k] for k in CRITERION_FIELDS}
    )


@records_actor()
@transaction.atomic
def criterion_update(
    *, criterion: Criterion, component: Component | None = None, by: User | None = None, **data
) -> Criterion:
    """Change a criterion; a different `component` moves it to the end of that component."""
    worksheet = _locked(criterion.component.worksheet)
    _criterion_check(worksheet, data, exclude_pk=criterion.pk)
    for name in CRITERION_FIELDS:
        setattr(criterion, name, data[name])
    fields = list(CRITERION_FIELDS)
    if component is not None and component.pk != criterion.component_id:
        if component.worksheet_id != worksheet.pk:
            raise ValidationError({"component": _("Komponen tidak ditemukan di LKE ini.")})
        old_component, old_order = criterion.component, criterion.order
        criterion.component = component
        criterion.order = (component.criteria.aggregate(m=Max("order"))["m"] or 0) + 1
        fields += ["component", "order"]
        criterion.save(update_fields=fields)
        _close_gap(old_component, old_order)
        return criterion
    criterion.save(update_fields=fields)
    return criterion


def criterion_save(
    *, criterion: Criterion | None, component: Component, by: User | None = None, **data
) -> Criterion:
    """The criterion form's one write: a new criterion of `component`, or a change of one."""
    if criterion is None:
        return criterion_add(component=component, by=by, **data)
    return criterion_update(criterion=criterion, component=component, by=by, **data)


def _close_gap(component: Component, order: int) -> None:
    for later in component.criteria.filter(order__gt=order).order_by("order"):
        Criterion.objects.filter(pk=later.pk).update(order=later.order - 1)


@records_actor()
@transaction.atomic
def criterion_delete(*, criterion: Criterion, by: User | None = None) -> None:
    _locked(criterion.component.worksheet)
    criterion = Criterion.objects.select_related("component").get(pk=criterion.pk)  # fresh order
    component, order = criterion.component, criterion.order
    criterion.delete()
    _close_gap(component, order)


@records_actor()
@transaction.atomic
def criterion_move(*, criterion: Criterion, step: int, by: User | None = None) -> None:
    _locked(criterion.component.worksheet)
    criterion = Criterion.objects.get(pk=criterion.pk)
    neighbour = Criterion.objects.filter(
        component_id=criterion.component_id, order=criterion.order + step
    ).first()
    if neighbour is not None:
        _swap(Criterion, criterion, neighbour)


@records_actor()
@transaction.atomic
def worksheet_contents_replace(
    *, worksheet: Worksheet, components: list[dict], by: User | None = None
) -> Worksheet:
    """Replace every component and criterion (the Excel import); `components` is already valid:
    [{"name", "description", "criteria": [{CRITERION_FIELDS...}]}] in order."""
    worksheet = _locked(worksheet)
    before = criteria_count(worksheet)
    worksheet.components.all().delete()
    for c_order, entry in enumerate(components, start=1):
        component = Component.objects.create(
            worksheet=worksheet,
            order=c_order,
            name=entry["name"],
            description=entry["description"],
        )
        Criterion.objects.bulk_create(
            Criterion(component=component, order=order, **{k: row[k] for k in CRITERION_FIELDS})
            for order, row in enumerate(entry["criteria"], start=1)
        )
    # The criteria went in as one bulk insert, which the audit log does not see row by row.
    audit_change(worksheet, {"criteria": (before, criteria_count(worksheet))})
    return worksheet


def criteria_count(worksheet: Worksheet) -> str:
    """What a bulk change of the worksheet's contents is logged as: "7 komponen, 21 kriteria"."""
    components = worksheet.components.count()
    criteria = Criterion.objects.filter(component__worksheet=worksheet).count()
    return _("%(c)s komponen, %(k)s kriteria") % {"c": components, "k": criteria}
