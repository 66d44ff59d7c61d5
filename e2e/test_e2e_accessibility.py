"""Journey d: axe-core finds no serious or critical accessibility problem on the main pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from e2e.support import DEMO_SLUG, App

# Pages a cluster manager uses most, in both languages' worth of layout (the demo is in Bokmål).
MANAGER_PAGES = [
    f"/c/{DEMO_SLUG}/",
    f"/c/{DEMO_SLUG}/members/",
    f"/c/{DEMO_SLUG}/members/?size_class=large",
    f"/c/{DEMO_SLUG}/members/import/",
    f"/c/{DEMO_SLUG}/members/new/",
    f"/c/{DEMO_SLUG}/people/",
    "/accounts/profile/",
]


def _describe(violations: list[Any]) -> str:
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"{violation['impact']}: {violation['id']} ({violation['help']}) at {targets}")
    return "\n".join(lines)


@pytest.fixture
def axe_app(new_app: Callable[..., App]) -> App:
    # Playwright injects axe-core as an inline script, which our CSP forbids; this context alone
    # bypasses the policy, so every other journey still runs under it.
    return new_app(bypass_csp=True)


def test_login_page_has_no_serious_violations(axe_app: App) -> None:
    axe_app.page.goto(axe_app.url("/accounts/login/"))
    violations = axe_app.axe_violations()
    assert not violations, _describe(violations)


def test_manager_pages_have_no_serious_violations(axe_app: App) -> None:
    axe_app.log_in()
    found = {}
    for path in MANAGER_PAGES:
        response = axe_app.page.goto(axe_app.url(path))
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        axe_app.page.wait_for_load_state("networkidle")
        violations = axe_app.axe_violations()
        if violations:
            found[path] = _describe(violations)
    assert not found, "\n\n".join(f"{path}\n{text}" for path, text in found.items())
