"""Journey: the cluster manager reads what the demo's completed measure changed (difference in
differences between two released rounds), on the cluster's impact page and on the measure."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from e2e.support import App
from e2e.test_e2e_accessibility import _describe


def test_manager_reads_the_impact_of_a_completed_measure(new_app: Callable[..., App]) -> None:
    app = new_app(bypass_csp=True)  # axe-core is injected as an inline script
    app.log_in()
    page = app.page
    page.goto(app.cluster_url("measures/impact/"))
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Lean i produksjonen")
    expect(page.locator(".kk-chart svg, .kk-chart canvas").first).to_be_visible()
    violations = app.axe_violations()
    assert not violations, _describe(violations)
    assert app.console_errors == []
    app.screenshot("impact.png")

    # The measure's own page has its "Effekt" section.
    main.get_by_role("link", name="Lean i produksjonen").first.click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Effekt")
