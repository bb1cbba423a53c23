"""PDF reports: the province report (every OPD of the demo province) and one agency's report.

Baseline, in the same run: a one-page WeasyPrint document with the same fonts. Targets (issue 6):
province <= 20 s, agency <= 3 s on a 2-core machine.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from bench import verdict_line

PER_UNIT = 25


def _timed(step) -> tuple[float, object]:
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, result


def run(workdir: Path) -> None:
    from bench.indices import _province, _round
    from berakhlak.pdf import STATIC_DIR
    from evaluations.models import RoundAgency, RoundStatus
    from reports.printing.services import report_bytes
    from reports.services.compute import index_compute_now
    from surveys.models import Response

    admin = _province()
    round = _round(admin)
    units = list(RoundAgency.objects.filter(round=round))
    rng = random.Random(7)
    rows = []
    for unit in units:
        shift = rng.gauss(0, 8)
        for _ in range(PER_UNIT):
            scores = {
                f"score_{c}": max(0.0, min(100.0, rng.gauss(62 + shift, 12)))
                for c in ("bp", "ak", "ko", "ha", "lo", "ad", "kl")
            }
            rows.append(Response(round=round, round_agency=unit, asn_type="PNS", **scores))
    Response.objects.bulk_create(rows, batch_size=2000)
    round.status = RoundStatus.CLOSED
    round.save(update_fields=["status"])
    index_compute_now(round=round)
    opds = sum(1 for u in units if u.depth == 1)
    print(f"{len(units)} units ({opds} directly under the province), {len(rows)} responses")

    from weasyprint import HTML

    css = (STATIC_DIR / "css" / "print.css").as_uri()
    trivial = f'<link rel="stylesheet" href="{css}"><h1>BerAKHLAK</h1><p>Satu halaman.</p>'
    base, _ = _timed(lambda: HTML(string=trivial, base_url=STATIC_DIR.as_uri() + "/").write_pdf())
    base = min(
        base,
        _timed(lambda: HTML(string=trivial, base_url=STATIC_DIR.as_uri() + "/").write_pdf())[0],
    )
    agency = next(u for u in units if u.code == "DINKES")
    province, content = _timed(lambda: report_bytes(round=round, agency=None, format="pdf"))
    one, one_content = _timed(lambda: report_bytes(round=round, agency=agency, format="pdf"))
    print(f"one-page baseline:   {base * 1000:7.0f} ms")
    verdict_line(
        "reports_pdf_province",
        f"{province * 1000:.0f} ms, {len(content) // 1024} KiB, {province / base:.1f}x baseline",
        "<= 20 s",
        province <= 20,
    )
    verdict_line(
        "reports_pdf_agency",
        f"{one * 1000:.0f} ms, {len(one_content) // 1024} KiB, {one / base:.1f}x baseline",
        "<= 3 s",
        one <= 3,
    )
