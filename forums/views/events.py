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

from berakhlak.spreadsheet import XLSX_TYPE
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
            except ValidationError as error:  # the event's input checks, or a Refused
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


def _register(request, event: Event) -> str:
    services.event_register(event=event, by=request.user)
    return _("Anda terdaftar.")


def _check_in(request, event: Event) -> str:
    code, via_qr = request.POST.get("code", ""), request.POST.get("via") == "qr"
    services.event_check_in(event=event, by=request.user, code=code, via_qr=via_qr)
    return _("Kehadiran Anda tercatat.")


def _minutes(request, event: Event) -> str:
    minutes, files = request.POST.get("minutes", ""), request.FILES.getlist("files")
    services.event_minutes_save(event=event, by=request.user, minutes=minutes, files=files)
    return _("Notulen dan materi disimpan.")


def _mark(request, event: Event) -> str:
    raw = request.POST.get("registration", "")
    services.attendance_mark(
        event=event,
        by=request.user,
        registration_id=int(raw) if raw.isdigit() else 0,
        present=request.POST.get("op") == "mark",
    )
    return _("Daftar hadir diperbarui.")


def _evidence(request, event: Event) -> str:
    raw = request.POST.get("assessment", "")
    evidence = services.attendance_to_evidence(
        event=event,
        by=request.user,
        assessment_id=int(raw) if raw.isdigit() else 0,
        fmt=request.POST.get("fmt", "pdf"),
    )
    return _("Daftar hadir dilampirkan sebagai bukti kriteria %(code)s LKE %(unit)s.") % {
        "code": evidence.assessment.criterion.code,
        "unit": evidence.assessment.round_agency.agency.name,
    }


# The event page's buttons (`op`): each parses its fields, calls one service and says what it did.
EVENT_ACTIONS = {
    "register": _register,
    "checkin": _check_in,
    "minutes": _minutes,
    "mark": _mark,
    "unmark": _mark,
    "evidence": _evidence,
}


@login_required
@require_http_methods(["GET", "POST"])
def event_detail(request, slug: str, pk: int):
    event = _event(request, slug, pk)
    if request.method == "POST":
        action = EVENT_ACTIONS.get(request.POST.get("op"))
        if action is None:
            raise Http404
        try:
            messages.success(request, action(request, event))
        # A refusal of the forum, or of the LKE when the attendance goes in as evidence.
        except ValidationError as refusal:
            for message in refusal.messages:
                messages.error(request, message)
        return redirect("forums:event", event.forum.slug, event.pk)
    context = selectors.event_context(request.user, event)
    context.update(
        code=request.GET.get("kode", ""), minutes_html=services.render_markdown(event.minutes)
    )
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
        response = HttpResponse(exports.attendance_xlsx(event, rows), content_type=XLSX_TYPE)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="daftar-hadir-{event.pk}.{fmt}"'
    return response
