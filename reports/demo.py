"""Demo step of the indices: compute the demo round once so that `make run` shows figures."""

from __future__ import annotations

from berakhlak.demo import demo_step
from evaluations.models import Round, RoundStatus
from reports.models import IndexRun
from reports.services.compute import index_compute_now


@demo_step("indeks")
def seed_demo_indices(**_kwargs) -> list[str]:
    lines = []
    for round in Round.objects.filter(status__in=(RoundStatus.OPEN, RoundStatus.CLOSED)):
        if IndexRun.objects.filter(round=round).exists():
            lines.append(f"indeks '{round.name}' sudah dihitung")
            continue
        run, computed = index_compute_now(round=round)
        lines.append(
            f"indeks '{round.name}' dihitung" if computed else f"indeks '{round.name}': {run}"
        )
    return lines or ["tidak ada putaran untuk dihitung"]
