"""Forum events: list, create (admins), register, check-in by code or QR, the check-in screen,
attendance lists (PDF, Excel) and attendance as LKE evidence."""

from __future__ import annotations

import datetime as dt

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forums import services
from forums.models import Event, EventKind
from forums.views import _forum

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _event(request, slug: str, pk: int) -> Event:
    forum = _forum(request.user, slug)
    return get_object_or_404(Event.objects.select_related("forum__root"), pk=pk, forum=forum)


def _admin_event(request, slug: str, pk: int) -> Event:
    event = _event(request, slug, pk)
    if not services.is_admin(request.user, event.forum):
        raise Http404
    return event


@login_required
@require_http_methods(["GET", "POST"])
def event_list(request, slug: str):
    forum = _forum(request.user, slug)
    admin = services.is_admin(request.user, forum)
    posted, errors = {}, []
    if request.method == "POST":
        if not admin:
            raise Http404
        posted = request.POST.dict()
        try:
            starts = dt.datetime.fromisoformat(posted.get("starts_at", ""))
            ends = dt.datetime.fromisoformat(posted.get("ends_at", ""))
        except ValueError:
            errors.append(_("Isi waktu mulai dan selesai."))
        else:
            if ends < starts:
                errors.append(_("Waktu selesai tidak boleh sebelum waktu mulai."))
        if not posted.get("title", "").strip():
            errors.append(_("Judul wajib diisi."))
        if posted.get("kind") not in EventKind.values:
            errors.append(_("Pilih jenis kegiatan."))
        if not errors:
            tz = timezone.get_current_timezone()
            event = Event.objects.create(
                forum=forum, kind=posted["kind"], title=posted["title"].strip()[:200],
                description=posted.get("description", ""), place=posted.get("place", "")[:200],
                online_url=posted.get("online_url", "")[:200] if posted.get("online_url", "").startswith(("https://", "http://")) else "",
                capacity=int(posted["capacity"]) if posted.get("capacity", "").isdigit() else None,
                starts_at=timezone.make_aware(starts, tz), ends_at=timezone.make_aware(ends, tz),
            )  # fmt: skip
            messages.success(request, _("Kegiatan dibuat."))
            return redirect("forums:event", forum.slug, event.pk)
    events = forum.events.all()
    context = {"forum": forum, "events": events, "is_admin": admin, "kinds": EventKind.choices,
               "posted": posted, "errors": errors}  # fmt: skip
    return render(request, "forums/events.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def event_detail(request, slug: str, pk: int):
    event = _event(request, slug, pk)
    forum = event.forum
    admin = services.is_admin(request.user, forum)
    membership = services.membership_of(request.user, forum)
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "register":
                services.register(event=event, by=request.user)
                messages.success(request, _("Anda terdaftar."))
            elif op == "checkin":
                services.check_in(event=event, by=request.user, code=request.POST.get("code", ""))
                messages.success(request, _("Kehadiran Anda tercatat."))
            elif op == "minutes" and admin:
                event.minutes = request.POST.get("minutes", "")
                event.save(update_fields=["minutes"])
                for upload in request.FILES.getlist("files"):
                    services.file_store(upload, by=request.user, event=event)
                messages.success(request, _("Notulen dan materi disimpan."))
            elif op == "evidence":
                evidence = services.attendance_to_evidence(
                    event=event,
                    by=request.user,
                    assessment_id=int(request.POST.get("assessment") or 0),
                )
                messages.success(request, _("Daftar hadir dilampirkan sebagai bukti kriteria %(code)s.") % {"code": evidence.assessment.criterion.code})  # fmt: skip
            else:
                raise Http404
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except services.uploads.UploadError as error:
            messages.error(request, str(error))
        return redirect("forums:event", forum.slug, event.pk)
    registration = None
    if membership:
        registration = event.registrations.filter(employee=membership.employee).first()
    context = {
        "forum": forum, "event": event, "is_admin": admin, "membership": membership,
        "registration": registration, "attendance": services.attendance(event),
        "registered": event.registrations.count(), "code": request.GET.get("kode", ""),
        "evidence_targets": services.evidence_targets(request.user, membership.agency) if membership else [],
        "minutes_html": services.render_markdown(event.minutes),
    }  # fmt: skip
    return render(request, "forums/event.html", context)


@login_required
def event_screen(request, slug: str, pk: int):
    """The check-in screen shown at the venue: the code in large type and a QR code of the
    check-in address; the attendance count refreshes itself."""
    event = _admin_event(request, slug, pk)
    url = request.build_absolute_uri(reverse("forums:event", args=[event.forum.slug, event.pk])) + f"?kode={event.checkin_code}"  # fmt: skip
    qr = segno.make(url, error="m").svg_inline(scale=6, dark="#0b4f8a")
    context = {"forum": event.forum, "event": event, "qr": mark_safe(qr), "url": url,  # noqa: S308 - segno's own SVG
               "attendance": services.attendance(event)}  # fmt: skip
    if request.htmx:
        return render(request, "forums/_screen_count.html", context)
    return render(request, "forums/event_screen.html", context)


@login_required
@require_POST
def event_new_code(request, slug: str, pk: int):
    from forums.models import checkin_code_new

    event = _admin_event(request, slug, pk)
    event.checkin_code = checkin_code_new()
    event.save(update_fields=["checkin_code"])
    return redirect("forums:event_screen", event.forum.slug, event.pk)


@login_required
def attendance_export(request, slug: str, pk: int, fmt: str):
    event = _event(request, slug, pk)
    if fmt == "pdf":
        response = HttpResponse(services.attendance_pdf(event), content_type="application/pdf")
    elif fmt == "xlsx":
        response = HttpResponse(services.attendance_xlsx(event), content_type=XLSX)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="daftar-hadir-{event.pk}.{fmt}"'
    return response
