"""axe-core inside the browser tests: ``assert_accessible(page)`` fails on any serious or critical
WCAG 2.0/2.1 A or AA violation of the page as it is on the screen.

axe.min.js is the npm package axe-core, vendored here (MPL-2.0, see axe-LICENSE.txt) and never
served by the application. It is evaluated through Playwright (the DevTools protocol), to which
the page's Content-Security-Policy does not apply, so the policy stays as strict as it is.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).with_name("axe.min.js")
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING = ("serious", "critical")

_RUN = """async (tags) => {
  const result = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}"""


@cache
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_version(page) -> str:
    _inject(page)
    return page.evaluate("() => window.axe.version")


def _inject(page) -> None:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())


def axe_violations(page, impacts: tuple[str, ...] = BLOCKING) -> list[dict]:
    """The page's WCAG A/AA violations of the given impacts, as plain dicts."""
    _inject(page)
    return [v for v in page.evaluate(_RUN, list(WCAG_TAGS)) if v["impact"] in impacts]


def format_violations(violations: list[dict], where: str = "", max_nodes: int = 3) -> str:
    lines = []
    for v in violations:
        lines.append(f"{where} [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} nodes)")
        for node in v["nodes"][:max_nodes]:
            summary = " ".join(node["summary"].split())[:240]
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def assert_accessible(page, where: str = "") -> None:
    """Fail with the rule, target and summary of every serious or critical violation."""
    violations = axe_violations(page)
    assert not violations, format_violations(violations, where or page.url)


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it reflows)."""
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )
