"""The public accessibility statement: what was tested, what is known not to work, whom to tell."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

# The axe-core release vendored in tests/a11y/ (tests/a11y/test_statement.py keeps them equal).
AXE_CORE_VERSION = "4.14.1"
TESTED_WIDTHS = (1280, 390)
REFLOW_WIDTH = 320


def statement(request):
    return render(
        request,
        "catalog/accessibility.html",
        {
            "axe_version": AXE_CORE_VERSION,
            "widths": TESTED_WIDTHS,
            "reflow_width": REFLOW_WIDTH,
            "contact": settings.ACCESSIBILITY_CONTACT,
        },
    )
