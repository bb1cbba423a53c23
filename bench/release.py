"""Sealed answers at scale: provisional figures from waiting submissions, and the release.

200,000 sealed answer sheets over the demo province (66 units, ASN mix 72/18/7/3). Baselines,
measured in the same run on the same rows:
  - provisional inputs (open every sealed summary, keep the oldest per cell in steps of the
    minimum) against a bare loop that streams the same summaries from the database and opens
    them with PyNaCl: the least any sealed design has to do;
  - the release (two passes, generalisation, shuffled write, sealed note) against a plain
    `bulk_create` of the same responses: the least any write of them has to do;
  - the release's peak memory above the process's memory before it (bounded: it holds ids, not
    sheets).
"""

from __future__ import annotations

import gc
import random
import time
from pathlib import Path

SHEETS = 200_000
_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _rss_kib(field: str) -> int:
    for line in _STATUS.read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    return 0


def _timed(step) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def line(name: str, value: float, unit: str, target: float, ok: bool) -> None:
    print(
        f"bench {name}: {value:.2f}{unit} (target {target:g}{unit}): {'met' if ok else 'NOT met'}"
    )


def run(workdir: Path) -> None:
    from django.db import transaction

    from bench.indices import _province, _round
    from evaluations.models import Round, RoundAgency, RoundStatus
    from reports.inputs import compute_inputs
    from surveys import sealing
    from surveys.models import Response, ResponseSource, SealedSubmission
    from surveys.selectors import survey_for_round
    from surveys.services.filling import response_fields, submission_seal
    from surveys.services.release import responses_release

    admin = _province()
    round = _round(admin)
    survey = survey_for_round(round)
    agencies = list(RoundAgency.objects.filter(round=round).values_list("pk", flat=True))
    rng = random.Random(2026)
    types = ["PNS"] * 72 + ["PPPK"] * 18 + ["CPNS"] * 7 + ["PPPK_PARUH_WAKTU"] * 3
    templates = []
    for value in range(1, 7):
        answers = {
            q.key: [c for c, _t in q.options[: q.pick_count]] if q.kind == "pick" else value
            for q in survey.questions
        }
        templates.append(response_fields(survey, answers))
    weights = [rng.paretovariate(1.2) for _ in agencies]  # a few big units, many small
    started = time.perf_counter()
    plain = []
    with transaction.atomic():
        batch = []
        for n in range(SHEETS):
            agency = rng.choices(agencies, weights)[0]
            asn_type = rng.choice(types)
            fields = templates[n % 6]
            batch.append(
                submission_seal(
                    round_id=round.pk,
                    round_agency_id=agency,
                    asn_type=asn_type,
                    source=ResponseSource.WEB,
                    fields=fields,
                )
            )
            plain.append((agency, asn_type, fields))
            if len(batch) == 5000:
                SealedSubmission.objects.bulk_create(batch)
                batch = []
        SealedSubmission.objects.bulk_create(batch)
    print(f"sealed {SHEETS:,} answer sheets in {time.perf_counter() - started:.1f} s")

    # Provisional inputs vs the work any reader of the sealed summaries must do: stream them from
    # the database and open each one.
    def bare_open():
        rows = (
            SealedSubmission.objects.filter(round=round)
            .values_list("id", "key_id", "summary")
            .iterator(chunk_size=2000)
        )
        for row_id, key_id, blob in rows:
            sealing.unseal(blob, key_id=key_id, purpose="summary", context=f"{round.pk}|{row_id}")

    bare = min(_timed(bare_open) for _ in range(2))
    gc.collect()
    provisional = min(_timed(lambda: compute_inputs(round, provisional=True)) for _ in range(2))
    ratio = provisional / bare
    print(f"opening {SHEETS:,} summaries: {bare:.2f} s; provisional inputs: {provisional:.2f} s")
    line("provisional_inputs_ratio", ratio, "x", 2, ratio <= 2)

    # Plain write of the same responses (rolled back) vs the release.
    def plain_write():
        with transaction.atomic():
            Response.objects.bulk_create(
                (
                    Response(round_id=round.pk, round_agency_id=a, asn_type=t, **f)
                    for a, t, f in plain
                ),
                batch_size=2000,
            )
            transaction.set_rollback(True)

    baseline = _timed(plain_write)
    plain = []
    gc.collect()
    # Closed without the signal, which would release at once in this (eager) process.
    Round.objects.filter(pk=round.pk).update(status=RoundStatus.CLOSED)
    round.refresh_from_db()
    before_kib = _rss_kib("VmRSS:")
    try:
        _CLEAR_REFS.write_text("5")
        peak_known = True
    except OSError:
        peak_known = False
    release = _timed(lambda: responses_release(round=round))
    extra_mib = (_rss_kib("VmHWM:") - before_kib) / 1024 if peak_known else float("nan")
    released = Response.objects.filter(round=round).count()
    print(
        f"plain write of {SHEETS:,} responses: {baseline:.2f} s; release: {release:.2f} s "
        f"({released:,} released)"
    )
    line("release_ratio", release / baseline, "x", 3, release / baseline <= 3)
    line("release_extra_memory", extra_mib, " MiB", 300, extra_mib <= 300)
    final = _timed(lambda: compute_inputs(round, provisional=False))
    print(f"final inputs after the release (the sealed corrections only): {final * 1000:.0f} ms")
