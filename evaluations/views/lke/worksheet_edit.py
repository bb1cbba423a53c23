"""The admin's LKE worksheet editor: components, criteria, order, weights, Excel; evaluators."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from berakhlak.models import User
from berakhlak.refusals import Refused
from berakhlak.roster.xlsx import WorkbookError
from berakhlak.spreadsheet import XLSX_TYPE
from evaluations.lke import assignments, opening, selectors
from evaluations.lke import worksheet_edit as edit
from evaluations.lke.forms import (
    AssignEvaluatorForm,
    ComponentForm,
    CriterionForm,
    WorksheetUploadForm,
)
from evaluations.lke.worksheet_excel import (
    WorksheetImportError,
    worksheet_export_bytes,
    worksheet_upload_import,
)
from evaluations.models import Component, Criterion, RoundAgency
from evaluations.services import round_appeal_window_set
from evaluations.views.lke.common import int_or_none, round_for_worksheet_admin


def _worksheet_url(round, anchor: str = "") -> str:
    url = reverse("evaluations:lke_worksheet", args=[round.pk])
    return f"{url}#{anchor}" if anchor else url


def _editable_worksheet(request, pk: int):
    """(round, worksheet) when the admin may edit it; otherwise (round, None) with a message."""
    round = round_for_worksheet_admin(request.user, pk)
    worksheet = selectors.worksheet_of(round)
    if worksheet is None:
        raise Http404
    if not selectors.worksheet_is_editable(worksheet):
        messages.error(request, edit.FROZEN)
        return round, None
    return round, worksheet


def _form_errors_from(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        for message in error.messages:
            form.add_error(None, message)


@login_required
@require_POST
def worksheet_empty_create(request, pk: int):
    round = round_for_worksheet_admin(request.user, pk)
    edit.worksheet_create_empty(round=round, by=request.user)
    messages.success(request, _("LKE kosong dibuat; tambahkan komponen dan kriteria."))
    return redirect("evaluations:lke_worksheet", round.pk)


# --- components ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def component_form(request, pk: int, component_pk: int | None = None):
    round, worksheet = _editable_worksheet(request, pk)
    if worksheet is None:
        return redirect("evaluations:lke_worksheet", round.pk)
    component = None
    if component_pk is not None:
        component = get_object_or_404(Component, pk=component_pk, worksheet=worksheet)
    initial = {"name": component.name, "description": component.description} if component else {}
    form = ComponentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if component is None:
                component = edit.component_add(
                    worksheet=worksheet, by=request.user, **form.cleaned_data
                )
            else:
                edit.component_update(component=component, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Komponen %(name)s disimpan.") % {"name": component.name})
            return redirect(_worksheet_url(round, f"component-{component.pk}"))
    context = {"round": round, "component": component, "form": form}
    return render(request, "evaluations/lke/component_form.html", context)


@login_required
@require_POST
def component_action(request, pk: int, component_pk: int):
    round, worksheet = _editable_worksheet(request, pk)
    if worksheet is None:
        return redirect("evaluations:lke_worksheet", round.pk)
    component = get_object_or_404(Component, pk=component_pk, worksheet=worksheet)
    action = request.POST.get("action")
    if action in ("up", "down"):
        edit.component_move(component=component, step=-1 if action == "up" else 1, by=request.user)
        return redirect(_worksheet_url(round, f"component-{component.pk}"))
    if action != "delete":
        raise Http404
    edit.component_delete(component=component, by=request.user)
    messages.success(
        request,
        _("Komponen %(name)s beserta kriterianya dihapus.") % {"name": component.name},
    )
    return redirect("evaluations:lke_worksheet", round.pk)


# --- criteria ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def criterion_form(request, pk: int, criterion_pk: int | None = None):
    round, worksheet = _editable_worksheet(request, pk)
    if worksheet is None:
        return redirect("evaluations:lke_worksheet", round.pk)
    criterion = None
    if criterion_pk is not None:
        criterion = get_object_or_404(
            Criterion.objects.select_related("component"),
            pk=criterion_pk,
            component__worksheet=worksheet,
        )
    initial = edit.criterion_initial(worksheet, criterion, int_or_none(request.GET.get("komponen")))
    if initial is None:
        messages.error(request, _("Tambahkan komponen lebih dahulu."))
        return redirect("evaluations:lke_worksheet", round.pk)
    form = CriterionForm(request.POST or None, initial=initial, worksheet=worksheet)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            criterion = edit.criterion_save(criterion=criterion, by=request.user, **data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Kriteria %(code)s disimpan.") % {"code": criterion.code})
            return redirect(_worksheet_url(round, f"criterion-{criterion.pk}"))
    context = {
        "round": round,
        "criterion": criterion,
        "form": form,
        "total": opening.worksheet_weight_total(worksheet),
    }
    return render(request, "evaluations/lke/criterion_form.html", context)


@login_required
@require_POST
def criterion_action(request, pk: int, criterion_pk: int):
    round, worksheet = _editable_worksheet(request, pk)
    if worksheet is None:
        return redirect("evaluations:lke_worksheet", round.pk)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, component__worksheet=worksheet)
    action = request.POST.get("action")
    if action in ("up", "down"):
        edit.criterion_move(criterion=criterion, step=-1 if action == "up" else 1, by=request.user)
        return redirect(_worksheet_url(round, f"criterion-{criterion.pk}"))
    if action != "delete":
        raise Http404
    edit.criterion_delete(criterion=criterion, by=request.user)
    messages.success(request, _("Kriteria %(code)s dihapus.") % {"code": criterion.code})
    return redirect(_worksheet_url(round, f"component-{criterion.component_id}"))


# --- Excel ---------------------------------------------------------------------------------------


@login_required
def worksheet_export(request, pk: int):
    round = round_for_worksheet_admin(request.user, pk)
    worksheet = selectors.worksheet_of(round)
    response = HttpResponse(worksheet_export_bytes(worksheet), content_type=XLSX_TYPE)
    name = f"lke-{round.year}-{round.pk}.xlsx" if worksheet else "lke-templat.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def worksheet_upload(request, pk: int):
    round = round_for_worksheet_admin(request.user, pk)
    worksheet = selectors.worksheet_of(round)
    if worksheet is not None and not selectors.worksheet_is_editable(worksheet):
        messages.error(request, edit.FROZEN)
        return redirect("evaluations:lke_worksheet", round.pk)
    form = WorksheetUploadForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            counts = worksheet_upload_import(round=round, by=request.user, fileobj=upload)
        except WorkbookError as error:
            form.add_error("file", str(error))
        except WorksheetImportError as error:
            problems = error.problems
        except ValidationError as error:
            form.add_error("file", " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Impor selesai: %(components)s komponen, %(criteria)s kriteria.") % counts,
            )
            return redirect("evaluations:lke_worksheet", round.pk)
    context = selectors.worksheet_context(round)
    context.update({"upload_form": form, "import_problems": problems})
    return render(request, "evaluations/lke/worksheet.html", context, status=400)


# --- appeal window -------------------------------------------------------------------------------


def _date_or_none(value: str):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return "invalid"


@login_required
@require_POST
def appeal_window(request, pk: int):
    round = round_for_worksheet_admin(request.user, pk)
    opens = _date_or_none(request.POST.get("appeal_opens_on", ""))
    closes = _date_or_none(request.POST.get("appeal_closes_on", ""))
    if "invalid" in (opens, closes):
        messages.error(request, _("Tanggal masa sanggah tidak valid."))
        return redirect(_worksheet_url(round, "appeal-window"))
    try:
        round_appeal_window_set(round=round, opens=opens, closes=closes, by=request.user)
    except Refused as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        if opens:
            messages.success(request, _("Masa sanggah disimpan."))
        else:
            messages.success(request, _("Masa sanggah ditiadakan."))
    return redirect(_worksheet_url(round, "appeal-window"))


# --- evaluators ----------------------------------------------------------------------------------


def _round_agency_for_admin(request, pk: int) -> RoundAgency:
    round_agency = get_object_or_404(RoundAgency.objects.select_related("round", "agency"), pk=pk)
    round_for_worksheet_admin(request.user, round_agency.round_id)
    return round_agency


@login_required
@require_POST
def evaluator_add(request, pk: int):
    round_agency = _round_agency_for_admin(request, pk)
    form = AssignEvaluatorForm(request.POST, evaluators=assignments.evaluators_for(round_agency))
    if not form.is_valid():
        messages.error(request, _("Pilih evaluator yang perannya mencakup unit ini."))
    else:
        evaluator = form.cleaned_data["evaluator"]
        assignments.evaluator_assign(
            round_agency=round_agency, evaluator=evaluator, by=request.user
        )
        messages.success(
            request,
            _("%(who)s ditugaskan menilai %(unit)s.")
            % {"who": evaluator.display_name(), "unit": round_agency.name},
        )
    return redirect(_worksheet_url(round_agency.round, f"agency-{round_agency.pk}"))


@login_required
@require_POST
def evaluator_remove(request, pk: int, user_pk: int):
    round_agency = _round_agency_for_admin(request, pk)
    evaluator = get_object_or_404(User, pk=user_pk)
    if assignments.evaluator_unassign(round_agency=round_agency, evaluator=evaluator):
        messages.success(
            request,
            _("Penugasan %(who)s untuk %(unit)s dicabut.")
            % {"who": evaluator.display_name(), "unit": round_agency.name},
        )
    return redirect(_worksheet_url(round_agency.round, f"agency-{round_agency.pk}"))
