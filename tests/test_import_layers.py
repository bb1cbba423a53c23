"""Imports run downhill only (docs/ARCHITECTURE.md §2): every import statement of every module,
read with `ast` (top level and inside functions), against the arrows that must never climb."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# app (a package) -> packages it must never import
FORBIDDEN = {
    "berakhlak": ("evaluations", "surveys", "reports", "forums"),
    "evaluations": ("surveys", "reports", "forums"),
    "surveys": ("reports", "forums", "evaluations.plans"),
    "forums": ("surveys", "reports", "evaluations.plans"),
}
# Where the apps are tied together on purpose: the root URLconf and the Celery app.
ALLOWED_FILES = {"berakhlak/urls.py", "berakhlak/celery.py"}


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:  # `from evaluations import plans`
                yield node.lineno, f"{node.module}.{alias.name}"


def climbing_imports(app: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "migrations" in path.parts or relative in ALLOWED_FILES:
            continue
        for line, module in imported_modules(path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                found.append(f"{relative}:{line} imports {module}")
    return found


def test_no_import_climbs():
    climbing = [hit for app, banned in FORBIDDEN.items() for hit in climbing_imports(app, banned)]
    assert climbing == []


def test_the_check_sees_imports_inside_functions(tmp_path, monkeypatch):
    package = tmp_path / "evaluations"
    package.mkdir()
    (package / "late.py").write_text("def f():\n    from reports.models import IndexFigure\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert climbing_imports("evaluations", FORBIDDEN["evaluations"]) == [
        "evaluations/late.py:2 imports reports.models",
        "evaluations/late.py:2 imports reports.models.IndexFigure",
    ]
