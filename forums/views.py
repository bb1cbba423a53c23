"""Forum pages: home with categories and search, threads, members, library, files.

Outsiders get 404 everywhere: a forum is visible to its active members and the admins only."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from berakhlak.models import CoreValue, Employee
from forums import services
from forums.models import Forum, ForumFile, Membership, Post, Practice, Thread


def _forum(user, slug: str) -> Forum:
    forum = get_object_or_404(Forum.objects.select_related("root"), slug=slug)
    if not services.can_read(user, forum):
        raise Http404
    return forum


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def forum_list(request):
    forums = services.forums_for(request.user)
    if len(forums) == 1:
        return redirect("forums:home", forums[0].slug)
    return render(request, "forums/list.html", {"forums": forums})


@login_required
def home(request, slug: str):
    forum = _forum(request.user, slug)
    categories = list(forum.categories.all())
    category = next((c for c in categories if str(c.pk) == request.GET.get("kategori")), None)
    query = request.GET.get("q", "")
    threads, practices = (None, None)
    if query:
        threads, practices = services.search(request.user, forum, query)
    else:
        threads = services.visible_threads(request.user, forum)
        if category:
            threads = threads.filter(category=category)
        threads = list(threads[:50])
    context = {
        "forum": forum, "categories": categories, "category": category, "query": query,
        "threads": threads, "practices": practices,
        "events": forum.events.filter(ends_at__gte=timezone.now()).order_by("starts_at")[:3],
        "is_admin": services.is_admin(request.user, forum),
        "postable": [c for c in categories if services.can_start_thread(request.user, c)],
    }  # fmt: skip
    return render(request, "forums/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def thread_new(request, slug: str):
    forum = _forum(request.user, slug)
    categories = [c for c in forum.categories.all() if services.can_start_thread(request.user, c)]
    if not categories:
        raise Http404
    posted = {"title": "", "body": "", "category": request.GET.get("kategori", "")}
    if request.method == "POST":
        posted = {k: request.POST.get(k, "") for k in ("title", "body", "category")}
        category = next((c for c in categories if str(c.pk) == posted["category"]), None)
        try:
            if category is None:
                raise ValidationError(_("Pilih kategori."))
            thread = services.thread_create(
                category=category, by=request.user, title=posted["title"], body=posted["body"],
                files=request.FILES.getlist("files"),
            )  # fmt: skip
        except ValidationError as error:
            return render(request, "forums/thread_new.html", {
                "forum": forum, "categories": categories, "posted": posted, "errors": error.messages,
            }, status=400)  # fmt: skip
        return redirect("forums:thread", forum.slug, thread.pk)
    return render(request, "forums/thread_new.html", {"forum": forum, "categories": categories, "posted": posted, "errors": []})  # fmt: skip


def _thread(request, slug: str, pk: int) -> Thread:
    forum = _forum(request.user, slug)
    thread = get_object_or_404(services.visible_threads(request.user, forum), pk=pk)
    return thread


@login_required
@require_http_methods(["GET", "POST"])
def thread(request, slug: str, pk: int):
    thread = _thread(request, slug, pk)
    forum = thread.forum
    moderator = services.is_moderator(request.user, forum)
    reply = ""
    status = 200
    errors = []
    if request.method == "POST":
        reply = request.POST.get("body", "")
        try:
            services.post_create(thread=thread, by=request.user, body=reply, files=request.FILES.getlist("files"))  # fmt: skip
        except ValidationError as error:
            errors, status = error.messages, 400
        else:
            return redirect("forums:thread", forum.slug, thread.pk)
    posts = thread.posts.select_related("author__employee").prefetch_related("attachments")
    if not moderator:
        posts = posts.filter(hidden=False)
    context = {
        "forum": forum, "thread": thread, "posts": posts, "moderator": moderator,
        "can_accept": thread.category.kind == "CONSULTATION" and (moderator or request.user.pk == thread.author_id),
        "categories": forum.categories.exclude(pk=thread.category_id), "reply": reply, "errors": errors,
    }  # fmt: skip
    return render(request, "forums/thread.html", context, status=status)


@login_required
@require_POST
def thread_action(request, slug: str, pk: int):
    thread = _thread(request, slug, pk)
    action = request.POST.get("action", "")
    post = None
    if request.POST.get("post"):
        post = get_object_or_404(Post, pk=request.POST["post"], thread=thread)
    try:
        if action == "accept":
            if post is None:
                raise Http404
            services.accept(post=post, by=request.user)
            messages.success(request, _("Jawaban ditandai sebagai jawaban terpilih."))
        else:
            category = thread.forum.categories.filter(pk=request.POST.get("category") or 0).first()
            services.moderate(thread=thread, by=request.user, action=action, post=post, category=category)  # fmt: skip
            messages.success(request, _("Perubahan moderasi disimpan."))
    except ValidationError as error:
        _errors(request, error)
    return redirect("forums:thread", thread.forum.slug, thread.pk)


@login_required
@require_http_methods(["GET", "POST"])
def members(request, slug: str):
    forum = _forum(request.user, slug)
    admin = services.is_admin(request.user, forum)
    if request.method == "POST":
        if not admin:
            raise Http404
        nip = "".join(request.POST.get("nip", "").split())
        employee = Employee.objects.filter(nip=nip, agency__path__startswith=forum.root.path).select_related("agency").first()  # fmt: skip
        try:
            sk_date = dt.date.fromisoformat(request.POST.get("sk_date", ""))
            active_from = dt.date.fromisoformat(
                request.POST.get("active_from", "") or sk_date.isoformat()
            )
        except ValueError:
            messages.error(request, _("Isi tanggal SK (dan tanggal mulai aktif) dengan benar."))
            return redirect("forums:members", forum.slug)
        if employee is None or not request.POST.get("sk_number", "").strip():
            messages.error(request, _("Pegawai dengan NIP itu tidak ada, atau nomor SK kosong."))
        else:
            Membership.objects.update_or_create(
                forum=forum, employee=employee,
                defaults={"agency": employee.agency if employee.agency.depth <= 1 else employee.agency.parent,
                          "sk_number": request.POST["sk_number"].strip()[:100], "sk_date": sk_date,
                          "active_from": active_from, "active_to": None,
                          "role_model": bool(request.POST.get("role_model")),
                          "moderator": bool(request.POST.get("moderator"))},
            )  # fmt: skip
            messages.success(
                request, _("%(name)s ditetapkan sebagai anggota.") % {"name": employee.name}
            )
        return redirect("forums:members", forum.slug)
    rows = Membership.objects.active().filter(forum=forum).select_related("employee", "agency")
    context = {
        "forum": forum, "memberships": rows, "is_admin": admin,
        "uncovered": services.agencies_without_agent(forum) if admin else [],
        "today": timezone.localdate(),
    }  # fmt: skip
    return render(request, "forums/members.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def library(request, slug: str):
    forum = _forum(request.user, slug)
    values = CoreValue.objects.all()
    if request.method == "POST":
        title, body = request.POST.get("title", "").strip(), request.POST.get("body", "")
        codes = request.POST.getlist("values")
        membership = services.membership_of(request.user, forum)
        agency = membership.agency if membership else forum.root
        if not title or not body.strip() or not codes:
            messages.error(request, _("Isi judul, uraian, dan paling sedikit satu nilai."))
        else:
            practice = Practice.objects.create(
                forum=forum, title=title[:200], body=body, body_html=services.render_markdown(body),
                agency=agency, created_by=request.user,
            )  # fmt: skip
            practice.values.set(values.filter(code__in=codes))
            messages.success(request, _("Praktik baik ditambahkan ke pustaka."))
        return redirect("forums:library", forum.slug)
    practices = (
        Practice.objects.filter(forum=forum).select_related("agency").prefetch_related("values")
    )
    value = request.GET.get("nilai", "")
    if value:
        practices = practices.filter(values__code=value)
    query = request.GET.get("q", "")
    if query:
        _threads, found = services.search(request.user, forum, query)
        practices = [p for p in found if not value or p.values.filter(code=value).exists()]
    context = {
        "forum": forum,
        "practices": practices,
        "values": values,
        "value": value,
        "query": query,
    }
    return render(request, "forums/library.html", context)


@login_required
def file_download(request, pk):
    record = get_object_or_404(ForumFile.objects.select_related("event__forum", "post__thread__forum", "practice__forum"), storage_key=pk)  # fmt: skip
    forum = (record.event or getattr(record.post, "thread", None) or record.practice).forum
    if not services.can_read(request.user, forum):
        raise Http404
    if (
        record.post is not None
        and record.post.hidden
        and not services.is_moderator(request.user, forum)
    ):
        raise Http404
    response = FileResponse(record.file.open("rb"), as_attachment=True, filename=record.original_name, content_type=record.content_type)  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    return response
