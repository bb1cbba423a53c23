"""Forum pages: home with categories and search, threads, members, library, files.

Outsiders get 404 everywhere: a forum is visible to its active members and its admins only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from berakhlak.models import CoreValue
from forums import editing, permissions, selectors, services
from forums.forms import NominateForm, first_errors
from forums.models import CategoryKind, Membership, Post


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _agency_choice(forum, raw: str):
    """An agency of the forum picked in a filter (by id), or None."""
    if not (raw or "").isdigit():
        return None
    return selectors.member_agencies(forum).filter(pk=int(raw)).first()


@login_required
def forum_list(request):
    forums = selectors.forums_for_user(request.user)
    if len(forums) == 1:
        return redirect("forums:home", forums[0].slug)
    return render(request, "forums/list.html", {"forums": forums})


@login_required
def home(request, slug: str):
    forum = selectors.get_forum_for_user(request.user, slug)
    categories = list(forum.categories.all())
    category = next((c for c in categories if str(c.pk) == request.GET.get("kategori")), None)
    query = request.GET.get("q", "").strip()
    practices = None
    if query:
        threads, practices = selectors.search(request.user, forum, query)
    else:
        threads = selectors.threads_for_user(request.user, forum)
        if category:
            threads = threads.filter(category=category)
        threads = list(threads[:50])
    context = {
        "forum": forum,
        "categories": categories,
        "category": category,
        "query": query,
        "threads": threads,
        "practices": practices,
        "events": forum.events.filter(ends_at__gte=timezone.now()).order_by("starts_at")[:3],
        "is_admin": permissions.is_admin(request.user, forum),
        "postable": [c for c in categories if permissions.can_start_thread(request.user, c)],
    }
    return render(request, "forums/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def thread_new(request, slug: str):
    forum = selectors.get_forum_for_user(request.user, slug)
    categories = [
        c for c in forum.categories.all() if permissions.can_start_thread(request.user, c)
    ]
    if not categories:
        raise Http404
    posted = {"title": "", "body": "", "category": request.GET.get("kategori", "")}
    errors: list[str] = []
    if request.method == "POST":
        posted = {k: request.POST.get(k, "") for k in ("title", "body", "category")}
        category = next((c for c in categories if str(c.pk) == posted["category"]), None)
        try:
            if category is None:
                raise ValidationError(_("Pilih kategori."))
            thread = services.thread_create(
                category=category,
                by=request.user,
                title=posted["title"],
                body=posted["body"],
                files=request.FILES.getlist("files"),
            )
        except ValidationError as error:
            errors = error.messages
        else:
            return redirect("forums:thread", forum.slug, thread.pk)
    context = {"forum": forum, "categories": categories, "posted": posted, "errors": errors}
    return render(request, "forums/thread_new.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def thread(request, slug: str, pk: int):
    forum = selectors.get_forum_for_user(request.user, slug)
    thread = selectors.get_thread_for_user(request.user, forum, pk)
    moderator = permissions.is_moderator(request.user, forum)
    reply, errors = "", []
    if request.method == "POST":
        reply = request.POST.get("body", "")
        try:
            post = services.post_create(
                thread=thread, by=request.user, body=reply, files=request.FILES.getlist("files")
            )
        except ValidationError as error:
            errors = error.messages
        else:
            return redirect(f"{request.path}#post-{post.pk}")
    posts = thread.posts.select_related("author__employee").prefetch_related("attachments")
    # Moderators see hidden posts and every post's earlier versions.
    posts = posts.prefetch_related("revisions") if moderator else posts.filter(hidden=False)
    posts = list(posts)
    now = timezone.now()
    for post in posts:  # the author's "Ubah"/"Hapus", while the window lasts
        post.changeable = bool(permissions.can_change_post(request.user, post, now=now))
    context = {
        "forum": forum,
        "thread": thread,
        "posts": posts,
        "question": posts[0] if posts else None,
        "moderator": moderator,
        "can_accept": permissions.can_accept(request.user, thread),
        "can_reply": permissions.can_reply(request.user, thread),
        "categories": forum.categories.exclude(pk=thread.category_id),
        "reply": reply,
        "errors": errors,
        "consultation": thread.category.kind == CategoryKind.CONSULTATION,
    }
    return render(request, "forums/thread.html", context, status=400 if errors else 200)


@login_required
@require_POST
def thread_action(request, slug: str, pk: int):
    forum = selectors.get_forum_for_user(request.user, slug)
    thread = selectors.get_thread_for_user(request.user, forum, pk)
    action = request.POST.get("action", "")
    post = None
    if request.POST.get("post", "").isdigit():
        post = Post.objects.filter(pk=int(request.POST["post"]), thread=thread).first()
        if post is None:
            raise Http404
    try:
        if action == "accept":
            if post is None:
                raise Http404
            services.answer_accept(post=post, by=request.user)
            messages.success(request, _("Jawaban ditandai sebagai jawaban terpilih."))
        else:
            category = forum.categories.filter(pk=request.POST.get("category") or 0).first()
            services.thread_moderate(
                thread=thread, by=request.user, action=action, post=post, category=category
            )
            messages.success(request, _("Perubahan moderasi disimpan."))
    except ValidationError as error:
        _errors(request, error)
    return redirect("forums:thread", forum.slug, thread.pk)


def _own_post(request, slug: str, pk: int) -> tuple:
    forum = selectors.get_forum_for_user(request.user, slug)
    post = selectors.get_post_for_user(request.user, forum, pk)
    return forum, post


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, slug: str, pk: int):
    forum, post = _own_post(request, slug, pk)
    decision = permissions.can_change_post(request.user, post)
    if not decision:
        messages.error(request, decision.reason)
        return redirect(f"{_thread_url(forum, post)}#post-{post.pk}")
    body, errors = post.body, []
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            editing.post_edit(post=post, by=request.user, body=body)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Tulisan diubah."))
            return redirect(f"{_thread_url(forum, post)}#post-{post.pk}")
    context = {
        "forum": forum,
        "post": post,
        "thread": post.thread,
        "body": body,
        "errors": errors,
        "ends_at": permissions.edit_window_ends(post),
    }
    return render(request, "forums/post_edit.html", context, status=400 if errors else 200)


@login_required
@require_POST
def post_delete(request, slug: str, pk: int):
    forum, post = _own_post(request, slug, pk)
    try:
        editing.post_delete(post=post, by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Tulisan dihapus."))
    return redirect(f"{_thread_url(forum, post)}#post-{post.pk}")


def _thread_url(forum, post) -> str:
    return reverse("forums:thread", args=[forum.slug, post.thread_id])


@login_required
@require_http_methods(["GET", "POST"])
def members(request, slug: str):
    forum = selectors.get_forum_for_user(request.user, slug)
    admin = permissions.is_admin(request.user, forum)
    form = NominateForm()
    if request.method == "POST":
        if not admin:
            raise Http404
        if request.POST.get("op") == "end":
            membership = (
                Membership.objects.filter(forum=forum, pk=request.POST.get("membership") or 0)
                .select_related("employee__user")
                .first()
            )
            if membership is None:
                raise Http404
            services.membership_end(membership=membership, by=request.user)
            messages.success(
                request,
                _("Keanggotaan %(name)s diakhiri.") % {"name": membership.employee.name},
            )
            return redirect("forums:members", forum.slug)
        form = NominateForm(request.POST)
        if form.is_valid():
            try:
                membership = services.membership_nominate(
                    forum=forum, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("%(name)s ditetapkan sebagai agen perubahan %(unit)s.")
                    % {"name": membership.employee.name, "unit": membership.agency.name},
                )
                return redirect("forums:members", forum.slug)
    unit = _agency_choice(forum, request.GET.get("unit", ""))
    context = {
        "forum": forum,
        "memberships": selectors.members_directory(forum, agency=unit),
        "agencies": selectors.member_agencies(forum),
        "unit": unit,
        "is_admin": admin,
        "uncovered": selectors.agencies_without_agent(forum) if admin else [],
        "form": form,
        "form_errors": first_errors(form) if form.is_bound else [],
    }
    return render(request, "forums/members.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def library(request, slug: str):
    forum = selectors.get_forum_for_user(request.user, slug)
    admin = permissions.is_admin(request.user, forum)
    values = list(CoreValue.objects.all())
    posted: dict = {"values": []}
    errors: list[str] = []
    if request.method == "POST":
        posted = {
            "title": request.POST.get("title", ""),
            "body": request.POST.get("body", ""),
            "values": request.POST.getlist("values"),
            "agency": request.POST.get("agency", ""),
        }
        try:
            practice = services.practice_create(
                forum=forum,
                by=request.user,
                title=posted["title"],
                body=posted["body"],
                value_codes=posted["values"],
                agency=_agency_choice(forum, posted["agency"]) if admin else None,
                files=request.FILES.getlist("files"),
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Praktik baik ditambahkan ke pustaka."))
            return redirect(f"{request.path}#practice-{practice.pk}")
    value = request.GET.get("nilai", "")
    unit = _agency_choice(forum, request.GET.get("unit", ""))
    query = request.GET.get("q", "").strip()
    practices = selectors.practices_for(forum, value=value, agency=unit)
    if query:
        _threads, practices = selectors.search(request.user, forum, query, practices=practices)
    context = {
        "forum": forum,
        "practices": practices,
        "values": values,
        "value": value,
        "unit": unit,
        "query": query,
        "agencies": selectors.member_agencies(forum),
        "is_admin": admin,
        "posted": posted,
        "errors": errors,
    }
    return render(request, "forums/library.html", context, status=400 if errors else 200)


@login_required
def file_download(request, pk):
    record = selectors.get_file_for_user(request.user, pk)
    response = FileResponse(
        record.file.open("rb"),
        as_attachment=True,
        filename=record.original_name,
        content_type=record.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
