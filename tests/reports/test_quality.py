"""Instrument quality (docs/ARCHITECTURE.md §7.5): Cronbach's alpha per value and for the whole
instrument, corrected item-total correlations and the straight-lined share, against numpy on the
same answers; province level only, never under the group minimum."""

from __future__ import annotations

import random

import numpy as np
import pytest

from reports import stats
from reports.services import compute
from reports.services.quality import instrument_quality_compute
from surveys.models import Item, RoundInstrument
from tests.reports.factories import respond
from tests.surveys.factories import behaviour_instrument, open_round

pytestmark = pytest.mark.django_db


def _alpha(matrix: np.ndarray) -> float:
    k = matrix.shape[1]
    return k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))


def _round_with_answers(province, count: int, seed: int = 3):
    instrument = behaviour_instrument(reverse=("AK2",))
    round = open_round(province, instruments=[instrument])
    codes = list(
        Item.objects.filter(instrument=instrument).order_by("order").values_list("code", flat=True)
    )
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        if n % 5 == 0:  # straight-lined: every answer the same
            answers = dict.fromkeys(codes, rng.randint(1, 6))
        else:
            trait = rng.randint(1, 6)
            answers = {c: min(6, max(1, trait + rng.randint(-2, 2))) for c in codes}
            answers["AK2"] = 7 - answers["AK2"] if rng.random() < 0.8 else answers["AK2"]
        unit = rng.choice(("DINKES", "DISDIK"))
        respond(round, unit, 50, answers=answers)
        rows.append({**answers, "_unit": unit})
    respond(round, "DISDIK", 50, answers={"BP1": 3})  # incomplete: not counted
    return round, codes, rows


def test_alpha_item_total_and_straight_lining_against_numpy(province):
    round, codes, rows = _round_with_answers(province, 40)
    units_of = [r.pop("_unit") for r in rows]
    run, _computed = compute.index_compute_now(round=round)
    quality = instrument_quality_compute(run)
    raw = np.array([[r[c] for c in codes] for r in rows], dtype=float)
    scored = raw.copy()
    scored[:, codes.index("AK2")] = 7 - scored[:, codes.index("AK2")]
    assert quality.responses == 40
    assert float(quality.straight_share) == pytest.approx(8 / 40 * 100)
    assert float(quality.alpha) == pytest.approx(_alpha(scored), abs=0.0006)
    by_value = {v["code"]: v for v in quality.values}
    assert set(by_value) == {"BP", "AK", "KO", "HA", "LO", "AD", "KL"}
    ak = [codes.index(c) for c in ("AK1", "AK2", "AK3")]
    assert by_value["AK"]["alpha"] == pytest.approx(_alpha(scored[:, ak]), abs=0.0006)
    item = codes.index("AK1")
    rest = scored[:, [i for i in ak if i != item]].sum(axis=1)
    expected = np.corrcoef(scored[:, item], rest)[0, 1]
    got = next(i for i in by_value["AK"]["items"] if i["code"] == "AK1")
    assert got["r"] == pytest.approx(expected, abs=0.0006)
    assert got["flagged"] == (expected < stats.ITEM_REST_LOW)
    # Units: DINKES and DISDIK (published, >= 5 complete answers) get their alpha from their own
    # answers; units without a published index (BIRO-ORG, UPTD-LAB: no answers) get none.
    units = {u["code"]: u for u in quality.units}
    assert set(units) == {"DINKES", "DISDIK"}
    dinkes = [i for i, u in enumerate(units_of) if u == "DINKES"]
    assert units["DINKES"]["m"] == len(dinkes)
    assert units["DINKES"]["alpha"] == pytest.approx(_alpha(scored[dinkes]), abs=0.0006)
    assert units["DINKES"]["values"]["AK"] == pytest.approx(
        _alpha(scored[np.ix_(dinkes, ak)]), abs=0.0006
    )


def test_no_quality_under_the_group_minimum(province):
    round, _codes, _rows = _round_with_answers(province, 3)
    run, _computed = compute.index_compute_now(round=round)
    assert instrument_quality_compute(run) is None
    assert RoundInstrument.objects.filter(round=round).exists()


def test_admin_computes_and_reads_it_and_the_province_pdf_has_the_annex(
    client, province, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from reports.printing.services import report_bytes
    from tests.reports.test_documents_checks import pdf_text

    round, _codes, _rows = _round_with_answers(province, 20)
    compute.index_compute_now(round=round)
    url = reverse("reports:instrument_quality", args=[round.pk])
    client.force_login(province.leader_a.user)  # a leader is not the Biro's methodologist
    assert client.get(url).status_code == 404
    client.force_login(province.admin.user)
    assert "belum dihitung" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the worker, in-process here
        client.post(url)
    page = client.get(url).content.decode()
    assert 'data-testid="quality-table"' in page and 'data-testid="straight-share"' in page
    assert "20,0%" in page  # 4 of 20 straight-lined
    assert 'data-testid="quality-units"' in page
    text = pdf_text(report_bytes(round=round, agency=None, format="pdf"))
    assert "Lampiran teknis: mutu instrumen" in text and "Alfa Cronbach" in text


def test_the_page_shows_a_waiting_job_then_an_empty_or_failed_outcome(
    client, province, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from reports.models import InstrumentQuality, RunStatus

    round, _codes, _rows = _round_with_answers(province, 3)  # under the group minimum
    run, _computed = compute.index_compute_now(round=round)
    url = reverse("reports:instrument_quality", args=[round.pk])
    client.force_login(province.admin.user)
    InstrumentQuality.objects.create(run=run, status=RunStatus.QUEUED)
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page and "Menunggu" in page
    assert "<form" not in page.split('data-testid="quality-status"')[1]  # no second request
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="quality-status"') and "<html" not in fragment
    InstrumentQuality.objects.filter(run=run).update(status=RunStatus.DONE)
    assert "hx-trigger" not in client.get(url).content.decode()
    # Asked again: the worker (in-process here) finds too few complete answers.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    page = client.get(url).content.decode()
    assert 'data-testid="quality-empty"' in page and 'data-testid="quality-table"' not in page
    assert InstrumentQuality.objects.get(run=run).empty
    InstrumentQuality.objects.filter(run=run).update(status=RunStatus.FAILED, empty=False)
    page = client.get(url).content.decode()
    assert 'data-testid="quality-failed"' in page and "Hitung ulang mutu instrumen" in page


def _stored(quality) -> tuple:
    return (quality.responses, quality.alpha, quality.straight_share, quality.values, quality.units)


def test_the_portable_query_gives_what_the_postgresql_one_gives(province, monkeypatch):
    """On PostgreSQL the answers are typed by jsonb_to_record; item codes that cannot be
    identifiers take the portable subquery, which must agree to the last digit (on SQLite both
    runs take it)."""
    import re

    from reports.services import quality

    round, _codes, _rows = _round_with_answers(province, 30, seed=7)
    respond(round, "DINKES", 50, answers=dict.fromkeys(_codes, None))  # answered nothing
    run, _computed = compute.index_compute_now(round=round)
    first = _stored(instrument_quality_compute(run))
    monkeypatch.setattr(quality, "_CODE", re.compile(r"(?!)"))  # no code qualifies
    assert _stored(instrument_quality_compute(run)) == first
    assert first[0] == 30  # the sheet of nulls is not a complete answer
