"""Demo step of the indices: last year's round computed and published, this year's provisional."""

from __future__ import annotations

from berakhlak.demo import demo_admin, demo_step
from evaluations.models import Round, RoundStatus
from evaluations.services import round_live_to_leaders_set, round_transition
from reports.models import IndexRun
from reports.services.compute import index_compute_now


@demo_step("indeks")
def seed_demo_indices(**_kwargs) -> list[str]:
    lines = []
    rounds = Round.objects.filter(
        status__in=(RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.COMPUTED)
    ).order_by("year")
    for round in rounds:
        if IndexRun.objects.filter(round=round).exists():
            lines.append(f"indeks '{round.name}' sudah dihitung")
        else:
            run, computed = index_compute_now(round=round)
            lines.append(
                f"indeks '{round.name}' dihitung" if computed else f"indeks '{round.name}': {run}"
            )
        round.refresh_from_db()
        # Last year's round (closed, so computed as final when it closed) is published.
        if round.status == RoundStatus.COMPUTED:
            round_transition(round=round, to=RoundStatus.PUBLISHED)
            lines.append(f"hasil '{round.name}' dipublikasikan")
        # This year's open round: its provisional figures opened to the leaders, so that the demo
        # leaders see the trend and the changes against last year at once.
        if round.status == RoundStatus.OPEN and not round.live_to_leaders:
            round_live_to_leaders_set(round=round, live=True, by=demo_admin())
            lines.append(f"angka sementara '{round.name}' dibuka untuk pimpinan")
    from evaluations.plans.demo import plans_demo_prepare

    lines += plans_demo_prepare()  # the agenda perubahan needs published results
    return lines or ["tidak ada putaran untuk dihitung"]
