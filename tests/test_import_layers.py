"""The import graph points one way: orchestration (the Definitions) -> assets -> connectors -> core, with the demo
store generator and the bench beside them. A module that imports upwards fails here, naming the import."""

from __future__ import annotations

import ast
from pathlib import Path

from core.settings import PROJECT_ROOT

# Which of the project's packages each package may import, besides itself.
ALLOWED = {
    "core": set(),
    "connectors": {"core"},
    "assets": {"core", "connectors"},
    "demo_store": {"core"},
    "orchestration": {"core", "connectors", "assets"},
}
PROJECT_PACKAGES = {*ALLOWED, "bench", "tests"}


def imported_packages(path: Path) -> set[tuple[str, int]]:
    """(top-level project package, line) of every import in one module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found |= {(name.split(".")[0], node.lineno) for name in names if name.split(".")[0] in PROJECT_PACKAGES}
    return found


def test_every_package_imports_only_the_layers_below_it() -> None:
    upward = []
    for package, allowed in ALLOWED.items():
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            for imported, line in sorted(imported_packages(path)):
                if imported != package and imported not in allowed:
                    upward.append(f"{path.relative_to(PROJECT_ROOT)}:{line} imports {imported}")
    assert upward == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("import dagster as dg\nfrom orchestration.definitions import defs\n")
    assert imported_packages(module) == {("orchestration", 2)}
