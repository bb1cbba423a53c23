"""Per-response scores, computed once at submit (docs/ARCHITECTURE.md §5).

Behaviour item score = (x - 1) / (N - 1) x 100 on an N-point scale, with x replaced by N + 1 - x
for reverse-scored items; a value's score is the mean of its items' scores. Kept unrounded: the
indices round once, at the end (docs/ARCHITECTURE.md §7).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

VALUE_CODES = ("BP", "AK", "KO", "HA", "LO", "AD", "KL")
SELECTION_QUESTIONS = ("PERSONAL", "CURRENT", "DESIRED")


@dataclass(frozen=True)
class ScoredItem:
    code: str
    value_code: str | None
    reverse: bool = False


@dataclass(frozen=True)
class ScoredOption:
    code: str
    value_code: str | None
    limiting: bool


def item_score(answer: int, scale_points: int, reverse: bool = False) -> float:
    if not 1 <= answer <= scale_points:
        raise ValueError(f"answer {answer} outside 1..{scale_points}")
    if reverse:
        answer = scale_points + 1 - answer
    return (answer - 1) / (scale_points - 1) * 100


def value_scores(
    answers: Mapping[str, int], items: Iterable[ScoredItem], scale_points: int
) -> dict[str, float | None]:
    """Mean item score per value code; None for a value with no answered item."""
    sums: dict[str, list[float]] = {code: [] for code in VALUE_CODES}
    for item in items:
        if item.value_code is None or item.code not in answers:
            continue
        sums.setdefault(item.value_code, []).append(
            item_score(int(answers[item.code]), scale_points, item.reverse)
        )
    return {code: (sum(s) / len(s) if s else None) for code, s in sums.items()}


def mean_score(
    answers: Mapping[str, int], items: Iterable[ScoredItem], scale_points: int
) -> float | None:
    scores = [
        item_score(int(answers[item.code]), scale_points, item.reverse)
        for item in items
        if item.code in answers
    ]
    return sum(scores) / len(scores) if scores else None


def selection_summary(
    choices: Mapping[str, Iterable[str]], options: Iterable[ScoredOption]
) -> dict[str, object]:
    """Value codes chosen per question (sorted, comma-joined) and limiting choices in CURRENT."""
    by_code = {option.code: option for option in options}
    summary: dict[str, object] = {}
    for question in SELECTION_QUESTIONS:
        chosen = [by_code[c] for c in choices.get(question, ()) if c in by_code]
        summary[question] = ",".join(sorted({o.value_code for o in chosen if o.value_code}))
        if question == "CURRENT":
            summary["CURRENT_LIMITING"] = sum(1 for o in chosen if o.limiting)
    return summary
