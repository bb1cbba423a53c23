"""The letterhead page: the province admin edits what every PDF report prints at its top and
under its signature (reports.letterhead)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from berakhlak.permissions import is_province_admin
from reports import letterhead
from reports.forms import LetterheadForm


@login_required
def letterhead_edit(request):
    if not is_province_admin(request.user):
        raise Http404
    row = letterhead.stored()
    if request.method == "POST":
        form = LetterheadForm(request.POST, request.FILES)
        if form.is_valid():
            letterhead.letterhead_save(
                values=form.values(),
                logo=form.cleaned_data["logo"],
                remove_logo=form.cleaned_data["remove_logo"],
                by=request.user,
            )
            messages.success(request, _("Kop dan penanda tangan laporan disimpan."))
            return redirect("reports:letterhead")
        status = 400
    else:
        form = LetterheadForm(initial={name: getattr(row, name) for name in letterhead.FIELDS})
        status = 200
    context = {"form": form, "current": letterhead.letterhead(), "row": row}
    return render(request, "reports/letterhead.html", context, status=status)
