"""Report downloads: request a PDF or Excel of a scope, follow its progress, download it.

Every page answers 404 to anyone who could not see the scope on the dashboard, and a file only
to the person who asked for it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from berakhlak.permissions import is_province_admin
from berakhlak.refusals import Refused
from berakhlak.spreadsheet import XLSX_TYPE
from evaluations.models import Round, RoundAgency
from reports.models import ACTIVE_STATUSES, ReportFile, RunStatus
from reports.printing.services import can_read_scope, report_request

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": XLSX_TYPE,
}


@login_required
@require_POST
def report_create(request, pk: int):
    round = get_object_or_404(Round, pk=pk)
    code = request.POST.get("unit", "")
    agency = RoundAgency.objects.filter(round=round, code=code).first() if code else None
    if code and agency is None:
        raise Http404
    try:
        report = report_request(
            user=request.user, round=round, agency=agency, format=request.POST.get("format", "")
        )
    except Refused:  # outsiders get 404, not the reason (docs/ARCHITECTURE.md §1)
        raise Http404 from None
    return redirect("reports:report_detail", report.pk)


def _own_report(request, pk) -> ReportFile:
    report = get_object_or_404(
        ReportFile.objects.select_related("round__root", "round_agency"), pk=pk, owner=request.user
    )
    # A role revoked since the request ends the access too.
    if not can_read_scope(request.user, report.round, report.round_agency):
        raise Http404
    return report


@login_required
def report_detail(request, pk):
    report = _own_report(request, pk)
    context = {
        "report": report,
        "active": report.status in ACTIVE_STATUSES,
        "can_edit_letterhead": is_province_admin(request.user),
    }
    if request.htmx:
        return render(request, "reports/documents/_status.html", context)
    return render(request, "reports/documents/detail.html", context)


@login_required
def report_download(request, pk):
    report = _own_report(request, pk)
    if report.status != RunStatus.DONE or not report.file:
        raise Http404
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.filename,
        content_type=CONTENT_TYPES[report.format],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report_list(request):
    reports = ReportFile.objects.filter(owner=request.user).select_related("round", "round_agency")
    context = {"reports": reports[:50], "can_edit_letterhead": is_province_admin(request.user)}
    return render(request, "reports/documents/list.html", context)
