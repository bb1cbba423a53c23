"""Forum events: list, create (admins), register, check-in by code or QR, the check-in screen,
the committee's desk, minutes and materials, attendance lists (PDF, Excel) and attendance as LKE
evidence."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from evaluations.lke.selectors import evidence_targets, evidence_targets_none_reason
from forums import exports, permissions, selectors, services
from forums.forms import EventForm, first_errors
from forums.models import Event, EventKind


def _event(request, slug: str, pk: int) -> Event:
    forum = selectors.get_forum_for_user(request.user, slug)
    return selectors.get_event_for_user(request.user, forum, pk)


def _managed_event(request, slug: str, pk: int) -> Event:
    event = _event(request, slug, pk)
    if not permissions.can_manage(request.user, event.forum):
        raise Http404
    return event


@login_required
@require_http_methods(["GET", "POST"])
def event_list(request, slug: str):
    forum = selectors.get_forum_for_user(request.user, slug)
    admin = permissions.is_admin(request.user, forum)
    form = EventForm(initial={"kind": EventKind.TRAINING})
    errors: list[str] = []
    if request.method == "POST":
        if not admin:
            raise Http404
        form = EventForm(request.POST)
        if form.is_valid():
            try:
                event = services.event_create(forum=forum, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, _("Kegiatan dibuat."))
                return redirect("forums:event", forum.slug, event.pk)
        else:
            errors = first_errors(form)
    now = timezone.now()
    events = list(selectors.registration_counts(forum).order_by("-starts_at"))
    context = {
        "forum": forum,
        "upcoming": sorted((e for e in events if e.ends_at >= now), key=lambda e: e.starts_at),
        "past": [e for e in events if e.ends_at < now],
        "is_admin": admin,
        "kinds": EventKind.choices,
        "posted": form.data if form.is_bound else {"kind": EventKind.TRAINING},
        "errors": errors,
    }
    return render(request, "forums/events.html", context, status=400 if errors else 200)


def _event_post(request, event: Event) -> None:
    """One of the event page's buttons; problems become messages on the page."""
    op = request.POST.get("op")
    user = request.user
    if op == "register":
        services.event_register(event=event, by=user)
        messages.success(request, _("Anda terdaftar."))
    elif op == "checkin":
        code, via_qr = request.POST.get("code", ""), request.POST.get("via") == "qr"
        services.event_check_in(event=event, by=user, code=code, via_qr=via_qr)
        messages.success(request, _("Kehadiran Anda tercatat."))
    elif op == "minutes":
        services.event_minutes_save(
            event=event,
            by=user,
            minutes=request.POST.get("minutes", ""),
            files=request.FILES.getlist("files"),
        )
        messages.success(request, _("Notulen dan materi disimpan."))
    elif op in ("mark", "unmark"):
        raw = request.POST.get("registration", "")
        registration_id = int(raw) if raw.isdigit() else 0
        services.attendance_mark(
            event=event, by=user, registration_id=registration_id, present=op == "mark"
        )
        messages.success(request, _("Daftar hadir diperbarui."))
    elif op == "evidence":
        raw = request.POST.get("assessment", "")
        evidence = services.attendance_to_evidence(
            event=event,
            by=user,
            assessment_id=int(raw) if raw.isdigit() else 0,
            fmt=request.POST.get("fmt", "pdf"),
        )
        messages.success(
            request,
            _("Daftar hadir dilampirkan sebagai bukti kriteria %(code)s LKE %(unit)s.")
            % {
                "code": evidence.assessment.criterion.code,
                "unit": evidence.assessment.round_agency.agency.name,
            },
        )
    else:
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def event_detail(request, slug: str, pk: int):
    event = _event(request, slug, pk)
    forum = event.forum
    if request.method == "POST":
        try:
            _event_post(request, event)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("forums:event", forum.slug, event.pk)
    admin = permissions.is_admin(request.user, forum)
    membership = permissions.membership_of(request.user, forum)
    registration = None
    if membership:
        registration = event.registrations.filter(employee=membership.employee).first()
    targets = evidence_targets(request.user, membership.agency) if membership else []
    attendance, attendance_agency = selectors.attendance_for_user(request.user, event)
    now = timezone.now()
    opens, closes = event.checkin_window()
    context = {
        "forum": forum,
        "event": event,
        "is_admin": admin,
        "membership": membership,
        "registration": registration,
        "attendance": attendance,
        "attendance_agency": attendance_agency,
        "attendance_total": selectors.attendance(event).count(),
        "registrations": event.registrations.select_related("employee__agency") if admin else [],
        "registered": event.registrations.count(),
        "full": event.capacity is not None and event.registrations.count() >= event.capacity,
        "ended": event.ends_at < now,
        "checkin_open": opens <= now <= closes,
        "checkin_opens": opens,
        "code": request.GET.get("kode", ""),
        "evidence_targets": targets,
        "evidence_none_reason": (
            evidence_targets_none_reason(request.user, membership.agency)
            if membership and not targets
            else ""
        ),
        "agency_attended": services.agency_attended(event, membership.agency) if targets else 0,
        "minutes_html": services.render_markdown(event.minutes),
    }
    return render(request, "forums/event.html", context)


@login_required
def event_screen(request, slug: str, pk: int):
    """The check-in screen shown at the venue: the code in large type and a QR code of the
    check-in address; the attendance count refreshes itself."""
    event = _managed_event(request, slug, pk)
    path = reverse("forums:event", args=[event.forum.slug, event.pk])
    url = request.build_absolute_uri(path) + f"?kode={event.checkin_code}"
    context = {
        "forum": event.forum,
        "event": event,
        "url": url,
        "attendance": selectors.attendance(event),
    }
    if request.htmx:
        return render(request, "forums/_screen_count.html", context)
    # segno writes the SVG itself from the URL (letters, digits and the code alphabet only).
    context["qr"] = mark_safe(segno.make(url, error="m").svg_inline(scale=6, dark="#0b4f8a"))  # noqa: S308
    return render(request, "forums/event_screen.html", context)


@login_required
@require_POST
def event_new_code(request, slug: str, pk: int):
    event = _managed_event(request, slug, pk)
    services.event_code_renew(event=event, by=request.user)
    messages.success(request, _("Kode baru dibuat; kode lama tidak berlaku lagi."))
    return redirect("forums:event_screen", event.forum.slug, event.pk)


@login_required
def attendance_export(request, slug: str, pk: int, fmt: str):
    """The whole list for the forum's managers, the member's own agency's attendees otherwise."""
    event = _event(request, slug, pk)
    rows, agency = selectors.attendance_for_user(request.user, event)
    if fmt == "pdf":
        data = exports.attendance_pdf(event, rows, agency=agency)
        response = HttpResponse(data, content_type="application/pdf")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.attendance_xlsx(event, rows), content_type=exports.XLSX_TYPE
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="daftar-hadir-{event.pk}.{fmt}"'
    return response
