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

from berakhlak.refusals import Refused
from forums import editing, permissions, selectors, services
from forums.filters import MemberFilter, PracticeFilter, ThreadFilter, chosen
from forums.forms import NominateForm, first_errors
from forums.models import CategoryKind, Post


def _errors(request, refusal: ValidationError) -> None:
    for message in refusal.messages:
        messages.error(request, message)


def _agency_choice(forum, raw: str):
    """An agency of the forum picked in the library form (by id), or None."""
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
    filtered = ThreadFilter(
        request.GET, queryset=selectors.threads_for_user(request.user, forum), forum=forum
    )
    query = chosen(filtered, "q", "")
    threads, practices = selectors.forum_threads(
        request.user, forum, threads=filtered.qs, query=query
    )
    context = {
        "forum": forum,
        "categories": categories,
        "category": chosen(filtered, "kategori"),
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
            thread = services.thread_create(
                category=category,
                by=request.user,
                title=posted["title"],
                body=posted["body"],
                files=request.FILES.getlist("files"),
            )
        except Refused as refusal:
            errors = refusal.messages
        else:
            return redirect("forums:thread", forum.slug, thread.pk)
    context = {"forum": forum, "categories": categories, "posted": posted, "errors": errors}
    return render(request, "forums/thread_new.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def thread(request, slug: str, pk: int):
    forum = selectors.get_forum_for_user(request.user, slug)
    thread = selectors.get_thread_for_user(request.user, forum, pk)
    reply, errors = "", []
    if request.method == "POST":
        reply = request.POST.get("body", "")
        try:
            post = services.post_create(
                thread=thread, by=request.user, body=reply, files=request.FILES.getlist("files")
            )
        except Refused as refusal:
            errors = refusal.messages
        else:
            return redirect(f"{request.path}#post-{post.pk}")
    posts = selectors.thread_posts(request.user, thread)
    context = {
        "forum": forum,
        "thread": thread,
        "posts": posts,
        "question": posts[0] if posts else None,
        "moderator": permissions.is_moderator(request.user, forum),
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
    except Refused as refusal:
        _errors(request, refusal)
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
        except Refused as refusal:
            errors = refusal.messages
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
    except Refused as refusal:
        _errors(request, refusal)
    else:
        messages.success(request, _("Tulisan dihapus."))
    return redirect(f"{_thread_url(forum, post)}#post-{post.pk}")


def _thread_url(forum, post) -> str:
    return reverse("forums:thread", args=[forum.slug, post.thread_id])


@login_required
@require_http_methods(["GET", "POST"])
def members(request, slug: str):
    forum = selectors.get_forum_for_user(request.user, slug)
    form = NominateForm()
    if request.method == "POST" and request.POST.get("op") == "end":
        membership = selectors.get_membership_for_admin(
            request.user, forum, request.POST.get("membership")
        )
        services.membership_end(membership=membership, by=request.user)
        messages.success(
            request, _("Keanggotaan %(name)s diakhiri.") % {"name": membership.employee.name}
        )
        return redirect("forums:members", forum.slug)
    if request.method == "POST":
        if not permissions.is_admin(request.user, forum):
            raise Http404
        form = NominateForm(request.POST)
        if form.is_valid():
            try:
                membership = services.membership_nominate(
                    forum=forum, by=request.user, **form.cleaned_data
                )
            except Refused as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(
                    request,
                    _("%(name)s ditetapkan sebagai agen perubahan %(unit)s.")
                    % {"name": membership.employee.name, "unit": membership.agency.name},
                )
                return redirect("forums:members", forum.slug)
    filtered = MemberFilter(request.GET, queryset=selectors.members_directory(forum), forum=forum)
    context = selectors.members_context(request.user, forum, memberships=filtered.qs)
    context.update(
        unit=chosen(filtered, "unit"),
        form=form,
        form_errors=first_errors(form) if form.is_bound else [],
    )
    return render(request, "forums/members.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def library(request, slug: str):
    forum = selectors.get_forum_for_user(request.user, slug)
    posted: dict = {"values": []}
    errors: list[str] = []
    if request.method == "POST":
        posted = {name: request.POST.get(name, "") for name in ("title", "body", "agency")}
        posted["values"] = request.POST.getlist("values")
        try:
            practice = services.practice_create(
                forum=forum,
                by=request.user,
                title=posted["title"],
                body=posted["body"],
                value_codes=posted["values"],
                agency=_agency_choice(forum, posted["agency"]),
                files=request.FILES.getlist("files"),
            )
        except ValidationError as error:  # the practice's input checks, or a Refused
            errors = error.messages
        else:
            messages.success(request, _("Praktik baik ditambahkan ke pustaka."))
            return redirect(f"{request.path}#practice-{practice.pk}")
    filtered = PracticeFilter(request.GET, queryset=selectors.practices_for(forum), forum=forum)
    context = selectors.library_context(
        request.user, forum, practices=filtered.qs, query=chosen(filtered, "q", "")
    )
    context.update(
        value=chosen(filtered, "nilai", ""),
        unit=chosen(filtered, "unit"),
        posted=posted,
        errors=errors,
    )
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
