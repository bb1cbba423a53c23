"""Instruments for the Biro Organisasi: list, items (add, edit, reorder, reverse), Excel, versions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from berakhlak.refusals import Refused
from berakhlak.roster.xlsx import WorkbookError
from berakhlak.spreadsheet import XLSX_TYPE
from surveys import permissions
from surveys.forms.instruments import InstrumentEnglishForm, InstrumentUploadForm, ItemForm
from surveys.models import Instrument, InstrumentKind, Item
from surveys.services import instruments as services
from surveys.services.instrument_excel import (
    InstrumentImportError,
    instrument_export_bytes,
    instrument_import,
)


def _get_instrument(user, pk: int) -> Instrument:
    if not permissions.can_manage_instruments(user):
        raise Http404
    return get_object_or_404(Instrument, pk=pk)


def _get_item(user, pk: int, item_pk: int) -> Item:
    instrument = _get_instrument(user, pk)
    return get_object_or_404(
        Item.objects.select_related("instrument"), pk=item_pk, instrument=instrument
    )


def _refused(request, instrument: Instrument):
    """Redirect with the reason when the instrument cannot change; None when it can."""
    decision = permissions.can_edit_instrument(request.user, instrument)
    if decision:
        return None
    messages.error(request, decision.reason)
    return redirect("surveys:instrument_detail", instrument.pk)


@login_required
def instrument_list(request):
    if not permissions.can_manage_instruments(request.user):
        raise Http404
    instruments = Instrument.objects.prefetch_related("roundinstrument_set__round").order_by(
        "kind", "code", "-version"
    )
    return render(request, "surveys/instruments/list.html", {"instruments": instruments})


@login_required
def instrument_detail(request, pk: int):
    instrument = _get_instrument(request.user, pk)
    context = {
        "instrument": instrument,
        "items": instrument.items.select_related("guide", "value").order_by("order"),
        "options": instrument.options.select_related("value").order_by("order"),
        "editable": permissions.can_edit_instrument(request.user, instrument),
        "rounds": [ri.round for ri in instrument.roundinstrument_set.select_related("round")],
        "upload_form": InstrumentUploadForm(),
        "is_selection": instrument.kind == InstrumentKind.VALUES_SELECTION,
        "english_form": _english_form(instrument),
    }
    return render(request, "surveys/instruments/detail.html", context)


def _english_form(instrument: Instrument, data=None) -> InstrumentEnglishForm:
    initial = {
        "name_en": instrument.name_en,
        "description_en": instrument.description_en,
        "scale_labels_en": "\n".join(instrument.scale_labels_en or []),
    }
    selection = instrument.kind == InstrumentKind.VALUES_SELECTION
    return InstrumentEnglishForm(data, initial=initial, selection=selection)


@login_required
@require_POST
def instrument_english(request, pk: int):
    """The instrument's English name, instructions and scale labels."""
    instrument = _get_instrument(request.user, pk)
    refused = _refused(request, instrument)
    if refused:
        return refused
    form = _english_form(instrument, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.instrument_english_set(
                instrument=instrument,
                name_en=data["name_en"],
                description_en=data["description_en"],
                scale_labels_en=data.get("scale_labels_en", "").splitlines(),
                by=request.user,
            )
        except Refused as refusal:  # frozen meanwhile
            form.add_error(None, refusal)
        except ValidationError as error:  # field checks of the service, per field
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Teks bahasa Inggris disimpan."))
            return redirect("surveys:instrument_detail", instrument.pk)
    context = {
        "instrument": instrument,
        "items": instrument.items.select_related("guide", "value").order_by("order"),
        "options": instrument.options.select_related("value").order_by("order"),
        "editable": permissions.can_edit_instrument(request.user, instrument),
        "rounds": [],
        "upload_form": InstrumentUploadForm(),
        "is_selection": instrument.kind == InstrumentKind.VALUES_SELECTION,
        "english_form": form,
    }
    return render(request, "surveys/instruments/detail.html", context, status=400)


def _item_form_page(request, instrument: Instrument, item: Item | None):
    behaviour = instrument.kind == InstrumentKind.BEHAVIOUR
    initial = {}
    if item is not None:
        initial = {
            "code": item.code,
            "text": item.text,
            "text_en": item.text_en,
            "guide": item.guide,
            "reverse": item.reverse,
        }
    form = ItemForm(request.POST or None, initial=initial, behaviour=behaviour)
    if request.method == "POST" and form.is_valid():
        data = {
            "code": form.cleaned_data["code"],
            "text": form.cleaned_data["text"],
            "guide": form.cleaned_data.get("guide"),
            "reverse": form.cleaned_data["reverse"],
            "text_en": form.cleaned_data["text_en"],
        }
        try:
            if item is None:
                services.item_create(instrument=instrument, by=request.user, **data)
            else:
                services.item_update(item=item, by=request.user, **data)
        except Refused as refusal:  # frozen meanwhile
            form.add_error(None, refusal)
        except ValidationError as error:  # field checks of the service, per field
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Butir %(code)s disimpan.") % {"code": data["code"]})
            return redirect("surveys:instrument_detail", instrument.pk)
    context = {"instrument": instrument, "item": item, "form": form}
    return render(request, "surveys/instruments/item_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request, pk: int):
    instrument = _get_instrument(request.user, pk)
    return _refused(request, instrument) or _item_form_page(request, instrument, None)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int, item_pk: int):
    item = _get_item(request.user, pk, item_pk)
    return _refused(request, item.instrument) or _item_form_page(request, item.instrument, item)


@login_required
@require_POST
def item_action(request, pk: int, item_pk: int):
    """Move up/down, toggle reverse scoring or delete; htmx swaps the item table in place."""
    item = _get_item(request.user, pk, item_pk)
    refused = _refused(request, item.instrument)
    if refused:
        return refused
    action = request.POST.get("action")
    if action not in ("up", "down", "reverse", "delete"):
        raise Http404
    try:
        if action in ("up", "down"):
            services.item_move(item=item, step=-1 if action == "up" else 1, by=request.user)
        elif action == "reverse":
            services.item_reverse_toggle(item=item, by=request.user)
        else:
            services.item_delete(item=item, by=request.user)
    except Refused as refusal:  # frozen meanwhile
        messages.error(request, refusal.reason)
        return redirect("surveys:instrument_detail", pk)
    if action == "delete":
        messages.success(request, _("Butir %(code)s dihapus.") % {"code": item.code})
    if request.htmx and action != "delete":
        instrument = item.instrument
        context = {
            "instrument": instrument,
            "items": instrument.items.select_related("guide", "value").order_by("order"),
            "editable": True,
        }
        return render(request, "surveys/instruments/_items.html", context)
    return redirect("surveys:instrument_detail", pk)


@login_required
@require_POST
def instrument_version(request, pk: int):
    instrument = _get_instrument(request.user, pk)
    copy = services.instrument_new_version(instrument=instrument, by=request.user)
    messages.success(request, _("Versi %(v)s dibuat dan dapat diubah.") % {"v": copy.version})
    return redirect("surveys:instrument_detail", copy.pk)


@login_required
def instrument_export(request, pk: int):
    instrument = _get_instrument(request.user, pk)
    response = HttpResponse(instrument_export_bytes(instrument), content_type=XLSX_TYPE)
    filename = f"instrumen-{instrument.code}-v{instrument.version}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def instrument_upload(request, pk: int):
    instrument = _get_instrument(request.user, pk)
    refused = _refused(request, instrument)
    if refused:
        return refused
    form = InstrumentUploadForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            counts = instrument_import(instrument=instrument, fileobj=upload, by=request.user)
        except WorkbookError as error:
            form.add_error("file", str(error))
        except InstrumentImportError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _("Impor selesai: %(items)s butir, %(options)s pilihan.") % counts,
            )
            return redirect("surveys:instrument_detail", instrument.pk)
    context = {
        "instrument": instrument,
        "items": instrument.items.select_related("guide", "value").order_by("order"),
        "options": instrument.options.select_related("value").order_by("order"),
        "editable": permissions.can_edit_instrument(request.user, instrument),
        "rounds": [],
        "upload_form": form,
        "problems": problems,
        "is_selection": instrument.kind == InstrumentKind.VALUES_SELECTION,
        "english_form": _english_form(instrument),
    }
    return render(request, "surveys/instruments/detail.html", context, status=200)
