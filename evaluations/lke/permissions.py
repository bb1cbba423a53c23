"""Who may do what in the institutional assessment (LKE): allowed, or denied with a reason.

- Admin (ADMIN grant over the round's tree): builds and freezes the worksheet, assigns evaluators,
  sees every agency's worksheet, evidence and audit trail, the province's LKE recap, and may set
  final scores.
- Change agent (CHANGE_AGENT grant covering the agency): self-assesses and uploads evidence for
  that agency only; reads its audit trail and recap and downloads its evidence in one archive.
- Evaluator: reviews an agency only while BOTH hold: an EvaluatorAssignment for that round agency
  and an EVALUATOR grant covering it. The grant is the pool an admin may assign from (assignments
  are created from the grants in one click); revoking the grant ends the access at once. An
  evaluator never sees a criterion the agency has not submitted yet (a draft), nor its files or
  its trail; the assigned evaluator reads the agency's audit trail and recap and downloads its
  submitted evidence in one archive, as a PMPRB evaluator does.
- Leaders and ASN have no LKE pages: they see the institutional index in the published reports.

Outsiders get 404: the views turn every denial of "view" into Http404.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berakhlak.models import Role, User
from berakhlak.permissions import ALLOWED, Decision, in_scope
from evaluations.models import (
    Assessment,
    AssessmentStatus,
    EvaluatorAssignment,
    Round,
    RoundAgency,
    RoundStatus,
)

S = AssessmentStatus
AGENT_EDITABLE = {S.DRAFT, S.REVISION_REQUESTED}
REVIEWABLE = {S.SUBMITTED, S.IN_REVIEW, S.RESUBMITTED, S.SCORED}
REVIEW_ROUND_STATES = {RoundStatus.OPEN, RoundStatus.CLOSED}
# Agencies that fill an LKE: the OPD level, directly under the round's root.
LKE_DEPTH = 1


def _deny(reason) -> Decision:
    return Decision(False, str(reason))


def is_round_admin(user: User, round: Round) -> bool:
    return in_scope(user, round.root, (Role.ADMIN,))


def is_agency_agent(user: User, round_agency: RoundAgency) -> bool:
    return in_scope(user, round_agency.agency, (Role.CHANGE_AGENT,))


def is_assigned_evaluator(user: User, round_agency: RoundAgency) -> bool:
    if not in_scope(user, round_agency.agency, (Role.EVALUATOR,)):
        return False
    return EvaluatorAssignment.objects.filter(round_agency=round_agency, evaluator=user).exists()


def is_decider(user: User, round_agency: RoundAgency) -> bool:
    """Who sets a final score and decides an appeal: the unit's assigned evaluator or an admin."""
    return is_assigned_evaluator(user, round_agency) or is_round_admin(user, round_agency.round)


def can_manage_worksheet(user: User, round: Round) -> Decision:
    if is_round_admin(user, round):
        return ALLOWED
    return _deny(_("Lembar kerja LKE hanya dikelola oleh Admin Biro Organisasi."))


def can_view_agency_worksheet(user: User, round_agency: RoundAgency) -> Decision:
    if (
        is_round_admin(user, round_agency.round)
        or is_agency_agent(user, round_agency)
        or is_assigned_evaluator(user, round_agency)
    ):
        return ALLOWED
    return _deny(_("LKE unit ini di luar cakupan peran Anda."))


def can_view_assessment(user: User, assessment: Assessment) -> Decision:
    round_agency = assessment.round_agency
    if is_round_admin(user, round_agency.round) or is_agency_agent(user, round_agency):
        return ALLOWED
    if is_assigned_evaluator(user, round_agency) and assessment.status != S.DRAFT:
        return ALLOWED
    return _deny(_("Kriteria ini di luar cakupan peran Anda."))


def evidence_window_open(round: Round, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        round.status == RoundStatus.OPEN
        and round.evidence_opens_on <= today <= round.evidence_closes_on
    )


def can_self_assess(user: User, assessment: Assessment, today: dt.date | None = None) -> Decision:
    """Answer, explain and upload evidence: the agency's change agent, while the item is theirs."""
    round_agency = assessment.round_agency
    if not is_agency_agent(user, round_agency):
        return _deny(_("Hanya agen perubahan unit ini yang mengisi penilaian mandiri."))
    today = today or timezone.localdate()
    round = round_agency.round
    if assessment.status == S.REVISION_REQUESTED:
        if round.status not in REVIEW_ROUND_STATES:
            return _deny(_("Putaran sudah selesai; perbaikan tidak dapat dikirim lagi."))
        if assessment.revision_deadline and today > assessment.revision_deadline:
            return _deny(
                _("Batas waktu perbaikan (%(date)s) sudah lewat.")
                % {"date": assessment.revision_deadline.strftime("%d-%m-%Y")}
            )
        return ALLOWED
    if assessment.status != S.DRAFT:
        return _deny(
            _(
                "Kriteria ini sudah diajukan (%(status)s); perubahan hanya bila evaluator meminta perbaikan."
            )
            % {"status": assessment.get_status_display()}
        )
    if round.status != RoundStatus.OPEN:
        return _deny(
            _(
                "Putaran %(round)s tidak sedang dibuka (%(status)s); bukti hanya dapat diunggah selama putaran dibuka."
            )
            % {"round": round.name, "status": round.get_status_display()}
        )
    if not evidence_window_open(round, today):
        return _deny(
            _("Masa unggah bukti adalah %(start)s sampai %(end)s.")
            % {
                "start": round.evidence_opens_on.strftime("%d-%m-%Y"),
                "end": round.evidence_closes_on.strftime("%d-%m-%Y"),
            }
        )
    return ALLOWED


def can_add_evidence(
    user: User, assessment: Assessment | None, *, agency=None, today: dt.date | None = None
) -> Decision:
    """THE rule for adding a file to a criterion's evidence, whatever makes the file: the LKE's own
    upload, a forum's attendance list, the culture team of the action plans
    (docs/ARCHITECTURE.md §6). `agency`, when given, is the agency the caller acts for: the
    criterion must be of that agency's own LKE. Then the self-assessment rule decides: the
    agency's change agent; a draft inside the open round's evidence window, or a requested
    revision before its deadline while the round is open or closed; never a criterion that is
    submitted, under review, scored, final or appealed."""
    if assessment is None:
        if agency is not None:
            return _deny(
                _("Kriteria itu tidak ada di LKE %(unit)s; buka dulu LKE unit ini.")
                % {"unit": agency.name}
            )
        return _deny(_("Kriteria itu tidak ada."))
    round_agency = assessment.round_agency
    if agency is not None and (
        round_agency.agency_id != agency.pk or round_agency.depth != LKE_DEPTH
    ):
        return _deny(_("Kriteria itu bukan milik LKE %(unit)s.") % {"unit": agency.name})
    return can_self_assess(user, assessment, today)


def can_download_evidence(user: User, assessment: Assessment) -> Decision:
    return can_view_assessment(user, assessment)


def _review_window(round: Round, today: dt.date | None) -> Decision:
    today = today or timezone.localdate()
    if round.status not in REVIEW_ROUND_STATES:
        return _deny(_("Putaran ini tidak lagi dalam masa penilaian."))
    if today < round.review_opens_on:
        return _deny(
            _("Masa penilaian dimulai %(date)s.")
            % {"date": round.review_opens_on.strftime("%d-%m-%Y")}
        )
    return ALLOWED


def can_review(user: User, assessment: Assessment, today: dt.date | None = None) -> Decision:
    """Evaluator answer, notes, recommendation, revision request and score."""
    round_agency = assessment.round_agency
    if not is_assigned_evaluator(user, round_agency):
        return _deny(_("Hanya evaluator yang ditugaskan untuk unit ini yang dapat menilai."))
    if assessment.status not in REVIEWABLE:
        return _deny(
            _("Kriteria berstatus %(status)s tidak dapat dinilai sekarang.")
            % {"status": assessment.get_status_display()}
        )
    return _review_window(round_agency.round, today)


def can_finalise(user: User, assessment: Assessment, today: dt.date | None = None) -> Decision:
    round_agency = assessment.round_agency
    if not is_decider(user, round_agency):
        return _deny(_("Nilai akhir ditetapkan oleh evaluator yang ditugaskan atau admin."))
    if assessment.status != S.SCORED:
        return _deny(_("Nilai akhir ditetapkan setelah evaluator memberi nilai."))
    return _review_window(round_agency.round, today)


def appeal_window_open(round: Round, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        round.status in REVIEW_ROUND_STATES
        and round.appeal_opens_on is not None
        and round.appeal_opens_on <= today <= round.appeal_closes_on
    )


def can_appeal(user: User, assessment: Assessment, today: dt.date | None = None) -> Decision:
    """The agency's change agent contests a final score once, inside the round's appeal window."""
    round_agency = assessment.round_agency
    if not is_agency_agent(user, round_agency):
        return _deny(_("Hanya agen perubahan unit ini yang dapat menyanggah nilai."))
    round = round_agency.round
    if round.appeal_opens_on is None:
        return _deny(_("Putaran ini tidak memiliki masa sanggah."))
    if assessment.status != S.FINAL:
        return _deny(_("Hanya nilai akhir (final) yang dapat disanggah."))
    if assessment.appealed_at is not None:
        return _deny(_("Nilai kriteria ini sudah pernah disanggah; sanggahan hanya satu kali."))
    if not appeal_window_open(round, today):
        return _deny(
            _("Masa sanggah adalah %(start)s sampai %(end)s.")
            % {
                "start": round.appeal_opens_on.strftime("%d-%m-%Y"),
                "end": round.appeal_closes_on.strftime("%d-%m-%Y"),
            }
        )
    return ALLOWED


def can_decide_appeal(user: User, assessment: Assessment) -> Decision:
    round_agency = assessment.round_agency
    if not is_decider(user, round_agency):
        return _deny(_("Sanggahan diputus oleh evaluator yang ditugaskan atau admin."))
    if assessment.status != S.APPEALED:
        return _deny(_("Kriteria ini tidak sedang disanggah."))
    if round_agency.round.status not in REVIEW_ROUND_STATES:
        return _deny(_("Putaran ini tidak lagi dalam masa penilaian."))
    return ALLOWED


def can_view_audit(user: User, round_agency: RoundAgency) -> Decision:
    """The agency's audit trail: the admin, the agency's own change agent and its assigned
    evaluator (who reads only the criteria the agency has submitted, as everywhere)."""
    return can_view_agency_worksheet(user, round_agency)


def can_download_all_evidence(user: User, round_agency: RoundAgency) -> Decision:
    """One archive of the agency's evidence: whoever sees the agency's worksheet; each file in it
    still passes `can_download_evidence` (an evaluator gets no draft's files)."""
    return can_view_agency_worksheet(user, round_agency)


def can_view_recap(user: User, round_agency: RoundAgency) -> Decision:
    """The agency's LKE recap (Excel, PDF): whoever sees its worksheet, with the same rows."""
    return can_view_agency_worksheet(user, round_agency)


def can_view_province_recap(user: User, round: Round) -> Decision:
    if is_round_admin(user, round):
        return ALLOWED
    return _deny(_("Rekap LKE provinsi hanya untuk Admin Biro Organisasi."))
