"""From a round's tallies to the figure rows of a run: suppression decided, the formulas of
reports.formulas applied, one rounding, bands (docs/ARCHITECTURE.md §7.2). Bands come from the
rounded figure (a published 75.0 is always band A).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Context, Decimal

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
    tenths_of_nines,
)
from reports.models import VALUE_CODES, Dimension, Scope

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


class FigureWriter:
    """Builds the unsaved figure rows of one run: plain tuples (FIGURE_COLUMNS), about a hundred
    per agency, so nothing but the tuple is made per figure (docs/ARCHITECTURE.md §7.2)."""

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
        self.rows: list[Row] = []
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
        self.parts = figure_arrays.value_parts([])

    def _band(self, rounded: Decimal) -> str:
        """Round.band_for, on a rounded Decimal (the same comparisons, no conversion)."""
        for threshold, band in self.bands:
            if rounded >= threshold:
                return band
        return "D"

    def _add(
        self,
        where: tuple,
        code: str,
        value: Decimal | None,
        n: int,
        hidden: str = "",
        reason: str = "",
        denominator: int | None = None,
        spread: tuple[int, int, int] | None = None,
    ) -> None:
        """One row; `hidden` the suppression reason (no value then), `reason` why there is none;
        `spread` the interval of a shown value (stats.interval_units)."""
        if hidden:
            self.rows.append((*where, code, None, n, denominator, True, hidden, "", *NO_INTERVAL))
            return
        rounded = round_half_up_fast(value)
        band = self._band(rounded) if rounded is not None and code in BANDED else ""
        bounds = _bounds(spread, rounded)
        self.rows.append((*where, code, rounded, n, denominator, False, reason, band, *bounds))

    def answers(
        self,
        where: tuple,
        sums: Sums,
        group: tuple,
        *,
        whole: bool,
        institutional: LkeCoverage | None = None,
        roster: int | None = None,
    ) -> None:
        """Figures of answers for one group. A hidden group's rows are written without computing
        what they hide (the rows are the same: no value, the reason; no interval). `institutional`:
        the scope's LKE coverage (whole groups only); `roster`: the group's roster for the
        intervals' finite population correction (None: no correction)."""
        hidden = self._hidden("n", group)
        rows, empty = self.rows, self.empty
        individual = individual_spread = None
        if hidden:
            for i, code in enumerate(VALUE_CODES):
                rows.append(
                    (*where, code, None, sums.value_n[i], None, True, hidden, "", *NO_INTERVAL)
                )
            rows.append((*where, "INDIVIDUAL", None, sums.n, None, True, hidden, "", *NO_INTERVAL))
        else:
            units = self._value_rows(where, sums, roster)
            individual = None if 0 in sums.value_n else _mean_of_nines(units)
            known = sums.spread_known
            if individual is not None and known:
                variance = stats.sample_variance(sums.whole_n, sums.whole_sum, sums.whole_sq)
                individual_spread = stats.interval_units(
                    float(individual),
                    None if variance is None else variance / 49,  # the seven added up, / 7
                    sums.whole_n,
                    roster,
                )
            self._add(
                where,
                "INDIVIDUAL",
                individual,
                sums.n,
                "",
                "" if individual is not None else empty,
                spread=individual_spread,
            )
        if not whole:
            return
        add = self._add
        if self.engagement:
            engagement = sums.engagement_sum / sums.engagement_n if sums.engagement_n else None
            add(
                where,
                "ENGAGEMENT",
                engagement,
                sums.engagement_n,
                self._hidden("engagement_n", group),
                "" if engagement is not None else empty,
            )
        coverage = institutional or LkeCoverage()
        lke, lke_note = coverage.figure()
        add(
            where,
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
            where,
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
                    rows.append(
                        (
                            *where,
                            code,
                            None,
                            sums.selection_n,
                            None,
                            True,
                            selection_hidden,
                            "",
                            *NO_INTERVAL,
                        )
                    )
                return
            for code, value in selection_means(sums, self.pick_count).items():
                add(where, code, value, sums.selection_n, "", "" if value is not None else empty)

    def prepare(self, groups: list[tuple[Sums, int | None]]) -> None:
        """Compute the value figures of these (sums, roster) groups at once, over arrays
        (reports.figure_arrays); _value_rows takes them from here, a group not among them is
        computed figure by figure as before (the same numbers)."""
        self.parts = figure_arrays.value_parts(groups)
        self.prepared = {(id(sums), roster): at for at, (sums, roster) in enumerate(groups)}

    def _value_rows(self, where: tuple, sums: Sums, roster: int | None) -> list[int]:
        """The seven value rows of a shown group (_add written out in integers: 7 of every ~13
        rows); returns the exact means in units of 1e-9 (0 for a value without scores)."""
        at = self.prepared.get((id(sums), roster))
        if at is None:
            parts = figure_arrays.value_parts([(sums, roster)])
            at = 0
        else:
            parts = self.parts
        units = parts.units[at]
        rows, band_of_tenths, tenths = self.rows, self.band_of_tenths, stats.tenths
        for code, count, exact_units, low, high, se, spread in zip(
            VALUE_CODES,
            sums.value_n,
            units,
            parts.low[at],
            parts.high[at],
            parts.se[at],
            parts.spread[at],
            strict=True,
        ):
            if not count:
                rows.append((*where, code, None, 0, None, False, self.empty, "", *NO_INTERVAL))
                continue
            shown = tenths_of_nines(exact_units)
            rounded = tenths(shown)
            band = band_of_tenths[shown] if shown <= 1000 else self._band(rounded)
            if not spread:
                rows.append((*where, code, rounded, count, None, False, "", band, *NO_INTERVAL))
                continue
            rows.append(
                (
                    *where,
                    code,
                    rounded,
                    count,
                    None,
                    False,
                    "",
                    band,
                    tenths(low if low < shown else shown),  # the bounds contain the value
                    tenths(high if high > shown else shown),
                    stats.thousandths(se),
                )
            )
        return units

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

    def participation(self, where: tuple, completed: int, roster: int) -> None:
        rate = min(Decimal(100), Decimal(completed * 100) / roster) if roster else None
        self._add(
            where, "RESPONSE_RATE", rate, completed, "", "" if roster else self.no_roster, roster
        )
        needed = respondents_needed(self.round, roster)
        self._add(where, "MIN_RESPONDENTS", None, completed, "", "", needed)

    def write(self, groups: Groups) -> list[Row]:
        return [row for batch in self.batches(groups) for row in batch]

    def batches(self, groups: Groups) -> Iterator[list[Row]]:
        """The rows agency by agency (tree order), then the province's: a writer can store each
        batch while the next is built (docs/ARCHITECTURE.md §7.2)."""
        coverage = self.coverage
        round_id = self.round.pk
        for node in self.tallies.ordered():
            self.rows = []
            pk = node.agency.pk
            lke = coverage.get(pk)
            # SUBTREE rows only. A unit's own staff is published only where it is the whole
            # subtree (a leaf; a parent whose units have no answers), so its AGENCY-scope rows
            # would repeat these or be hidden: half the table, no information
            # (docs/ARCHITECTURE.md §7.2). Older runs keep theirs.
            where = (round_id, str(Scope.SUBTREE), pk, "", "")

            def group(key, pk=pk):
                return groups.subtree(pk, key)

            self.answers(
                where,
                node.tree[""],
                group(""),
                whole=True,
                institutional=lke,
                roster=node.tree_roster,
            )
            self._breakdown(where, node.tree, group)
            self.participation(where, node.tree_completed, node.tree_roster)
            yield self.rows
        self.rows = []
        root = self.tallies.root
        province_lke = coverage.get(root.agency.pk)
        where = (round_id, str(Scope.PROVINCE), None, "", "")
        self.answers(
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
        self.participation(where, root.tree_completed, root.tree_roster)
        yield self.rows

    def _breakdown(self, where: tuple, sums_by_key: Mapping[str, Sums], group: Callable) -> None:
        for asn_type in ASN_TYPES:
            sums = sums_by_key[asn_type]
            if sums.n:
                typed = (*where[:3], str(Dimension.ASN_TYPE), asn_type)
                self.answers(typed, sums, group(asn_type), whole=False)


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
    return [
        row
        for batch in figures_batches(
            tallies=tallies,
            institutional=institutional,
            pick_count=pick_count,
            engagement=engagement,
        )
        for row in batch
    ]


def figures_batches(
    *,
    tallies: RoundTallies,
    institutional: InstitutionalIndices,
    pick_count: int | None,
    engagement: bool,
) -> Iterator[list[Row]]:
    """figures_build's rows in batches, built while they are consumed. Suppression is decided
    here, before the first batch (it needs the whole round)."""
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
    return writer.batches(groups)
