"""Roster import pages: upload -> preview (counts and every error) -> confirm -> applied."""

from __future__ import annotations

import functools

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from berakhlak import permissions, selectors
from berakhlak.forms import workbook_size_validator
from berakhlak.models import ImportStatus
from berakhlak.roster.export import roster_export_bytes
from berakhlak.roster.services import roster_import_confirm, roster_import_create
from berakhlak.roster.template import roster_template_bytes
from berakhlak.roster.xlsx import WorkbookError, workbook_open
from berakhlak.spreadsheet import XLSX_TYPE


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas data pegawai (.xlsx)"), validators=[workbook_size_validator]
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            workbook_open(upload).close()
        except WorkbookError as error:
            raise forms.ValidationError(str(error)) from None
        upload.seek(0)
        return upload


class RosterConfirmForm(forms.Form):
    deactivate_missing = forms.BooleanField(required=False)


def importers_only(view):
    """404 unless permissions.can_import_roster allows the user (outsiders get 404, not 403)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not permissions.can_import_roster(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@login_required
@require_http_methods(["GET", "POST"])
@importers_only
def roster_import_start(request):
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = roster_import_create(uploaded_by=request.user, upload=form.cleaned_data["file"])
        return redirect("roster_import_detail", pk=record.pk)
    recent = selectors.roster_imports_for_user(request.user)[:10]
    return render(request, "roster/import_start.html", {"form": form, "recent": recent})


@login_required
@importers_only
def roster_template(request):
    response = HttpResponse(roster_template_bytes(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="templat-data-pegawai.xlsx"'
    return response


@login_required
@importers_only
def roster_export(request):
    """The roster as it stands, in the template's columns (export -> edit -> import)."""
    response = HttpResponse(roster_export_bytes(), content_type=XLSX_TYPE)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="data-pegawai-{stamp}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@importers_only
def roster_import_detail(request, pk):
    record = selectors.get_roster_import_for_user(request.user, pk)
    if request.method == "POST":
        form = RosterConfirmForm(request.POST)
        form.is_valid()
        if roster_import_confirm(
            record=record, deactivate_missing=form.cleaned_data.get("deactivate_missing", False)
        ):
            messages.info(request, _("Impor dikonfirmasi dan sedang diterapkan."))
        else:
            messages.warning(request, _("Impor ini tidak lagi menunggu konfirmasi."))
        return redirect("roster_import_detail", pk=record.pk)
    template = "roster/import_detail.html#status" if request.htmx else "roster/import_detail.html"
    context = {"record": record, "Status": ImportStatus, **selectors.roster_import_summary(record)}
    return render(request, template, context)
