"""The apps stand in layers (docs/architecture.md), and an app imports only the apps below it.

Read from the source, not from a running process, so an import hidden inside a function counts as
much as one at the top of a module. Tests and migrations are left out: a test may set up anything,
and a migration names models by string."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]

# Lowest first. Apps on the same floor do not import each other.
FLOORS = [
    ["core"],
    ["accounts"],
    ["taxonomy", "webhooks"],
    ["members"],
    ["surveys"],
    ["needs", "memberservices", "landscape", "barometer"],
    ["measures"],
    ["activities", "collaborations"],
    ["benchmark", "engagement"],
    ["partners"],
    ["reports"],
    # The API lists, orders and hands out the reports the reports page does.
    ["api"],
    ["home"],
]
FLOOR = {app: number for number, apps in enumerate(FLOORS) for app in apps}


def _modules(app: str) -> list[Path]:
    return [
        path
        for path in (PACKAGE / app).rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name.split(".")[1] for name in names if name.startswith("klyngekart.") and name.count(".") >= 1}


def test_every_app_has_a_floor():
    apps = {path.name for path in PACKAGE.iterdir() if (path / "apps.py").exists()}
    assert apps == set(FLOOR)


@pytest.mark.parametrize("app", sorted(FLOOR))
def test_an_app_imports_only_the_apps_below_it(app):
    upward = sorted(
        f"{path.relative_to(PACKAGE.parent)} imports klyngekart.{other}"
        for path in _modules(app)
        for other in _imported_apps(path)
        if other in FLOOR and other != app and FLOOR[other] >= FLOOR[app]
    )
    assert upward == []
