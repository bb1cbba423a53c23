"""An ASN fills their own survey: list -> intro -> one page per value -> review -> submit -> receipt.

Every page reaches the participation through `get_participation_for_user` (someone else's is a
404, whatever their role). Pages that show answers are never cached, and nothing after submit
shows an answer back.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from berakhlak.refusals import Refused
from surveys import permissions, selectors
from surveys.forms.filling import AnswersForm
from surveys.models import ParticipationStatus
from surveys.services import filling


def _draft_readable(view):
    """A draft that cannot be opened (a key missing, a row altered) gets a page saying so and
    keeps the draft untouched, instead of an empty survey the person would fill again."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except selectors.DraftUnreadable as unreadable:
            context = {"reason": filling.draft_unreadable_reason(unreadable.reason)}
            return render(request, "surveys/fill/unreadable.html", context, status=503)

    return wrapper


def _login_or_401(view):
    """`login_required`, except that an htmx autosave of an expired session gets 401 and a short
    message instead of the login page, which htmx would put inside the question card. The page
    keeps the answer in the browser and saves it after the next login (static/js/survey.js)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.htmx:
            return render(request, "surveys/fill/session_expired.html", status=401)
        return redirect_to_login(request.get_full_path())

    return wrapper


def _login_to_review(view):
    """`login_required` for the submit. After an expired session the login's redirect back would
    be a GET of a POST-only address (405); it leads to the review page instead, where "Kirim" is
    one click and every saved answer is shown."""

    @functools.wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, pk, *args, **kwargs)
        return redirect_to_login(reverse("surveys:fill_review", args=[pk]))

    return wrapper


def _progress(survey: selectors.Survey, answers: dict) -> dict:
    answered = survey.answered_count(answers)
    total = survey.total or 1
    return {"answered": answered, "total": survey.total, "percent": round(answered * 100 / total)}


def _page_url(participation, page, question=None) -> str:
    url = reverse("surveys:fill_page", args=[participation.pk, page.slug])
    return f"{url}#q-{question.key}" if question else url


def _receipt(participation):
    return redirect("surveys:fill_receipt", participation.pk)


@login_required
@_draft_readable
def my_surveys(request):
    rows = []
    for participation in selectors.participations_for_user(request.user):
        row = {"participation": participation, "decision": permissions.can_fill(participation)}
        if participation.status == ParticipationStatus.STARTED:
            survey = selectors.survey_for_round(participation.round)
            row.update(_progress(survey, selectors.draft_answers(participation)))
        rows.append(row)
    return render(request, "surveys/fill/list.html", {"rows": rows})


@login_required
def fill_intro(request, pk):
    participation = selectors.get_participation_for_user(request.user, pk)
    if participation.status == ParticipationStatus.SUBMITTED:
        return _receipt(participation)
    context = {
        "participation": participation,
        "round": participation.round,
        "decision": permissions.can_fill(participation),
        "survey": selectors.survey_for_round(participation.round),
    }
    return render(request, "surveys/fill/intro.html", context)


@login_required
@_draft_readable
def fill_resume(request, pk):
    """Land on the first page with an unanswered question, on whatever device."""
    participation = selectors.get_participation_for_user(request.user, pk)
    if participation.status == ParticipationStatus.SUBMITTED:
        return _receipt(participation)
    survey = selectors.survey_for_round(participation.round)
    question = survey.first_unanswered(selectors.draft_answers(participation))
    if question is None:
        return redirect("surveys:fill_review", participation.pk)
    return redirect(_page_url(participation, question.page, question))


def _rows(page, answers: dict, form: AnswersForm | None) -> list[dict]:
    rows = []
    for question in page.questions:
        value = answers.get(question.key)
        errors = []
        if form is not None and form.errors.get(question.key):
            errors = form.errors[question.key]
            if question.kind == "pick":
                value = form.data.getlist(question.key)
        if question.kind == "pick":
            value = list(value or [])
        rows.append({"q": question, "value": value, "errors": errors})
    return rows


@never_cache
@login_required
@_draft_readable
def fill_page(request, pk, slug):
    participation = selectors.get_participation_for_user(request.user, pk)
    if participation.status == ParticipationStatus.SUBMITTED:
        return _receipt(participation)
    survey = selectors.survey_for_round(participation.round)
    page = survey.by_slug.get(slug)
    if page is None:
        raise Http404
    decision = permissions.can_fill(participation)
    answers = selectors.draft_answers(participation)
    form = None
    if request.method == "POST":
        if not decision:
            messages.error(request, decision.reason)
            return redirect(_page_url(participation, page))
        form = AnswersForm(request.POST, questions=page.questions)
        if form.is_valid():
            try:
                answers = filling.answers_save(
                    participation=participation, answers=form.answers(), survey=survey
                )
            except Refused as refusal:
                messages.error(request, refusal.reason)
                return redirect(_page_url(participation, page))
            except ValidationError as error:  # an answer the survey does not take
                form.add_error(None, error)
            else:
                return redirect(
                    _page_after(participation, survey, page, back="back" in request.POST)
                )
    context = _page_context(participation, survey, page, answers, form, decision)
    return render(request, "surveys/fill/page.html", context)


def _page_context(participation, survey: selectors.Survey, page, answers, form, decision) -> dict:
    return {
        "participation": participation,
        "round": participation.round,
        "survey": survey,
        "page": page,
        "rows": _rows(page, answers, form),
        "form": form,
        "decision": decision,
        "read_only": not decision,
        "previous": survey.previous_page(page),
        "next": survey.next_page(page),
        **_progress(survey, answers),
    }


def _page_after(participation, survey: selectors.Survey, page, *, back: bool) -> str:
    """Where a saved page leads: the previous page ("Kembali"), the next one, or the review."""
    if back and survey.previous_page(page):
        return _page_url(participation, survey.previous_page(page))
    following = survey.next_page(page)
    if following is None:
        return reverse("surveys:fill_review", args=[participation.pk])
    return _page_url(participation, following)


@never_cache
@_login_or_401
@require_POST
@_draft_readable
def fill_autosave(request, pk):
    """One question, posted by htmx on change; answers with the saved state and the progress bar."""
    participation = selectors.get_participation_for_user(request.user, pk)
    survey = selectors.survey_for_round(participation.round)
    question = survey.by_key.get(request.POST.get("q", ""))
    if question is None:
        raise Http404
    if not request.htmx:
        return redirect(_page_url(participation, question.page, question))
    state, message = "saved", ""
    answers = None
    form = AnswersForm(request.POST, questions=[question])
    if not form.is_valid():
        state, message = "invalid", " ".join(form.errors.get(question.key, []))
    else:
        try:
            answers = filling.answers_save(
                participation=participation, answers=form.answers(), survey=survey
            )
        except Refused as refusal:
            # The page turns read-only: reload it, the reason shows as a message.
            messages.error(request, refusal.reason)
            response = HttpResponse("")
            response["HX-Refresh"] = "true"
            return response
        except ValidationError as error:
            state, message = "invalid", " ".join(error.messages)
    if answers is None:
        answers = selectors.draft_answers(participation)
    chosen = answers.get(question.key) if question.kind == "pick" else None
    context = {
        "q": question,
        "state": state,
        "message": message,
        "chosen_count": len(chosen or []),
        **_progress(survey, answers),
    }
    return render(request, "surveys/fill/autosave.html", context)


@never_cache
@login_required
@_draft_readable
def fill_review(request, pk):
    participation = selectors.get_participation_for_user(request.user, pk)
    if participation.status == ParticipationStatus.SUBMITTED:
        return _receipt(participation)
    survey = selectors.survey_for_round(participation.round)
    answers = selectors.draft_answers(participation)
    missing = []
    for question in survey.missing(answers):
        chosen = answers.get(question.key) if question.kind == "pick" else None
        missing.append(
            {
                "q": question,
                "url": _page_url(participation, question.page, question),
                "chosen": len(chosen or []),
            }
        )
    pages = [
        {
            "page": page,
            "url": _page_url(participation, page),
            "missing": [m for m in missing if m["q"].page is page],
        }
        for page in survey.pages
    ]
    decision = permissions.can_fill(participation)
    context = {
        "participation": participation,
        "round": participation.round,
        "survey": survey,
        "pages": pages,
        "missing": missing,
        "decision": decision,
        "read_only": not decision,
        **_progress(survey, answers),
    }
    return render(request, "surveys/fill/review.html", context)


@_login_to_review
@require_POST
def fill_submit(request, pk):
    participation = selectors.get_participation_for_user(request.user, pk)
    try:
        filling.survey_submit(participation=participation)
    except Refused as refusal:
        messages.error(request, refusal.reason)
        return redirect("surveys:fill_review", participation.pk)
    except filling.SurveyIncomplete as incomplete:
        messages.error(
            request,
            _(
                "Belum dapat dikirim: %(n)s pertanyaan belum dijawab. Lengkapi dulu yang tercantum di bawah."
            )
            % {"n": len(incomplete.missing)},
        )
        return redirect("surveys:fill_review", participation.pk)
    return _receipt(participation)


@never_cache
@login_required
def fill_receipt(request, pk):
    participation = selectors.get_participation_for_user(request.user, pk)
    if participation.status != ParticipationStatus.SUBMITTED:
        return redirect("surveys:fill_intro", participation.pk)
    context = {"participation": participation, "round": participation.round}
    return render(request, "surveys/fill/receipt.html", context)
