"""Server-rendered SVG charts and heat-map cells, shared by the dashboards and the PDF reports.

Plain SVG with presentation attributes (no inline style, no script), so the strict CSP holds and
WeasyPrint draws the same picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.formats import localize, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

QUOTE = {'"': "&quot;"}
BAND_COLOURS = {"A": "#067647", "B": "#2e90fa", "C": "#dc6803", "D": "#b42318", "": "#98a2b3"}


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    band: str = ""
    note: str = ""  # shown instead of a value when the figure is hidden
    low: Decimal | None = None  # the 95% interval, drawn as an error bar (reports.stats)
    high: Decimal | None = None


def bar_chart_svg(bars: list[Bar], *, title: str, width: int = 640, row: int = 34) -> SafeString:
    """Horizontal bars on a 0-100 axis, coloured by band, with the value written at the end."""
    label_w, value_w = 215, 60
    plot_w = width - label_w - value_w
    height = row * len(bars) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for tick in (0, 25, 50, 75, 100):
        x = label_w + plot_w * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 24}" stroke="#e4e7ec"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{height - 8}" font-size="11" text-anchor="middle" fill="#475467">{tick}</text>'
        )
    for index, bar in enumerate(bars):
        y = index * row + 6
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" font-size="13" text-anchor="end" fill="#101828">{escape(bar.label)}</text>'
        )
        if bar.value is None:
            parts.append(
                f'<text x="{label_w + 4}" y="{y + 17}" font-size="12" fill="#475467">{escape(bar.note or "–")}</text>'
            )
            continue
        w = plot_w * float(bar.value) / 100
        colour = BAND_COLOURS.get(bar.band, BAND_COLOURS[""])
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{row - 12}" rx="3" fill="{colour}"/>'
        )
        end = _error_bar(parts, bar, label_w, plot_w, y + (row - 12) / 2, 8)
        parts.append(
            f'<text x="{label_w + max(w, end) + 6:.1f}" y="{y + 17}" font-size="13" font-weight="600" fill="#101828">{number_format(bar.value, 1)}{f" ({bar.band})" if bar.band else ""}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def interval_label(bar: Bar) -> str:
    return _("95%%: %(low)s–%(high)s") % {
        "low": number_format(bar.low, 1),
        "high": number_format(bar.high, 1),
    }


def _error_bar(parts: list[str], bar: Bar, x0: float, plot_w: float, mid: float, cap: float):
    """The bar's 95% interval as an error bar (with its range as the hover title); returns the
    x of its right end (relative to x0), or 0 without an interval."""
    if bar.low is None or bar.high is None:
        return 0
    low, high = plot_w * float(bar.low) / 100, plot_w * float(bar.high) / 100
    a, b = x0 + low, x0 + high
    parts.append(
        f'<g class="error-bar" stroke="#101828" stroke-width="1.5"><title>{escape(interval_label(bar))}</title>'
        f'<line x1="{a:.1f}" y1="{mid:.1f}" x2="{b:.1f}" y2="{mid:.1f}"/>'
        f'<line x1="{a:.1f}" y1="{mid - cap / 2:.1f}" x2="{a:.1f}" y2="{mid + cap / 2:.1f}"/>'
        f'<line x1="{b:.1f}" y1="{mid - cap / 2:.1f}" x2="{b:.1f}" y2="{mid + cap / 2:.1f}"/></g>'
    )
    return high


def bar_chart_stacked_svg(bars: list[Bar], *, title: str, width: int = 340) -> SafeString:
    """The same bars for a phone: each label on its own line above its bar, drawn at about the
    width it is shown (a 340-unit view box on a ~360 px screen), so 13-unit text stays >= 11 px
    instead of shrinking with a 640-unit chart to ~6 px."""
    value_w, row = 64, 44
    plot_w = width - value_w
    height = row * len(bars) + 22
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for tick in (0, 50, 100):
        x = plot_w * tick / 100 + (1 if tick == 0 else 0)
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 18}" stroke="#e4e7ec"/>'
        )
        anchor = "start" if tick == 0 else "middle" if tick == 50 else "end"
        parts.append(
            f'<text x="{x:.1f}" y="{height - 4}" font-size="12" text-anchor="{anchor}" fill="#475467">{tick}</text>'
        )
    for index, bar in enumerate(bars):
        y = index * row
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="13" fill="#101828">{escape(bar.label)}</text>'
        )
        if bar.value is None:
            parts.append(
                f'<text x="0" y="{y + 34}" font-size="12" fill="#475467">{escape(bar.note or "–")}</text>'
            )
            continue
        w = plot_w * float(bar.value) / 100
        colour = BAND_COLOURS.get(bar.band, BAND_COLOURS[""])
        parts.append(
            f'<rect x="0" y="{y + 19}" width="{w:.1f}" height="18" rx="3" fill="{colour}"/>'
        )
        end = _error_bar(parts, bar, 0, plot_w, y + 28, 7)
        parts.append(
            f'<text x="{max(w, end) + 6:.1f}" y="{y + 33}" font-size="13" font-weight="600" fill="#101828">{number_format(bar.value, 1)}{f" ({bar.band})" if bar.band else ""}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def bar_chart_table(bars: list[Bar], *, title: str) -> SafeString:
    """The chart's text alternative for screen readers (WCAG 1.1.1): the same values and bands as
    a visually hidden table next to the SVG, whose role="img" carries only the title."""
    rows = []
    for bar in bars:
        value = number_format(bar.value, 1) if bar.value is not None else escape(bar.note or "–")
        spread = escape(interval_label(bar)) if bar.low is not None else "–"
        rows.append(
            f'<tr><th scope="row">{escape(bar.label)}</th><td>{value}</td>'
            f"<td>{escape(bar.band) or '–'}</td><td>{spread}</td></tr>"
        )
    return mark_safe(  # noqa: S308 - every text above is escaped
        # The wrapper is hidden, not the table: a table ignores the 1 px width and would widen
        # the page on a phone.
        f'<div class="visually-hidden"><table><caption>{escape(title)}</caption>'
        f'<thead><tr><th scope="col">{escape(_("Nilai"))}</th><th scope="col">{escape(_("Angka"))}'
        f'</th><th scope="col">{escape(_("Kategori"))}</th>'
        f'<th scope="col">{escape(_("Rentang kepercayaan"))}</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def heatmap_cells(
    figures, *, hidden: str, separator: str = "", changes=None, intervals=None
) -> SafeString:
    """The heat map's value cells of one unit (`figures`: one per value, None when absent);
    `separator`: the active language's decimal separator, when the caller looked it up already;
    `changes`: per value, the HTML of its change against the previous round ("" for none);
    `intervals`: per value, its 95% interval as text, shown on hover ("" for none).

    Built here rather than in the template: a wide level repeats them for every unit shown, and a
    template lookup per attribute costs more than the database read of the row."""
    cells = []
    changes = changes or [""] * len(figures)
    intervals = intervals or [""] * len(figures)
    for figure, change, interval in zip(figures, changes, intervals, strict=True):
        if figure is not None and not figure.suppressed and figure.value is not None:
            band = figure.band or "none"
            text = (
                f"{figure.value}".replace(".", separator) if separator else localize(figure.value)
            )
            hover = f' title="{escape(interval, QUOTE)}"' if interval else ""
            cells.append(
                f'<td class="text-center cell-band-{escape(band)}"{hover}>{text}{change}</td>'
            )
        else:
            # The dot is for the eye; a screen reader hears "disembunyikan" and the reason.
            reason = figure.reason_text if figure is not None and figure.suppressed else ""
            why = f' title="{escape(reason, QUOTE)}"' if reason else ""
            said = f"{hidden}: {reason}" if reason else hidden
            cells.append(
                f'<td class="text-center cell-band-none"{why}><span aria-hidden="true">·</span><span class="visually-hidden">{escape(said)}</span></td>'
            )
    return mark_safe("".join(cells))  # noqa: S308 - every text above is escaped
