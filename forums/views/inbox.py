"""The forum notifications of the signed-in person: /forum/pemberitahuan/ (forums.inbox)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from forums import inbox


@login_required
def notice_list(request):
    page = Paginator(inbox.notices_for_user(request.user), inbox.PAGE).get_page(
        request.GET.get("hal")
    )
    context = {"page": page, "unread": inbox.unread_count(request.user)}
    return render(request, "forums/notices.html", context)


@login_required
def notice_open(request, pk: int):
    """Mark the notice read and go to its post."""
    notice = inbox.notice_open(user=request.user, pk=pk)
    thread = notice.post.thread
    url = reverse("forums:thread", args=[thread.forum.slug, thread.pk])
    return redirect(f"{url}#post-{notice.post_id}")


@login_required
@require_POST
def notices_read(request):
    inbox.notices_mark_read(user=request.user)
    return redirect("forums:notices")
