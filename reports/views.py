"""Pages of the indices. The method page is public by design (DESIGN.md section 11)."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import render

from evaluations.models import Round, RoundStatus
from reports import suppression
from reports.figures import individual_index, round_half_up
from reports.models import METHOD_VERSION, VALUE_CODES

NATIONAL_2022 = dict(
    zip(VALUE_CODES, ("57.9", "74.1", "56.7", "63.8", "65.8", "38.9", "69.4"), strict=True)
)


def method(request):
    """How every figure is computed, in plain Indonesian; numbers from the latest published round
    (or the defaults when none is published yet)."""
    published = (
        Round.objects.filter(status__in=(RoundStatus.PUBLISHED, RoundStatus.ARCHIVED))
        .order_by("-year", "-pk")
        .first()
    )
    settings_round = published or Round()
    example = {code: Decimal(v) for code, v in NATIONAL_2022.items()}
    context = {
        "round": settings_round,
        "published": published,
        "method_version": METHOD_VERSION,
        "minimum": suppression.group_minimum(settings_round.min_group),
        "comment_minimum": suppression.comment_minimum(
            settings_round.min_comment_group, settings_round.min_group
        ),
        "absolute_minimum": suppression.ABSOLUTE_MINIMUM,
        "example": [
            (code, value, settings_round.band_for(value)) for code, value in example.items()
        ],
        "example_index": round_half_up(individual_index(example)),
    }
    return render(request, "reports/method.html", context)
