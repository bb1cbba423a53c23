"""A figure's words (reports.dashboard): its text, its 95% interval and why its scope's
participation may bias it, and its change against the previous published round (the same words
on the dashboard, in the PDF and in the Excel workbook; docs/ARCHITECTURE.md §7.5)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from reports import stats
from reports.dashboard.scope import UNIT_CODES, Page
from reports.selectors import pages as selectors_pages


def number_text(value, separator: str) -> str:
    """A stored figure (one decimal) as the active language writes it: 62,5 or 62.5."""
    return f"{value}".replace(".", separator)


def is_shown(figure) -> bool:
    """A figure with a value the reader may see: only such a one has a number, a change, an
    interval or a benchmark (a hidden cell never gets one)."""
    return figure is not None and not figure.suppressed and figure.value is not None


def interval_words() -> str:
    """How the active language writes an interval, to be filled with its low and high."""
    return _("95%%: %(low)s–%(high)s")


def interval_text(figure, separator: str | None = None, words: str | None = None) -> str:
    """A shown figure's 95% interval as the active language writes it ("95%: 50,5–79,5"), or ""
    (hidden, empty, or a run stored before the intervals): docs/ARCHITECTURE.md §7.5.
    `separator` and `words` (interval_words()) when the caller looked them up already."""
    if not is_shown(figure) or getattr(figure, "low", None) is None:
        return ""
    separator = separator or get_format("DECIMAL_SEPARATOR")
    return (words or interval_words()) % {
        "low": number_text(figure.low, separator),
        "high": number_text(figure.high, separator),
    }


def participation_note(rate, minimum) -> str:
    """Why a scope's figures may be biased, said next to their interval: participation under the
    round's minimum of respondents, or below 60% of the roster (stats.LOW_PARTICIPATION)."""
    if minimum is not None and minimum.denominator and minimum.n < minimum.denominator:
        return _(
            "Partisipasi %(n)s dari minimum %(m)s responden: angka dan rentangnya bisa bias."
        ) % {"n": minimum.n, "m": minimum.denominator}
    if rate is not None and rate.value is not None and rate.value < stats.LOW_PARTICIPATION:
        return _("Partisipasi %(rate)s%% (di bawah %(low)s%%): angka dan rentangnya bisa bias.") % {
            "rate": number_text(rate.value, get_format("DECIMAL_SEPARATOR")),
            "low": stats.LOW_PARTICIPATION,
        }
    return ""


@dataclass(frozen=True)
class Change:
    """A figure against the same figure of the previous published round (both shown), and
    whether the difference is larger than the noise of both (stats.significant; None for a run
    stored before the intervals)."""

    delta: Decimal
    previous: Decimal
    against: str = ""  # the previous round's name
    significant: bool | None = None

    @property
    def direction(self) -> str:
        return "up" if self.delta > 0 else "down" if self.delta < 0 else "same"

    @property
    def magnitude(self) -> Decimal:
        return abs(self.delta)

    @property
    def arrow(self) -> str:
        """Filled for a significant change, hollow for one within the noise."""
        if self.significant is False:
            return {"up": "△", "down": "▽", "same": "="}[self.direction]
        return {"up": "▲", "down": "▼", "same": "="}[self.direction]

    @property
    def css(self) -> str:
        """The classes of a change's mark: its direction, and "delta-ns" within the noise."""
        return f"delta-{self.direction}" + (" delta-ns" if self.significant is False else "")

    def verdict(self) -> str:
        if self.significant is None or self.direction == "same":
            return ""
        if self.significant:
            return _("bermakna secara statistik")
        return _("belum bermakna secara statistik")

    def text(self, separator: str | None = None) -> str:
        """The signed difference ("+10,0"), in the active language unless `separator` is given."""
        separator = separator or get_format("DECIMAL_SEPARATOR")
        sign = "+" if self.delta > 0 else "−" if self.delta < 0 else "±"
        return f"{sign}{number_text(abs(self.delta), separator)}"

    def words(self, separator: str | None = None) -> str:
        """What a screen reader says and the tooltip shows (templates too: `change.words`)."""
        separator = separator or get_format("DECIMAL_SEPARATOR")
        number = number_text(abs(self.delta), separator)
        before, against = number_text(self.previous, separator), self.against
        verdict = self.verdict()
        verdict = f"; {verdict}" if verdict else ""
        if self.direction == "up":
            words = _("naik %(d)s dari %(p)s (%(r)s)") % {"d": number, "p": before, "r": against}
        elif self.direction == "down":
            words = _("turun %(d)s dari %(p)s (%(r)s)") % {"d": number, "p": before, "r": against}
        else:
            words = _("sama dengan %(r)s (%(p)s)") % {"p": before, "r": against}
        return words + verdict


def change_of(current, previous, against: str = "") -> Change | None:
    """The change of a shown figure against a shown figure; None where either is hidden."""
    if not (is_shown(current) and is_shown(previous)):
        return None
    delta = current.value - previous.value
    significant = stats.significant(
        delta, getattr(current, "se", None), getattr(previous, "se", None)
    )
    return Change(delta=delta, previous=previous.value, against=against, significant=significant)


def against_name(page: Page) -> str:
    return page.previous.round.name if page.previous else ""


def change_html(change: Change | None, separator: str) -> str:
    if change is None:
        return ""
    words = escape(change.words(separator))
    return (
        f'<span class="delta {change.css}" title="{words}">'
        f'<span aria-hidden="true">{change.arrow} {escape(change.text(separator))}</span>'
        f'<span class="visually-hidden">{words}</span></span>'
    )


def previous_figures(page: Page, agency_codes: list[str | None]) -> dict:
    """{agency code: {code: Figure}} of the page's units in the previous published round."""
    if page.previous is None or not agency_codes:
        return {}
    return selectors_pages.figures_by_agency_code(
        page.previous,
        agency_codes=agency_codes,
        codes=UNIT_CODES,
        dimension=page.dimension,
        key=page.asn_type,
    )
