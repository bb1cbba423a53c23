"""Helpers for the page tests: wide trees with stored figures, and reading what a page shows.

`wide_round` writes a finished run's figures directly (the compute is tested elsewhere): these
tests are about what a page reads and shows, at 10, 200 or 2,000 units.
"""

from __future__ import annotations

import random
import re
from decimal import Decimal
from html.parser import HTMLParser

from django.utils import timezone

from berakhlak.models import Agency, AgencyKind
from berakhlak.services import agency_paths_rebuild
from evaluations.models import Round, RoundAgency
from reports.figure_store import store_figures
from reports.models import VALUE_CODES, Dimension, IndexFigure, IndexRun, RunStatus, Scope
from tests.reports.factories import survey_round

UNIT_CODES = (*VALUE_CODES, "INDIVIDUAL", "COMPOSITE")


def agencies_add(
    parent: Agency, count: int, *, prefix: str, kind: str = AgencyKind.DINAS
) -> list[Agency]:
    """`count` agencies under `parent` in one insert (paths rebuilt once)."""
    created = Agency.objects.bulk_create(
        Agency(code=f"{prefix}{i:04d}", name=f"Unit {prefix} {i:04d}", kind=kind, parent=parent)
        for i in range(1, count + 1)
    )
    agency_paths_rebuild()
    return created


def _band(value: Decimal) -> str:
    return "A" if value >= 75 else "B" if value >= 50 else "C" if value >= 25 else "D"


def _figures(
    run: IndexRun,
    scope: str,
    agency: RoundAgency | None,
    rng: random.Random,
    *,
    dimension: str = "",
    key: str = "",
    hidden: bool = False,
) -> list[IndexFigure]:
    n = rng.randint(1, 4) if hidden else rng.randint(6, 300)
    base = {
        "run": run,
        "round": run.round,
        "scope": scope,
        "round_agency": agency,
        "dimension": dimension,
        "dimension_key": key,
    }
    rows = []
    values = []
    for code in (*VALUE_CODES, "INDIVIDUAL", "COMPOSITE"):
        if hidden:
            rows.append(
                IndexFigure(
                    **base, code=code, n=n, suppressed=True, reason="kurang dari 5 responden"
                )
            )
            continue
        value = (
            Decimal(sum(values) / len(values)).quantize(Decimal("0.1"))
            if code in ("INDIVIDUAL", "COMPOSITE")
            else Decimal(rng.randint(200, 950)) / 10
        )
        if code in VALUE_CODES:
            values.append(value)
        rows.append(IndexFigure(**base, code=code, value=value, n=n, band=_band(value)))
    if not dimension:
        roster = n + rng.randint(0, 50)
        rate = (Decimal(n * 100) / roster).quantize(Decimal("0.1"))
        rows.append(IndexFigure(**base, code="RESPONSE_RATE", value=rate, n=n, denominator=roster))
        rows.append(IndexFigure(**base, code="MIN_RESPONDENTS", n=n, denominator=min(5, roster)))
    return rows


def figures_write(round: Round, *, seed: int = 1, hidden_every: int = 9) -> IndexRun:
    """A finished (provisional) run with a figure row for every unit: all types and PNS."""
    rng = random.Random(seed)
    run = IndexRun.objects.create(
        round=round, status=RunStatus.DONE, finished_at=timezone.now(), provisional=True
    )
    rows = _figures(run, Scope.PROVINCE, None, rng)
    rows += _figures(run, Scope.PROVINCE, None, rng, dimension=Dimension.ASN_TYPE, key="PNS")
    for kind in set(RoundAgency.objects.filter(round=round).values_list("kind", flat=True)):
        rows += [
            f
            for f in _figures(
                run, Scope.PROVINCE, None, rng, dimension=Dimension.AGENCY_KIND, key=kind
            )
            if f.code != "COMPOSITE"
        ]
    for i, agency in enumerate(RoundAgency.objects.filter(round=round, depth__gt=0)):
        hidden = i % hidden_every == hidden_every - 1
        rows += _figures(run, Scope.SUBTREE, agency, rng, hidden=hidden)
        rows += [
            f
            for f in _figures(
                run,
                Scope.SUBTREE,
                agency,
                rng,
                dimension=Dimension.ASN_TYPE,
                key="PNS",
                hidden=hidden,
            )
            if f.code != "COMPOSITE"
        ]
    store_figures(rows)
    return run


def wide_round(province, *, opds: int, units: int) -> tuple[Round, IndexRun]:
    """The test province plus `opds` more OPDs under the root and `units` UPTDs under DINKES,
    opened (a snapshot of all of them) and with a run of figures."""
    prefix = f"W{opds}X{units}-"
    agencies_add(province.root, opds, prefix=prefix + "O")
    agencies_add(province.agency_a, units, prefix=prefix + "U", kind=AgencyKind.UPTD)
    round = survey_round(province)
    return round, figures_write(round)


class _Text(HTMLParser):
    """Text of the elements carrying a data-testid, and every row's testid in order."""

    def __init__(self):
        super().__init__()
        self.stack: list[str | None] = []
        self.texts: dict[str, str] = {}
        self.order: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "input", "meta", "link", "hr", "source"):
            return
        testid = dict(attrs).get("data-testid")
        self.stack.append(testid)
        if testid:
            self.texts.setdefault(testid, "")
            self.order.append(testid)

    def handle_endtag(self, tag):
        if tag in ("br", "img", "input", "meta", "link", "hr", "source"):
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for testid in self.stack:
            if testid:
                self.texts[testid] += data


def shown(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def text_of(html: str, testid: str) -> str:
    return re.sub(r"\s+", " ", shown(html).texts.get(testid, "")).strip()


def unit_codes(html: str) -> list[str]:
    """The unit rows of the dashboard's level table, in order."""
    return [t.removeprefix("unit-") for t in shown(html).order if t.startswith("unit-")]
