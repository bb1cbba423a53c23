"""Filling the survey: autosave into the person's draft, and submit exactly once.

The draft is reached only through `Participation.draft_token`. Submit turns it into an anonymous
`Response` (scores computed here, once), deletes the draft and cuts the token, all in one
transaction with the participation row locked, so that double clicks, retries and two tabs give
exactly one response. Nothing in this module logs: a log line could tie a person to an answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys import permissions, scoring
from surveys.models import (
    Draft,
    InstrumentKind,
    Participation,
    ParticipationStatus,
    Response,
    ResponseSource,
    selection_derived,
)
from surveys.selectors import Question, Survey, survey_for_round


class FillRefused(Exception):
    """The survey can no longer be changed (submitted, closed, outside the window)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class SurveyIncomplete(Exception):
    """Submit refused: these questions still need an answer."""

    def __init__(self, missing: list[Question]):
        super().__init__(f"{len(missing)} unanswered")
        self.missing = missing


def answer_clean(question: Question | None, value) -> int | list[str] | None:
    """The stored form of one answer; None clears it. Raises ValidationError with the reason."""
    if question is None:
        raise ValidationError(_("Pertanyaan ini tidak ada dalam survei Anda."))
    if question.kind == "pick":
        values = value if isinstance(value, list | tuple) else [value]
        chosen = list(dict.fromkeys(str(v) for v in values if v not in (None, "")))
        known = {code for code, _text in question.options}
        if any(code not in known for code in chosen):
            raise ValidationError(_("Pilihan tidak dikenal."))
        if len(chosen) > question.pick_count:
            raise ValidationError(
                _("Pilih paling banyak %(k)s. Anda memilih %(n)s, jadi hapus %(extra)s pilihan.")
                % {
                    "k": question.pick_count,
                    "n": len(chosen),
                    "extra": len(chosen) - question.pick_count,
                }
            )
        return chosen
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= len(question.scale):
        raise ValidationError(
            _("Pilih salah satu jawaban dari 1 sampai %(n)s.") % {"n": len(question.scale)}
        )
    return number


def _locked(participation: Participation, *, fresh_round: bool = True) -> Participation:
    """The participation row, locked (the row only: FOR UPDATE on a joined round would make every
    autosave of the round wait for every other one). Autosave reuses the round the request read."""
    if fresh_round:
        return (
            Participation.objects.select_for_update(of=("self",))
            .select_related("round")
            .get(pk=participation.pk)
        )
    locked = Participation.objects.select_for_update().get(pk=participation.pk)
    locked.round = participation.round
    return locked


def _refuse_unless_fillable(participation: Participation) -> None:
    decision = permissions.can_fill(participation)
    if not decision:
        raise FillRefused(decision.reason)


def _sync(target: Participation, source: Participation) -> None:
    """Let the caller's object see the state written under the lock."""
    target.status = source.status
    target.draft_token = source.draft_token
    target.submitted_on = source.submitted_on


# One statement merges the changed answers into the stored draft and returns the result; a null
# in the patch removes the key (JSON merge patch on SQLite; strip_nulls on PostgreSQL, where
# answers are never null). Both databases support UPDATE ... RETURNING.
DRAFT_MERGE_SQL = {
    "postgresql": "UPDATE surveys_draft SET answers = jsonb_strip_nulls(answers || %s::jsonb), "
    "updated_at = %s WHERE token = %s RETURNING answers",
    "sqlite": "UPDATE surveys_draft SET answers = json_patch(answers, %s), updated_at = %s "
    "WHERE token = %s RETURNING answers",
}


def _draft_merge(token, cleaned: dict) -> dict | None:
    """All answers after merging, or None when the draft is gone (or the database has no SQL)."""
    sql = DRAFT_MERGE_SQL.get(connection.vendor)
    if sql is None or not connection.features.can_return_rows_from_bulk_insert:
        return None  # no UPDATE ... RETURNING here (SQLite < 3.35): the locked path does it
    ops = connection.ops
    params = [
        json.dumps(cleaned),
        ops.adapt_datetimefield_value(timezone.now()),
        ops.adapt_unknown_value(token) if connection.vendor != "sqlite" else token.hex,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return json.loads(row[0]) if isinstance(row[0], str) else row[0]


def answers_save(
    *, participation: Participation, answers: Mapping[str, object], survey: Survey | None = None
) -> dict:
    """Store answers (question key -> value) in the person's draft; returns all draft answers.

    The first save creates the draft and its token and marks the participation STARTED.
    Raises FillRefused when the survey can no longer change, ValidationError for a bad answer.

    Later saves are one conditional UPDATE of the draft (the hot path of the product): submit
    locks and deletes the draft, so an UPDATE that finds no row means the survey was submitted
    meanwhile, and the locked path below gives the reason.
    """
    _refuse_unless_fillable(participation)
    survey = survey or survey_for_round(participation.round)
    cleaned = {key: answer_clean(survey.by_key.get(key), value) for key, value in answers.items()}
    if participation.draft_token is not None:
        stored = _draft_merge(participation.draft_token, cleaned)
        if stored is not None:
            return stored
    return _answers_save_locked(participation=participation, cleaned=cleaned)


@transaction.atomic
def _answers_save_locked(*, participation: Participation, cleaned: dict) -> dict:
    locked = _locked(participation, fresh_round=False)
    _refuse_unless_fillable(locked)
    draft = None
    if locked.draft_token is not None:
        draft = Draft.objects.select_for_update().filter(token=locked.draft_token).first()
    if draft is None:
        draft = Draft.objects.create(round_id=locked.round_id, answers={})
        locked.draft_token = draft.token
        locked.status = ParticipationStatus.STARTED
        locked.save(update_fields=["draft_token", "status"])
    for key, value in cleaned.items():
        if value is None:
            draft.answers.pop(key, None)
        else:
            draft.answers[key] = value
    draft.save(update_fields=["answers", "updated_at"])
    _sync(participation, locked)
    return draft.answers


def response_fields(survey: Survey, answers: Mapping[str, object]) -> dict:
    """The anonymous response's answers and scores, computed once with surveys.scoring."""
    fields: dict = {
        "answers": {q.key: answers[q.key] for q in survey.questions if q.key in answers}
    }
    for instrument in survey.instruments:
        items = list(instrument.items.all())
        scored = [
            scoring.ScoredItem(
                code=i.code, value_code=i.value.code if i.value else None, reverse=i.reverse
            )
            for i in items
        ]
        if instrument.kind == InstrumentKind.BEHAVIOUR:
            # A round has one behaviour instrument (round_open requires it); the first one wins.
            for code, score in scoring.value_scores(
                answers, scored, instrument.scale_points
            ).items():
                field = f"score_{code.lower()}"
                if score is not None and fields.get(field) is None:
                    fields[field] = score
        elif instrument.kind == InstrumentKind.ENGAGEMENT:
            fields["score_engagement"] = scoring.mean_score(
                answers, scored, instrument.scale_points
            )
        elif instrument.kind == InstrumentKind.VALUES_SELECTION:
            options = [
                scoring.ScoredOption(
                    code=o.code, value_code=o.value.code if o.value else None, limiting=o.limiting
                )
                for o in instrument.options.select_related("value")
            ]
            choices = {q: answers.get(q, []) for q in scoring.SELECTION_QUESTIONS}
            summary = scoring.selection_summary(choices, options)
            fields["personal_values"] = summary["PERSONAL"]
            fields["current_values"] = summary["CURRENT"]
            fields["desired_values"] = summary["DESIRED"]
            fields["current_limiting"] = summary["CURRENT_LIMITING"]
            fields.update(
                selection_derived(summary["CURRENT"], summary["PERSONAL"], summary["DESIRED"])
            )
    return fields


@transaction.atomic
def survey_submit(*, participation: Participation) -> Participation:
    """Submit exactly once. A participation already submitted is returned as it is (idempotent).

    Raises FillRefused outside the window, SurveyIncomplete with the unanswered questions.
    """
    locked = _locked(participation)
    if locked.status == ParticipationStatus.SUBMITTED:
        _sync(participation, locked)
        return locked
    _refuse_unless_fillable(locked)
    survey = survey_for_round(locked.round)
    draft = None
    if locked.draft_token is not None:
        # Locked: an autosave in another tab waits, then finds the draft gone and is refused.
        draft = Draft.objects.select_for_update().filter(token=locked.draft_token).first()
    answers = draft.answers if draft else {}
    missing = survey.missing(answers)
    if missing:
        raise SurveyIncomplete(missing)
    Response.objects.create(
        round_id=locked.round_id,
        round_agency_id=locked.round_agency_id,
        asn_type=locked.asn_type,
        source=ResponseSource.WEB,
        **response_fields(survey, answers),
    )
    if draft is not None:
        draft.delete()
    locked.draft_token = None
    locked.status = ParticipationStatus.SUBMITTED
    locked.submitted_on = timezone.localdate()
    locked.save(update_fields=["draft_token", "status", "submitted_on"])
    _sync(participation, locked)
    return locked
