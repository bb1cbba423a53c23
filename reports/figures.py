"""From a round's tallies to the figures of a run, group by group: suppression decided, the
formulas of reports.formulas applied, one rounding, bands (docs/ARCHITECTURE.md §7.2). Bands come from the
rounded figure (a published 75.0 is always band A).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Context, Decimal
from functools import partial
from typing import NamedTuple

from reports import figure_arrays, notes, stats, suppression
from reports.aggregation import ASN_TYPES, RoundTallies, Sums
from reports.formulas import (
    SELECTION_CODES,
    InstitutionalIndices,
    LkeCoverage,
    composite_index,
    lke_coverage,
    respondents_needed,
    round_half_up_fast,
    selection_means,
)
from reports.models import FIGURE_ORDER, INTERVAL_CODES, VALUE_CODES, Dimension, Scope

# The codes whose rows carry a band (of the rounded figure, Round.band_for).
BANDED = {*VALUE_CODES, "INDIVIDUAL", "INSTITUTIONAL", "COMPOSITE"}


# --- group keys (for suppression) ----------------------------------------------------------


class Groups:
    """Canonical group keys: ("S", agency, asn type or "") for every subtree (a leaf's too; the
    province is the root's subtree) and ("K", kind), as reports.suppression.protect_table
    returns them, so that one group has one suppression decision however it is labelled."""

    def __init__(self, tallies: RoundTallies) -> None:
        self.tallies = tallies

    @staticmethod
    def subtree(agency_id: int, key: str = "") -> tuple:
        return ("S", agency_id, key)

    def province(self, key: str = "") -> tuple:
        return self.subtree(self.tallies.root.agency.pk, key)

    @staticmethod
    def kind(kind: str) -> tuple:
        return ("K", kind)


# --- figure rows -------------------------------------------------------------------------------

# The columns of a figure row, in this order (IndexFigure's, without the run and the id).
FIGURE_COLUMNS = (
    "round_id",
    "scope",
    "round_agency_id",
    "dimension",
    "dimension_key",
    "code",
    "value",
    "n",
    "denominator",
    "suppressed",
    "reason",
    "band",
    "low",
    "high",
    "se",
)
NO_INTERVAL = (None, None, None)
Row = tuple  # one figure: the values of FIGURE_COLUMNS
# Where a code's block is in a group (FIGURE_ORDER).
PLACE = {code: place for place, code in enumerate(FIGURE_ORDER)}
WIDTH = len(FIGURE_ORDER)
_WITH_INTERVAL = frozenset(INTERVAL_CODES)
# The blocks a ValueBlocks holds: the seven values and the individual index.
_VALUES = figure_arrays.ValueBlocks.WIDTH
assert FIGURE_ORDER[:_VALUES] == (*VALUE_CODES, "INDIVIDUAL")


class Group(NamedTuple):
    """The figures of one group (run, scope, agency, breakdown) as one stored row holds them
    (docs/ARCHITECTURE.md §7.2): `where` is (round, scope, agency, dimension, key), `blocks`
    one entry per FIGURE_ORDER code, None or the figure's nine parts (FIGURE_COLUMNS from
    `value` on), and `values` the group's place in the run's ValueBlocks when its seven value
    figures are held there (their blocks are None then)."""

    where: tuple
    blocks: list
    values: int | None = None


class Figures(NamedTuple):
    """A run's figures: batches of groups, built while they are consumed, and the value
    figures they refer to (reports.figure_arrays.ValueBlocks)."""

    batches: Iterable[list[Group]]
    values: figure_arrays.ValueBlocks

    def rows(self) -> Iterator[Row]:
        """Every figure as a row of FIGURE_COLUMNS, group by group in FIGURE_ORDER."""
        for batch in self.batches:
            for group in batch:
                for code, parts in zip(FIGURE_ORDER, self.blocks(group), strict=True):
                    if parts is not None:
                        yield (*group.where, code, *parts)

    def blocks(self, group: Group) -> list:
        """The group's blocks, its value figures included."""
        if group.values is None:
            return group.blocks
        return [*self.values.parts(group.values), *group.blocks[_VALUES:]]


def figures_of_rows(rows: Iterable[Row]) -> Figures:
    """Figures from rows of FIGURE_COLUMNS (tests, seeds, figures made by hand): gathered by
    group in the order of each group's first row. Two figures of one code in a group, or an
    interval on a code that has none, are refused."""
    groups: dict[tuple, list] = {}
    for row in rows:
        where, code, parts = row[:5], row[5], tuple(row[6:])
        blocks = groups.get(where)
        if blocks is None:
            blocks = groups[where] = [None] * WIDTH
        place = PLACE[code]
        if blocks[place] is not None:
            raise ValueError(f"two figures {code} of one group: {where}")
        if code not in _WITH_INTERVAL and parts[6:] != NO_INTERVAL:
            raise ValueError(f"a figure {code} with an interval it cannot store: {where}")
        blocks[place] = parts
    empty = figure_arrays.ValueBlocks([], band=str, empty=notes.EMPTY)
    return Figures([[Group(where, blocks) for where, blocks in groups.items()]], empty)


class FigureWriter:
    """Builds the unsaved figures of one run group by group: each figure's block a plain tuple,
    the value figures of all groups at once (prepare), so that nothing but a tuple is made per
    figure (docs/ARCHITECTURE.md §7.2)."""

    def __init__(
        self,
        *,
        tallies: RoundTallies,
        hidden: Mapping[str, Mapping[tuple, str]],
        institutional: InstitutionalIndices,
        pick_count: int | None,
        engagement: bool,
    ) -> None:
        self.tallies = tallies
        self.engagement = engagement
        self.round = tallies.round
        self.hidden = hidden  # measure ("n", "engagement_n", "selection_n") -> key -> reason
        self.institutional = institutional
        self.pick_count = pick_count
        self.minimum = suppression.group_minimum(self.round.min_group)
        self.groups: list[Group] = []
        # Why a figure has no value: codes, translated when shown (reports.notes).
        self.empty = notes.EMPTY
        self.no_roster = notes.NO_ROSTER
        self.coverage = lke_coverage(tallies, institutional)
        self.bands = [
            (Decimal(str(getattr(self.round, f"band_{b}_min"))), b.upper()) for b in "abc"
        ]
        # The band of every rounded figure 0.0-100.0, by its tenths: the same comparisons, once.
        self.band_of_tenths = [self._band(stats.tenths(k)) for k in range(1001)]
        # The value figures of the groups computed at once (prepare), by (id(sums), roster).
        self.prepared: dict[tuple[int, int | None], int] = {}
        self.values = self._value_blocks([])

    def _band(self, rounded: Decimal) -> str:
        """Round.band_for, on a rounded Decimal (the same comparisons, no conversion)."""
        return _band(self.bands, rounded)

    def _value_blocks(self, groups: list[tuple[Sums, int | None]]) -> figure_arrays.ValueBlocks:
        # The band by tenths as a function of the thresholds alone: the writer holds its
        # ValueBlocks, which must not hold the writer (a cycle would keep the whole round alive
        # until a collection, which the compute defers: docs/ARCHITECTURE.md §7.2).
        band = partial(_band_of_tenths, self.band_of_tenths, self.bands)
        return figure_arrays.ValueBlocks(groups, band=band, empty=self.empty)

    def _group(self, where: tuple) -> list:
        """A new group's blocks, the group added to the batch."""
        blocks = [None] * WIDTH
        self.groups.append(Group(where, blocks))
        return blocks

    def _add(
        self,
        blocks: list,
        code: str,
        value: Decimal | None,
        n: int,
        hidden: str = "",
        reason: str = "",
        denominator: int | None = None,
        spread: tuple[int, int, int] | None = None,
    ) -> None:
        """One figure; `hidden` the suppression reason (no value then), `reason` why there is
        none; `spread` the interval of a shown value (stats.interval_units)."""
        place = PLACE[code]
        if blocks[place] is not None:
            raise ValueError(f"two figures {code} of one group")
        if hidden:
            blocks[place] = (None, n, denominator, True, hidden, "", *NO_INTERVAL)
            return
        rounded = round_half_up_fast(value)
        band = self._band(rounded) if rounded is not None and code in BANDED else ""
        if spread is not None and code not in _WITH_INTERVAL:
            raise ValueError(f"a figure {code} with an interval it cannot store")
        bounds = _bounds(spread, rounded)
        blocks[place] = (rounded, n, denominator, False, reason, band, *bounds)

    def answers(
        self,
        where: tuple,
        sums: Sums,
        group: tuple,
        *,
        whole: bool,
        institutional: LkeCoverage | None = None,
        roster: int | None = None,
    ) -> list:
        """Figures of answers for one group; returns its blocks. A hidden group's figures are
        written without computing what they hide (no value, the reason; no interval).
        `institutional`: the scope's LKE coverage (whole groups only); `roster`: the group's
        roster for the intervals' finite population correction (None: no correction)."""
        hidden = self._hidden("n", group)
        empty = self.empty
        individual = individual_spread = None
        if hidden:
            blocks = self._group(where)
            for i, count in enumerate(sums.value_n):  # the seven values
                blocks[i] = (None, count, None, True, hidden, "", *NO_INTERVAL)
            blocks[PLACE["INDIVIDUAL"]] = (None, sums.n, None, True, hidden, "", *NO_INTERVAL)
        else:
            # The seven values and the individual index come from the ValueBlocks.
            blocks, units = self._value_figures(where, sums, roster)
            if not whole:
                return blocks
            # The composite of a whole group (one in five) needs the individual index and its
            # spread: the very numbers ValueBlocks gave its block, computed here one by one.
            individual = None if 0 in sums.value_n else _mean_of_nines(units)
            if individual is not None and sums.spread_known:
                variance = stats.sample_variance(sums.whole_n, sums.whole_sum, sums.whole_sq)
                individual_spread = stats.interval_units(
                    float(individual),
                    None if variance is None else variance / 49,  # the seven added up, / 7
                    sums.whole_n,
                    roster,
                )
        if not whole:
            return blocks
        add = self._add
        if self.engagement:
            engagement = sums.engagement_sum / sums.engagement_n if sums.engagement_n else None
            add(
                blocks,
                "ENGAGEMENT",
                engagement,
                sums.engagement_n,
                self._hidden("engagement_n", group),
                "" if engagement is not None else empty,
            )
        coverage = institutional or LkeCoverage()
        lke, lke_note = coverage.figure()
        add(
            blocks,
            "INSTITUTIONAL",
            lke,
            coverage.assessed,
            "",
            lke_note,
            denominator=coverage.expected,
        )
        composite = None if hidden else composite_index(self.round, individual, lke)
        composite_spread = None
        if composite is not None and individual_spread is not None:
            # The LKE part fixed: the survey part's error scaled by its weight (§7.5).
            variance = stats.sample_variance(sums.whole_n, sums.whole_sum, sums.whole_sq)
            composite_spread = stats.interval_units(
                float(composite),
                variance / 49,
                sums.whole_n,
                roster,
                scale=self.round.weight_survey / 100,
            )
        add(
            blocks,
            "COMPOSITE",
            composite,
            sums.n,
            hidden,
            empty if individual is None else lke_note,
            spread=composite_spread,
        )
        if self.pick_count:
            selection_hidden = self._hidden("selection_n", group)
            if selection_hidden:
                for code in SELECTION_CODES:
                    blocks[PLACE[code]] = (
                        None,
                        sums.selection_n,
                        None,
                        True,
                        selection_hidden,
                        "",
                        *NO_INTERVAL,
                    )
                return blocks
            for code, value in selection_means(sums, self.pick_count).items():
                add(blocks, code, value, sums.selection_n, "", "" if value is not None else empty)
        return blocks

    def prepare(self, groups: list[tuple[Sums, int | None]]) -> None:
        """Compute the value figures of these (sums, roster) groups at once, over arrays
        (reports.figure_arrays.ValueBlocks); a group not among them gets its own (the same
        numbers)."""
        self.values = self._value_blocks(groups)
        self.prepared = {(id(sums), roster): at for at, (sums, roster) in enumerate(groups)}

    def _value_figures(self, where: tuple, sums: Sums, roster: int | None) -> tuple[list, list]:
        """A shown group's blocks, its seven value figures and individual index among the
        prepared ones (or filled in from a ValueBlocks of its own), and the values' exact means
        in units of 1e-9 (0 for a value without scores)."""
        at = self.prepared.get((id(sums), roster))
        if at is None:
            alone = self._value_blocks([(sums, roster)])
            blocks = self._group(where)
            blocks[:_VALUES] = alone.parts(0)
            return blocks, alone.units(0)
        blocks = [None] * WIDTH
        self.groups.append(Group(where, blocks, at))
        return blocks, self.values.units(at)

    def value_groups(self) -> list[tuple[Sums, int | None]]:
        """The (sums, roster) of every group whose value figures batches() writes, as it
        passes them to answers()."""
        nodes, root = self.tallies.nodes, self.tallies.root
        groups: list[tuple[Sums, int | None]] = []
        for node in (*self.tallies.ordered(), root):
            groups.append((node.tree[""], node.tree_roster))
            groups += [(node.tree[t], None) for t in ASN_TYPES if node.tree[t].n]
        for kind, sums in self.tallies.by_kind.items():
            if sums.n:
                roster = sum(
                    nodes[pk].agency.roster_count for pk in self.tallies.kind_members[kind]
                )
                groups.append((sums, roster))
        return groups

    def _hidden(self, measure: str, group: tuple) -> str:
        return self.hidden.get(measure, {}).get(group, "")

    def participation(self, blocks: list, completed: int, roster: int) -> None:
        rate = min(Decimal(100), Decimal(completed * 100) / roster) if roster else None
        self._add(
            blocks, "RESPONSE_RATE", rate, completed, "", "" if roster else self.no_roster, roster
        )
        needed = respondents_needed(self.round, roster)
        self._add(blocks, "MIN_RESPONDENTS", None, completed, "", "", needed)

    def batches(self, groups: Groups) -> Iterator[list[Group]]:
        """The groups agency by agency (tree order), then the province's: a writer can store
        each batch while the next is built (docs/ARCHITECTURE.md §7.2)."""
        coverage = self.coverage
        round_id = self.round.pk
        for node in self.tallies.ordered():
            self.groups = []
            pk = node.agency.pk
            lke = coverage.get(pk)
            # SUBTREE groups only. A unit's own staff is published only where it is the whole
            # subtree (a leaf; a parent whose units have no answers), so its AGENCY-scope
            # figures would repeat these or be hidden: half the table, no information
            # (docs/ARCHITECTURE.md §7.2). Older runs keep theirs.
            where = (round_id, str(Scope.SUBTREE), pk, "", "")

            def group(key, pk=pk):
                return groups.subtree(pk, key)

            blocks = self.answers(
                where,
                node.tree[""],
                group(""),
                whole=True,
                institutional=lke,
                roster=node.tree_roster,
            )
            self._breakdown(where, node.tree, group)
            self.participation(blocks, node.tree_completed, node.tree_roster)
            yield self.groups
        self.groups = []
        root = self.tallies.root
        province_lke = coverage.get(root.agency.pk)
        where = (round_id, str(Scope.PROVINCE), None, "", "")
        blocks = self.answers(
            where,
            root.tree[""],
            groups.province(),
            whole=True,
            institutional=province_lke,
            roster=root.tree_roster,
        )
        self._breakdown(where, root.tree, groups.province)
        nodes = self.tallies.nodes
        for kind, sums in sorted(self.tallies.by_kind.items()):
            if sums.n:
                kind_where = (*where[:3], str(Dimension.AGENCY_KIND), kind)
                roster = sum(
                    nodes[pk].agency.roster_count for pk in self.tallies.kind_members[kind]
                )
                self.answers(kind_where, sums, groups.kind(kind), whole=False, roster=roster)
        self.participation(blocks, root.tree_completed, root.tree_roster)
        yield self.groups

    def _breakdown(self, where: tuple, sums_by_key: Mapping[str, Sums], group: Callable) -> None:
        for asn_type in ASN_TYPES:
            sums = sums_by_key[asn_type]
            if sums.n:
                typed = (*where[:3], str(Dimension.ASN_TYPE), asn_type)
                self.answers(typed, sums, group(asn_type), whole=False)


def _band(bands: list[tuple[Decimal, str]], rounded: Decimal) -> str:
    for threshold, band in bands:
        if rounded >= threshold:
            return band
    return "D"


def _band_of_tenths(table: list[str], bands: list[tuple[Decimal, str]], tenths: int) -> str:
    """The band of a figure rounded to `tenths`: from the table of 0.0-100.0, else compared."""
    if 0 <= tenths <= 1000:
        return table[tenths]
    return _band(bands, stats.tenths(tenths))


def _bounds(spread: tuple[int, int, int] | None, rounded: Decimal | None) -> tuple:
    """(low, high, se) of a shown figure from stats.interval_units; the rounded bounds always
    contain the rounded value."""
    if spread is None or rounded is None:
        return NO_INTERVAL
    low, high, se = spread
    return (
        min(stats.tenths(low), rounded),
        max(stats.tenths(high), rounded),
        stats.thousandths(se),
    )


# The context of the individual index's mean (prec 34, the rest as a fresh thread's), made once.
_MEAN_CONTEXT = Context(prec=34)


def _mean_of_nines(units: list[int]) -> Decimal:
    """The plain mean of exact figures given in units of 1e-9, in 34 digits: the sum is exact, so
    the Decimal is the one a Decimal sum and division in that context give."""
    return _MEAN_CONTEXT.divide(Decimal(sum(units)).scaleb(-9), len(units))


def figures_build(
    *,
    tallies: RoundTallies,
    institutional: InstitutionalIndices,
    pick_count: int | None,
    engagement: bool,
) -> list[Row]:
    """Every figure of the round as rows of FIGURE_COLUMNS (unsaved), suppression applied."""
    return list(
        figures_batches(
            tallies=tallies,
            institutional=institutional,
            pick_count=pick_count,
            engagement=engagement,
        ).rows()
    )


def figures_batches(
    *,
    tallies: RoundTallies,
    institutional: InstitutionalIndices,
    pick_count: int | None,
    engagement: bool,
) -> Figures:
    """The round's figures in batches of groups, built while they are consumed. Suppression is
    decided here, before the first batch (it needs the whole round), and so are the value
    figures of every group (FigureWriter.prepare)."""
    groups = Groups(tallies)
    measures = [
        "n",
        *(["engagement_n"] if engagement else []),
        *(["selection_n"] if pick_count else []),
    ]
    hidden: dict[str, Mapping[tuple, str]] = {}
    decided: list[tuple[suppression.Table, Mapping[tuple, str]]] = []
    for measure in measures:
        table = suppression.Table.from_tallies(tallies, measure)
        # protect_table is deterministic: where everyone who answered also answered the values
        # selection (or engagement), that count table is the answers' one and so is its pattern.
        same = next((known for other, known in decided if other == table), None)
        if same is None:
            same = suppression.protect_table(table, tallies.round.min_group).hidden
            decided.append((table, same))
        hidden[measure] = same
    writer = FigureWriter(
        tallies=tallies,
        hidden=hidden,
        institutional=institutional,
        pick_count=pick_count,
        engagement=engagement,
    )
    writer.prepare(writer.value_groups())
    return Figures(writer.batches(groups), writer.values)
