"""The application's URLs plus /bench/ping/, the trivial view the autosave is measured against."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


@login_required
def ping(request):
    """Through the same middleware (session, auth, CSRF, CSP) as any page; no query of its own."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ping/", ping),
    path("", include("berakhlak.urls")),
]
