"""Journey: the cluster manager looks outward and at the members' engagement. The engagement page
(members at risk and champions), the cluster landscape (search with facets, the map of Europe, one
profile), the national competence barometer and the webhooks page: each answers, reads as it should
in Norwegian, has no serious or critical axe-core finding, and is photographed for the docs."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from e2e.support import App
from e2e.test_e2e_accessibility import _describe


def _checked(app: App, shot: str) -> None:
    violations = app.axe_violations()
    assert not violations, f"{shot}\n{_describe(violations)}"
    app.screenshot(shot)


def test_manager_reads_engagement_the_landscape_and_the_barometer(new_app: Callable[..., App]) -> None:
    app = new_app(bypass_csp=True)  # axe-core is injected as an inline script
    app.log_in()
    page = app.page

    page.goto(app.cluster_url("engagement/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Engasjement")
    _checked(app, "engagement.png")

    page.goto(app.url("/landscape/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Oppdiktet")  # the demo directory is marked fictional
    search = page.locator('main input[name="q"]')
    search.fill("Bergen")
    search.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.locator("main table")).to_contain_text("Bergen")
    _checked(app, "landscape.png")

    page.goto(app.url("/landscape/map/"))
    expect(page.locator("main svg").first).to_be_visible()
    _checked(app, "landscape-map.png")

    page.goto(app.url("/landscape/"))
    first = page.locator("main table tbody th a").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.locator("main")).to_contain_text("Dette er en oppdiktet klynge")
    _checked(app, "landscape-profile.png")

    page.goto(app.url("/barometer/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _checked(app, "barometer.png")

    page.goto(app.cluster_url("webhooks/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooker")
    _checked(app, "webhooks.png")
    assert app.console_errors == []
