"""Reads of the survey side of a round for the Biro Organisasi: the round panel's counts and the
rounds that take paper answers (docs/ARCHITECTURE.md §2)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from berakhlak.models import User
from evaluations.models import Round, RoundStatus
from evaluations.selectors import rounds_for_admin
from surveys.models import PaperImport, ParticipationStatus, ResponseRelease, SealedSubmission


def round_participation_counts(round: Round) -> dict:
    """Invited, started, submitted, paper, percent, waiting (sealed), released, the release."""
    counts = round.participations.aggregate(
        invited=Count("pk"),
        started=Count("pk", filter=Q(status=ParticipationStatus.STARTED)),
        submitted=Count("pk", filter=Q(status=ParticipationStatus.SUBMITTED)),
    )
    counts["paper"] = PaperImport.objects.filter(round=round).aggregate(n=Sum("count"))["n"] or 0
    invited = counts["invited"] or 0
    counts["percent"] = round_percent(counts["submitted"], invited)
    counts["waiting"] = SealedSubmission.objects.filter(round=round).count()
    counts["released"] = round.responses.count()
    counts["release"] = ResponseRelease.objects.filter(round=round).first()
    return counts


def round_percent(part: int, whole: int) -> int:
    return round(part * 100 / whole) if whole else 0


def paper_importable_rounds(user: User) -> QuerySet[Round]:
    """The admin's rounds that take paper answers: open or closed (not yet computed)."""
    return rounds_for_admin(user).filter(status__in=(RoundStatus.OPEN, RoundStatus.CLOSED))
