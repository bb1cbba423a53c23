"""Filling the survey: autosave into the person's sealed draft, and submit exactly once.

The draft is reached only through `Participation.draft_token` and is stored sealed
(surveys.sealing): every autosave opens it, merges the changed answers and seals it again, written
back only if nobody changed it meanwhile (compare-and-swap on the sealed blob). Submit seals the
answers, the unit, the ASN type and the scores into a `SealedSubmission` that names no one,
deletes the draft and marks the participation submitted, all in one transaction with the
participation row locked, so that double clicks, retries and two tabs give exactly one
submission. The release (surveys.services.release) later turns a round's sealed
submissions into anonymous responses. Nothing in this module logs: a log line could tie a person to
an answer (docs/ARCHITECTURE.md §5).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berakhlak.refusals import Refused, require
from surveys import permissions, scoring, sealing, selectors
from surveys.models import (
    SUMMARY_FIELDS,
    Draft,
    InstrumentKind,
    Participation,
    ParticipationStatus,
    ResponseSource,
    SealedSubmission,
    selection_derived,
)
from surveys.selectors import Question, Survey, survey_for_round

SWAP_ATTEMPTS = 5


class FillRefused(Refused):
    """The survey can no longer be changed (submitted, closed, outside the window)."""


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


def _sync(target: Participation, source: Participation) -> None:
    """Let the caller's object see the state written under the lock."""
    target.status = source.status
    target.draft_token = source.draft_token
    target.submitted_on = source.submitted_on


def draft_open(draft: Draft) -> dict:
    """The answers sealed in a draft; FillRefused when it cannot be opened (wrong key, altered)."""
    try:
        return selectors.draft_open(draft)
    except selectors.DraftUnreadable as unreadable:
        raise FillRefused(draft_unreadable_reason(unreadable.reason)) from None


def draft_unreadable_reason(reason: str) -> str:
    return _(
        "Draf jawaban Anda tidak dapat dibuka (%(reason)s). Tidak ada yang hilang: hubungi admin "
        "Biro Organisasi."
    ) % {"reason": reason}


def draft_seal(draft: Draft, answers: Mapping) -> None:
    draft.key_id, draft.sealed = sealing.seal(
        dict(answers), purpose="draft", context=str(draft.token)
    )


def _merge(answers: dict, cleaned: Mapping) -> dict:
    for key, value in cleaned.items():
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
    return answers


def answers_save(
    *, participation: Participation, answers: Mapping[str, object], survey: Survey | None = None
) -> dict:
    """Store answers (question key -> value) in the person's draft; returns all draft answers.

    The first save creates the draft and its token and marks the participation STARTED.
    Raises FillRefused when the survey can no longer change, ValidationError for a bad answer.

    Later saves (the hot path of the product) open the draft, merge and seal it again with a
    compare-and-swap (`_draft_swap`): submit locks and deletes the draft, so a save that finds no
    draft means the survey was submitted meanwhile, and the locked path below gives the reason.
    """
    require(permissions.can_fill(participation), refusal=FillRefused)
    survey = survey or survey_for_round(participation.round)
    cleaned = {key: answer_clean(survey.by_key.get(key), value) for key, value in answers.items()}
    if participation.draft_token is not None:
        merged = _draft_swap(participation.draft_token, cleaned)
        if merged is not None:
            return merged
    return _answers_save_locked(participation=participation, cleaned=cleaned)


def _draft_swap(token, cleaned: Mapping) -> dict | None:
    """Open, merge, seal and write back the draft in two statements and no transaction: the write
    applies only if the stored blob is still the one opened (each seal has a fresh random nonce,
    so a blob is unique to one write). That is a compare-and-swap: a concurrent autosave makes it
    retry, exactly as a row lock would make it wait. None when the draft is gone (submitted) or
    keeps changing: the locked path then decides and gives the reason."""
    for _attempt in range(SWAP_ATTEMPTS):
        draft = _draft_read(token)
        if draft is None:
            return None
        opened = bytes(draft.sealed)
        merged = _merge(draft_open(draft), cleaned)
        draft_seal(draft, merged)
        if _draft_write_if(token, opened, key_id=draft.key_id, sealed=draft.sealed):
            return merged
    return None


# The two statements of the swap, written out: the same SQL as
# `Draft.objects.filter(token=...).only(...).first()` and `.filter(token=..., sealed=...)
# .update(...)` without the ORM's compile, on the product's hottest path.


def _draft_sql() -> tuple[str, dict[str, str]]:
    quote, meta = connection.ops.quote_name, Draft._meta
    columns = {name: quote(meta.get_field(name).column) for name in ("token", "key_id", "sealed")}
    return quote(meta.db_table), columns


def _draft_read(token) -> Draft | None:
    table, c = _draft_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {c['key_id']}, {c['sealed']} FROM {table} WHERE {c['token']} = %s",  # noqa: S608
            [Draft._meta.pk.get_db_prep_value(token, connection)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return Draft(token=token, key_id=row[0], sealed=bytes(row[1]))  # opened and sealed, never saved


def _draft_write_if(token, opened: bytes, *, key_id: str, sealed: bytes) -> bool:
    table, c = _draft_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {c['key_id']} = %s, {c['sealed']} = %s "  # noqa: S608
            f"WHERE {c['token']} = %s AND {c['sealed']} = %s",
            [key_id, sealed, Draft._meta.pk.get_db_prep_value(token, connection), opened],
        )
        return cursor.rowcount == 1


@transaction.atomic
def _answers_save_locked(*, participation: Participation, cleaned: dict) -> dict:
    locked = _locked(participation, fresh_round=False)
    require(permissions.can_fill(locked), refusal=FillRefused)
    draft = None
    if locked.draft_token is not None:
        draft = Draft.objects.select_for_update().filter(token=locked.draft_token).first()
    if draft is None:
        draft = Draft(round_id=locked.round_id)
        draft_seal(draft, {})
        draft.save(force_insert=True)
        locked.draft_token = draft.token
        locked.status = ParticipationStatus.STARTED
        locked.save(update_fields=["draft_token", "status"])
    merged = _merge(draft_open(draft), cleaned)
    draft_seal(draft, merged)
    draft.save(update_fields=["key_id", "sealed"])
    _sync(participation, locked)
    return merged


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


def submission_seal(
    *, round_id: int, round_agency_id: int, asn_type: str, source: str, fields: Mapping
) -> SealedSubmission:
    """Seal one answer sheet (web or paper) for the round's release; returns the unsaved row.

    `seq` orders submissions for the provisional figures (reports.inputs); it exists only inside
    the seals."""
    row = SealedSubmission(round_id=round_id)
    seq = time.time_ns()
    payload = {
        "agency": round_agency_id,
        "asn_type": asn_type,
        "source": source,
        "seq": seq,
        "fields": dict(fields),
    }
    summary = [round_agency_id, asn_type, source, seq, *(fields.get(f) for f in SUMMARY_FIELDS)]
    context = f"{round_id}|{row.id}"
    row.key_id, row.sealed = sealing.seal(payload, purpose="submission", context=context)
    _key, row.summary = sealing.seal(summary, purpose="summary", context=context)
    return row


@transaction.atomic
def survey_submit(*, participation: Participation) -> Participation:
    """Submit exactly once. A participation already submitted is returned as it is (idempotent).

    Raises FillRefused outside the window, SurveyIncomplete with the unanswered questions.
    """
    locked = _locked(participation)
    if locked.status == ParticipationStatus.SUBMITTED:
        _sync(participation, locked)
        return locked
    require(permissions.can_fill(locked), refusal=FillRefused)
    survey = survey_for_round(locked.round)
    draft = None
    if locked.draft_token is not None:
        # Locked: an autosave in another tab waits, then finds the draft gone and is refused.
        draft = Draft.objects.select_for_update().filter(token=locked.draft_token).first()
    answers = draft_open(draft) if draft else {}
    missing = survey.missing(answers)
    if missing:
        raise SurveyIncomplete(missing)
    submission_seal(
        round_id=locked.round_id,
        round_agency_id=locked.round_agency_id,
        asn_type=locked.asn_type,
        source=ResponseSource.WEB,
        fields=response_fields(survey, answers),
    ).save(force_insert=True)
    if draft is not None:
        draft.delete()
    locked.draft_token = None
    locked.status = ParticipationStatus.SUBMITTED
    locked.submitted_on = timezone.localdate()
    locked.save(update_fields=["draft_token", "status", "submitted_on"])
    _sync(participation, locked)
    return locked
