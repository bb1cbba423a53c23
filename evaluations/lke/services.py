"""Writes of the LKE: self-assessment, evidence, review, final score, appeal, audit trail.

Opening a round's LKE (freezing the worksheet, creating the assessment rows, assigning the
evaluators) is `evaluations.lke.opening`; editing the worksheet is `evaluations.lke.worksheet_edit`.

Every write to an assessment is one conditional UPDATE on the version the user saw (optimistic
concurrency): if someone saved in between, nothing is written and `ConcurrentEdit` says who.
Every transition, file change and score change appends an `AssessmentEvent`. E-mails go out
after commit (evaluations/tasks.py).
"""

from __future__ import annotations

import datetime as dt
import io
import uuid

from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from berakhlak.models import User
from berakhlak.refusals import Refused, require
from evaluations import scoring, uploads
from evaluations.lke import permissions
from evaluations.lke.selectors import evidence_target, submit_problems
from evaluations.models import (
    Assessment,
    AssessmentEvent,
    AssessmentStatus,
    EventKind,
    Evidence,
    RoundAgency,
)

S = AssessmentStatus
# Events that send an e-mail: submit, resubmit, revision request, final score.
NOTIFY_TRANSITIONS = {S.SUBMITTED, S.RESUBMITTED, S.REVISION_REQUESTED, S.FINAL, S.APPEALED}


class ConcurrentEdit(Refused):
    """Someone else saved this criterion after the user loaded it; nothing was written."""


# --- the conditional write at the heart of every assessment change ------------------------------


def _snapshot(assessment: Assessment, fields) -> dict:
    return {name: _jsonable(getattr(assessment, name)) for name in fields}


def _jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _conflict_message(current: Assessment) -> str:
    who = current.updated_by.display_name() if current.updated_by else _("pengguna lain")
    when = timezone.localtime(current.updated_at).strftime("%H:%M")
    return _(
        "Kriteria ini baru saja diubah oleh %(who)s pukul %(when)s (status sekarang: %(status)s). "
        "Perubahan Anda tidak disimpan dan tidak ada yang tertimpa; muat ulang halaman, periksa "
        "isian terbaru, lalu simpan lagi bila masih perlu."
    ) % {"who": who, "when": when, "status": current.get_status_display()}


def _write(
    *,
    assessment: Assessment,
    by: User,
    version: int,
    allowed_from: set[str],
    changes: dict,
    kind: str,
    to_status: str | None = None,
    reason: str = "",
) -> tuple[Assessment, AssessmentEvent]:
    """Apply `changes` if the row is still at `version` and in one of `allowed_from`."""
    current = Assessment.objects.select_related("updated_by").get(pk=assessment.pk)
    if current.version != version:
        raise ConcurrentEdit(_conflict_message(current))
    if current.status not in allowed_from:
        raise Refused(
            _("Kriteria berstatus %(status)s; tindakan ini tidak dapat dilakukan.")
            % {"status": current.get_status_display()}
        )
    fields = list(changes)
    before = _snapshot(current, fields)
    values = dict(changes)
    if to_status is not None:
        values["status"] = to_status
    updated = Assessment.objects.filter(
        pk=current.pk, version=version, status=current.status
    ).update(**values, version=F("version") + 1, updated_by=by, updated_at=timezone.now())
    if not updated:
        raise ConcurrentEdit(
            _conflict_message(Assessment.objects.select_related("updated_by").get(pk=current.pk))
        )
    fresh = Assessment.objects.select_related(
        "criterion__component", "round_agency__round", "round_agency__agency"
    ).get(pk=current.pk)
    event = AssessmentEvent.objects.create(
        assessment=fresh,
        kind=kind,
        actor=by,
        from_status=current.status,
        to_status=fresh.status,
        before=before,
        after=_snapshot(fresh, fields),
        reason=reason,
    )
    if fresh.status != current.status and fresh.status in NOTIFY_TRANSITIONS:
        _notify_after_commit([event.pk])
    return fresh, event


def _notify_after_commit(event_ids: list[int]) -> None:
    from berakhlak.jobs import job_enqueue
    from evaluations.tasks import lke_notify

    if event_ids:
        job_enqueue(lke_notify, event_ids)


# --- change agent --------------------------------------------------------------------------------


@transaction.atomic
def assessment_self_save(
    *, assessment: Assessment, by: User, version: int, answer: str, narrative: str
) -> Assessment:
    require(permissions.can_self_assess(by, assessment))
    answer = scoring.answer_normalise(assessment.criterion.answer_kind, answer) if answer else ""
    fresh, _event = _write(
        assessment=assessment,
        by=by,
        version=version,
        allowed_from=permissions.AGENT_EDITABLE,
        changes={"self_answer": answer, "self_narrative": narrative.strip()},
        kind=EventKind.SELF_ANSWER,
    )
    return fresh


@transaction.atomic
def assessment_submit(*, assessment: Assessment, by: User, version: int) -> Assessment:
    """Draft -> submitted, or revision requested -> resubmitted."""
    require(permissions.can_self_assess(by, assessment))
    problems = submit_problems(assessment)
    if problems:
        raise Refused(problems)
    to = S.RESUBMITTED if assessment.status == S.REVISION_REQUESTED else S.SUBMITTED
    fresh, _event = _write(
        assessment=assessment,
        by=by,
        version=version,
        allowed_from=permissions.AGENT_EDITABLE,
        changes={},
        kind=EventKind.TRANSITION,
        to_status=to,
    )
    return fresh


@transaction.atomic
def assessments_submit_all(*, round_agency: RoundAgency, by: User) -> tuple[int, list[str]]:
    """Submit every criterion that is ready; returns (submitted, reasons the others were not).

    One e-mail for the whole batch.
    """
    submitted, problems, event_ids = 0, [], []
    rows = Assessment.objects.filter(
        round_agency=round_agency, status__in=permissions.AGENT_EDITABLE
    ).select_related("criterion__component", "round_agency__round", "round_agency__agency")
    for assessment in rows:
        if not permissions.can_self_assess(by, assessment):
            problems.append(
                f"{assessment.criterion.code}: {permissions.can_self_assess(by, assessment).reason}"
            )
            continue
        reasons = submit_problems(assessment)
        if reasons:
            problems.append(f"{assessment.criterion.code}: {' '.join(reasons)}")
            continue
        to = S.RESUBMITTED if assessment.status == S.REVISION_REQUESTED else S.SUBMITTED
        updated = Assessment.objects.filter(
            pk=assessment.pk, version=assessment.version, status=assessment.status
        ).update(status=to, version=F("version") + 1, updated_by=by, updated_at=timezone.now())
        if not updated:
            problems.append(f"{assessment.criterion.code}: {_('baru saja diubah orang lain.')}")
            continue
        event = AssessmentEvent.objects.create(
            assessment=assessment,
            kind=EventKind.TRANSITION,
            actor=by,
            from_status=assessment.status,
            to_status=to,
        )
        event_ids.append(event.pk)
        submitted += 1
    _notify_after_commit(event_ids)
    return submitted, problems


# --- evidence ------------------------------------------------------------------------------------


def _locked_for_agent(assessment: Assessment, by: User) -> Assessment:
    locked = (
        Assessment.objects.select_for_update()
        .select_related("criterion", "round_agency__round", "round_agency__agency")
        .get(pk=assessment.pk)
    )
    require(permissions.can_add_evidence(by, locked))
    return locked


@transaction.atomic
def evidence_add(
    *,
    assessment: Assessment,
    by: User,
    fileobj,
    name: str,
    description: str,
    size: int | None = None,
    replaces: Evidence | None = None,
) -> Evidence:
    """Check and store one file; a replacement keeps the older file in the history."""
    description = (description or "").strip()
    if not description:
        raise Refused(_("Isi keterangan untuk berkas \u201c%(name)s\u201d.") % {"name": name})
    checked = uploads.evidence_file_check(fileobj, name=name, size=size)
    locked = _locked_for_agent(assessment, by)
    now = timezone.now()
    if replaces is not None:
        superseded = Evidence.objects.filter(
            pk=replaces.pk, assessment=locked, superseded_at__isnull=True, withdrawn_at__isnull=True
        ).update(superseded_at=now)
        if not superseded:
            raise Refused(_("Berkas yang hendak diganti sudah diganti atau ditarik."))
    evidence = Evidence(
        assessment=locked,
        storage_key=uuid.uuid4(),
        extension=checked.extension,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        original_name=checked.display_name,
        description=description[:300],
        replaces=replaces,
        uploaded_by=by,
    )
    fileobj.seek(0)
    evidence.file.save("evidence", File(fileobj), save=False)
    evidence.save()
    _file_event(
        locked,
        by,
        EventKind.EVIDENCE_REPLACED if replaces else EventKind.EVIDENCE_ADDED,
        before=_evidence_json(replaces) if replaces else {},
        after=_evidence_json(evidence),
    )
    return evidence


def evidence_add_files(
    *, assessment: Assessment, by: User, files: list[tuple], replaces: Evidence | None = None
) -> tuple[int, list[str]]:
    """Several uploads (file, description) at once, each on its own through `evidence_add`: a
    refused file does not stop the others. Returns (saved, the reasons of the refused ones)."""
    require(permissions.can_add_evidence(by, assessment))
    require(files, _("Pilih minimal satu berkas."))
    saved, errors = 0, []
    for upload, description in files:
        try:
            evidence_add(
                assessment=assessment,
                by=by,
                fileobj=upload,
                name=upload.name,
                size=upload.size,
                description=description,
                replaces=replaces,
            )
            saved += 1
        except Refused as refusal:
            errors.extend(refusal.messages)
        except uploads.UploadError as error:
            errors.append(f"{uploads.display_name_clean(upload.name)}: {error}")
    return saved, errors


@transaction.atomic
def evidence_attach_generated(
    *, user: User, agency, assessment_id: int, data: bytes, name: str, description: str
) -> Evidence:
    """A file another part of the product made (a forum's attendance list, the culture team) as a
    new evidence file of one criterion of `agency`'s own LKE: refused with the rule's reason
    (`permissions.can_add_evidence`), otherwise checked, stored and recorded in the criterion's
    history exactly as the LKE's own upload (`evidence_add`)."""
    target, decision = evidence_target(user, agency, assessment_id)
    require(decision)
    return evidence_add(
        assessment=target,
        by=user,
        fileobj=io.BytesIO(data),
        name=name,
        description=description,
        size=len(data),
    )


@transaction.atomic
def evidence_withdraw(*, evidence: Evidence, by: User, reason: str = "") -> Evidence:
    """Take a file out of the current set; it stays in the history and on disk."""
    locked = _locked_for_agent(evidence.assessment, by)
    updated = Evidence.objects.filter(
        pk=evidence.pk, assessment=locked, superseded_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    if not updated:
        raise Refused(_("Berkas ini sudah diganti atau ditarik."))
    _file_event(
        locked,
        by,
        EventKind.EVIDENCE_WITHDRAWN,
        before=_evidence_json(evidence),
        after={},
        reason=reason,
    )
    evidence.refresh_from_db()
    return evidence


def _evidence_json(evidence: Evidence) -> dict:
    return {
        "id": evidence.pk,
        "name": evidence.original_name,
        "description": evidence.description,
        "size": evidence.size,
        "sha256": evidence.sha256,
    }


def _file_event(assessment, by, kind, *, before, after, reason="") -> None:
    # A file change is a change of the assessment: bump its version so an open page notices.
    Assessment.objects.filter(pk=assessment.pk).update(
        version=F("version") + 1, updated_by=by, updated_at=timezone.now()
    )
    AssessmentEvent.objects.create(
        assessment=assessment,
        kind=kind,
        actor=by,
        from_status=assessment.status,
        to_status=assessment.status,
        before=before,
        after=after,
        reason=reason,
    )


# --- evaluator -----------------------------------------------------------------------------------

REVIEW_FIELDS = ("evaluator_answer", "evaluator_notes", "recommendation")


def _review_changes(assessment: Assessment, answer: str, notes: str, recommendation: str) -> dict:
    kind = assessment.criterion.answer_kind
    return {
        "evaluator_answer": scoring.answer_normalise(kind, answer) if answer else "",
        "evaluator_notes": notes.strip(),
        "recommendation": recommendation.strip(),
    }


@transaction.atomic
def assessment_review_save(
    *,
    assessment: Assessment,
    by: User,
    version: int,
    answer: str,
    notes: str,
    recommendation: str,
) -> Assessment:
    """Save the evaluator's work in progress; a submitted criterion moves to "in review"."""
    require(permissions.can_review(by, assessment))
    to = S.IN_REVIEW if assessment.status in (S.SUBMITTED, S.RESUBMITTED) else None
    fresh, _event = _write(
        assessment=assessment,
        by=by,
        version=version,
        allowed_from=permissions.REVIEWABLE,
        changes={
            **_review_changes(assessment, answer, notes, recommendation),
            "evaluator_id": by.pk,
        },
        kind=EventKind.EVALUATOR_SCORE,
        to_status=to,
    )
    return fresh


@transaction.atomic
def assessment_score(
    *,
    assessment: Assessment,
    by: User,
    version: int,
    answer: str,
    notes: str,
    recommendation: str,
) -> Assessment:
    require(permissions.can_review(by, assessment))
    if not answer:
        raise Refused(_("Pilih jawaban evaluator sebelum memberi nilai."))
    fresh, _event = _write(
        assessment=assessment,
        by=by,
        version=version,
        allowed_from=permissions.REVIEWABLE,
        changes={
            **_review_changes(assessment, answer, notes, recommendation),
            "evaluator_id": by.pk,
        },
        kind=EventKind.EVALUATOR_SCORE,
        to_status=S.SCORED,
    )
    return fresh


@transaction.atomic
def assessment_request_revision(
    *,
    assessment: Assessment,
    by: User,
    version: int,
    notes: str,
    recommendation: str = "",
    deadline: dt.date | None,
    answer: str = "",
) -> Assessment:
    """Return the criterion to the agency with what to fix and by when."""
    require(permissions.can_review(by, assessment))
    if not notes.strip():
        raise Refused(_("Tulis apa yang perlu diperbaiki agen perubahan."))
    if deadline is None:
        raise Refused(_("Tentukan batas waktu perbaikan."))
    if deadline < timezone.localdate():
        raise Refused(_("Batas waktu perbaikan tidak boleh sebelum hari ini."))
    changes = _review_changes(assessment, answer, notes, recommendation)
    fresh, _event = _write(
        assessment=assessment,
        by=by,
        version=version,
        allowed_from=permissions.REVIEWABLE - {S.SCORED},
        changes={**changes, "revision_deadline": deadline, "evaluator_id": by.pk},
        kind=EventKind.TRANSITION,
        to_status=S.REVISION_REQUESTED,
        reason=notes.strip(),
    )
    return fresh


def assessment_review(
    *,
    assessment: Assessment,
    by: User,
    version: int,
    action: str,
    answer: str,
    notes: str,
    recommendation: str,
    deadline: dt.date | None = None,
) -> Assessment:
    """The evaluator's form: "revision" returns the criterion to the agency, "score" scores it,
    anything else saves the work in progress."""
    fields = {"answer": answer, "notes": notes, "recommendation": recommendation}
    if action == "revision":
        return assessment_request_revision(
            assessment=assessment, by=by, version=version, deadline=deadline, **fields
        )
    if action == "score":
        return assessment_score(assessment=assessment, by=by, version=version, **fields)
    return assessment_review_save(assessment=assessment, by=by, version=version, **fields)


@transaction.atomic
def assessment_finalise(
    *, assessment: Assessment, by: User, version: int, answer: str, reason: str
) -> Assessment:
    """Scored -> final; a reason is required wherever the final answer differs from the self one."""
    require(permissions.can_finalise(by, assessment))
    kind = assessment.criterion.answer_kind
    answer = scoring.answer_normalise(kind, answer or assessment.evaluator_answer)
    reason = reason.strip()
    if answer != assessment.self_answer and not reason:
        raise Refused(
            _(
                "Nilai akhir (%(final)s) berbeda dari penilaian mandiri (%(self)s); "
                "tuliskan alasannya."
            )
            % {"final": answer, "self": assessment.self_answer}
        )
    fresh, _event = _write(
        assessment=assessment,
        by=by,
        version=version,
        allowed_from={S.SCORED},
        changes={"final_answer": answer, "final_reason": reason},
        kind=EventKind.FINAL_SCORE,
        to_status=S.FINAL,
        reason=reason,
    )
    return fresh


# --- appeal (optional window per round) -----------------------------------------------------------


@transaction.atomic
def assessment_appeal(*, assessment: Assessment, by: User, version: int, reason: str) -> Assessment:
    """Final -> appealed: the agency contests the final score, once, with its reason."""
    require(permissions.can_appeal(by, assessment))
    reason = reason.strip()
    if not reason:
        raise Refused(_("Tuliskan alasan sanggahan."))
    fresh, _event = _write(
        assessment=assessment,
        by=by,
        version=version,
        allowed_from={S.FINAL},
        changes={"appeal_reason": reason, "appealed_at": timezone.now()},
        kind=EventKind.TRANSITION,
        to_status=S.APPEALED,
        reason=reason,
    )
    return fresh


@transaction.atomic
def assessment_appeal_decide(
    *, assessment: Assessment, by: User, version: int, accept: bool, answer: str, reason: str
) -> Assessment:
    """Appealed -> final: accepted with a new final answer, or rejected; a reason either way."""
    require(permissions.can_decide_appeal(by, assessment))
    reason = reason.strip()
    if not reason:
        raise Refused(_("Tuliskan alasan putusan sanggahan."))
    if not accept:
        fresh, _event = _write(
            assessment=assessment,
            by=by,
            version=version,
            allowed_from={S.APPEALED},
            changes={},
            kind=EventKind.TRANSITION,
            to_status=S.FINAL,
            reason=reason,
        )
        return fresh
    answer = scoring.answer_normalise(assessment.criterion.answer_kind, answer)
    if answer == assessment.final_answer:
        raise Refused(
            _("Sanggahan diterima berarti nilai akhir berubah; pilih jawaban selain %(answer)s.")
            % {"answer": answer}
        )
    fresh, _event = _write(
        assessment=assessment,
        by=by,
        version=version,
        allowed_from={S.APPEALED},
        changes={"final_answer": answer, "final_reason": reason},
        kind=EventKind.FINAL_SCORE,
        to_status=S.FINAL,
        reason=reason,
    )
    return fresh
