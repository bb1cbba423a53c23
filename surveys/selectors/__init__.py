"""Scoped reads for surveys (docs/ARCHITECTURE.md §2): the survey and one's own participation in
`survey.py`, the response-rate board in `board.py`, the round panel's counts and the rounds that
take paper answers in `rounds.py`.

Re-exported here: what other modules read as `surveys.selectors.<name>`."""

from surveys.selectors.survey import (
    DraftUnreadable,
    Question,
    Survey,
    draft_answers,
    draft_open,
    get_participation_for_user,
    participations_for_user,
    round_instruments,
    survey_build,
    survey_for_round,
)

__all__ = [
    "DraftUnreadable",
    "Question",
    "Survey",
    "draft_answers",
    "draft_open",
    "get_participation_for_user",
    "participations_for_user",
    "round_instruments",
    "survey_build",
    "survey_for_round",
]
