"""Tell the user when the work a request asked for could not be handed to the queue."""

from __future__ import annotations

from django.contrib import messages

from berakhlak.jobs import BROKER_DOWN_MESSAGE, sends_watched


class JobSendsMiddleware:
    """A request whose task could not be sent (Redis down) gets a warning on the next page.

    Nothing is lost: the row is committed and the sweeper sends it later (berakhlak.jobs).
    htmx fragments show the same note on the row's own status instead (`Job.job_note`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with sends_watched() as failed:
            response = self.get_response(request)
        if failed and not getattr(request, "htmx", False):
            messages.warning(request, BROKER_DOWN_MESSAGE)
        return response
