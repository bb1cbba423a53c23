"""Template tags for accessible markup, built into every template (settings.TEMPLATES builtins)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_block_tag
def scroll_region(content: str, label: str, extra_class: str = "", region_id: str = "") -> str:
    """A table that may scroll sideways: a keyboard user can focus it and scroll it with the arrow
    keys, and a screen reader announces it by name (WCAG 2.1.1, 4.1.2; axe's
    scrollable-region-focusable; docs/ARCHITECTURE.md §11).
    ``{% scroll_region _("Peran") %}<table>...{% endscroll_region %}``
    """
    classes = f"table-responsive {extra_class}".strip()
    id_attr = format_html(' id="{}"', region_id) if region_id else ""
    return format_html(
        '<div{} class="{}" tabindex="0" role="region" aria-label="{}">{}</div>',
        id_attr,
        classes,
        label,
        content,
    )
