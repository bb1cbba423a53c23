"""What evaluators and agencies take away from the LKE: the audit trail (page and Excel), every
evidence file in one zip, the recap of an agency or of the province (Excel, PDF)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify

from berakhlak.spreadsheet import XLSX_TYPE
from evaluations.filters import AuditFilter
from evaluations.lke import audit as trail
from evaluations.lke import evidence_zip, permissions, recap, selectors
from evaluations.models import Component, Round

FORMATS = ("xlsx", "pdf")


def _attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _stem(round_agency) -> str:
    return f"{round_agency.round.year}-{slugify(round_agency.code) or round_agency.pk}"


@login_required
def audit(request, pk: int):
    round_agency = selectors.get_round_agency_for_user(request.user, pk)
    events = trail.trail_events(request.user, round_agency)
    audit_filter = AuditFilter(request.GET or None, events, round_agency=round_agency)
    rows = audit_filter.filtered()
    context = {
        "round_agency": round_agency,
        "round": round_agency.round,
        "filter": audit_filter,
        "rows": trail.trail_rows(rows[: trail.PAGE_ROWS]),
        "total": rows.count(),
        "page_rows": trail.PAGE_ROWS,
        "query": request.GET.urlencode(),
    }
    status = 400 if audit_filter.form.errors else 200
    return render(request, "evaluations/lke/audit.html", context, status=status)


@login_required
def audit_export(request, pk: int):
    round_agency = selectors.get_round_agency_for_user(request.user, pk)
    events = trail.trail_events(request.user, round_agency)
    audit_filter = AuditFilter(request.GET or None, events, round_agency=round_agency)
    data = trail.trail_xlsx(round_agency, audit_filter.filtered())
    return _attachment(data, XLSX_TYPE, f"jejak-audit-lke-{_stem(round_agency)}.xlsx")


@login_required
def evidence_archive(request, pk: int):
    """?komponen=<id> narrows the archive to one component of the agency's worksheet."""
    round_agency = selectors.get_round_agency_for_user(request.user, pk)
    if not permissions.can_download_all_evidence(request.user, round_agency):
        raise Http404
    component = None
    name = f"bukti-lke-{_stem(round_agency)}"
    if request.GET.get("komponen"):
        component = get_object_or_404(
            Component,
            pk=request.GET["komponen"] if request.GET["komponen"].isdigit() else 0,
            worksheet__round=round_agency.round,
        )
        name += f"-komponen-{component.order}"
    entries = evidence_zip.evidence_entries(request.user, round_agency, component)
    response = StreamingHttpResponse(
        evidence_zip.evidence_zip_stream(entries), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def agency_recap(request, pk: int, fmt: str):
    round_agency = selectors.get_round_agency_for_user(request.user, pk)
    if fmt not in FORMATS or not permissions.can_view_recap(request.user, round_agency):
        raise Http404
    data = recap.agency_recap(request.user, round_agency)
    name = f"rekap-lke-{_stem(round_agency)}"
    if fmt == "xlsx":
        return _attachment(recap.agency_recap_xlsx(data), XLSX_TYPE, f"{name}.xlsx")
    return _attachment(recap.agency_recap_pdf(data), "application/pdf", f"{name}.pdf")


@login_required
def province_recap(request, pk: int, fmt: str):
    round = get_object_or_404(Round.objects.select_related("root"), pk=pk)
    if fmt not in FORMATS or not permissions.can_view_province_recap(request.user, round):
        raise Http404
    recaps = recap.province_recaps(round)
    name = f"rekap-lke-provinsi-{round.year}-{round.pk}"
    if fmt == "xlsx":
        return _attachment(recap.province_recap_xlsx(round, recaps), XLSX_TYPE, f"{name}.xlsx")
    return _attachment(recap.province_recap_pdf(round, recaps), "application/pdf", f"{name}.pdf")
