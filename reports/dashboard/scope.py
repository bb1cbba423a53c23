"""Who reads and which page (reports.dashboard): the reader's scope, the page's run, level and
filters, and the cache key of its fragments (docs/ARCHITECTURE.md §8)."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import get_template
from django.utils import translation

from berakhlak.models import Role, User
from berakhlak.permissions import in_scope, role_paths
from evaluations.models import Round, RoundAgency
from reports.models import VALUE_CODES, Dimension, IndexRun
from reports.selectors import pages as selectors_pages

UNIT_CODES = (*VALUE_CODES, "INDIVIDUAL", "COMPOSITE")
# Bump when what a fragment holds changes outside its template (unit_line, heatmap_cells); a
# change of the template itself changes template_version().
CACHE_VERSION = 3
CACHE_SECONDS = 6 * 60 * 60
TEMPLATE = "reports/dashboard.html"


@functools.cache
def template_version() -> str:
    """A hash of the fragments' template: a deploy that changes it never serves old fragments."""
    source = Path(get_template(TEMPLATE).origin.name).read_bytes()
    return hashlib.sha256(source).hexdigest()[:12]


@dataclass(frozen=True)
class DashboardScope:
    """What one reader may see in a round, as far as a page's content depends on it."""

    sees_province: bool
    paths: tuple[str, ...]  # live agency paths of the reader's leader and admin grants
    published_only: bool  # leaders compare with published rounds only

    def allows(self, agency: RoundAgency) -> bool:
        """Whether the reader may open this unit (its row links to its own page)."""
        return self.sees_province or any(agency.agency.path.startswith(p) for p in self.paths)

    @property
    def key(self) -> str:
        basis = f"{int(self.sees_province)}|{int(self.published_only)}|{','.join(self.paths)}"
        return hashlib.sha256(basis.encode()).hexdigest()[:20]


def dashboard_scope(user: User, round: Round) -> DashboardScope:
    """The same rule as selectors.dashboard_agencies_for_user, without listing the agencies."""
    sees = in_scope(user, round.root, (Role.ADMIN,)) or in_scope(user, round.root, (Role.LEADER,))
    return DashboardScope(
        sees_province=sees,
        paths=() if sees else tuple(sorted(role_paths(user, (Role.LEADER, Role.ADMIN)))),
        published_only=not in_scope(user, round.root, (Role.ADMIN,)),
    )


@dataclass(frozen=True)
class Page:
    """One dashboard request: which run, which scope and level, which filters, which rows."""

    round: Round
    run: IndexRun
    focus: RoundAgency | None  # None: the province
    parent_id: int  # the agency whose children are listed (the root for the province)
    asn_type: str = ""
    agency_kind: str = ""
    search: str = ""
    offset: int = 0
    previous: IndexRun | None = None  # the previous published round's run, to compare with

    @property
    def dimension(self) -> str:
        return Dimension.ASN_TYPE if self.asn_type else Dimension.NONE

    def cache_key(self, part: str, scope: DashboardScope) -> str:
        basis = json.dumps(
            [
                # A run's id and finish time: never the same for two runs, even after a
                # database restore reuses ids while the cache survives.
                CACHE_VERSION,
                template_version(),
                part,
                self.run.pk,
                self.run.finished_at.isoformat(),
                self.focus.pk if self.focus else "P",
                self.asn_type,
                self.agency_kind,
                self.search,
                self.offset,
                self.previous.pk if self.previous else None,
                translation.get_language(),
                scope.key,
            ]
        )
        return f"dasbor:{self.run.pk}:{hashlib.sha256(basis.encode()).hexdigest()}"


def page_for(round: Round, run: IndexRun, focus: RoundAgency | None, **filters) -> Page:
    """The Page of one dashboard request; ``filters``: asn_type, agency_kind, search, offset."""
    root = RoundAgency.objects.select_related("agency").get(round=round, depth=0)
    round.root = root.agency  # the same agency: the heading and breadcrumb need no query more
    return Page(
        round=round,
        run=run,
        focus=focus,
        parent_id=focus.pk if focus else root.pk,
        previous=selectors_pages.previous_run(round),
        **filters,
    )
