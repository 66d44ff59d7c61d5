"""Journey: the cluster manager opens the partner clusters, reads why the best one is ranked first
(its strength meets one of the demo cluster's top needs, and the four parts of the score), filters
by country, and opens a partner's profile in the landscape, where the demo cluster's own published
profile is marked as a Klyngekart cluster."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from e2e.support import App
from e2e.test_e2e_accessibility import _describe


def test_manager_reads_partner_reasons_and_opens_a_profile(new_app: Callable[..., App]) -> None:
    app = new_app(bypass_csp=True)  # axe-core is injected as an inline script
    app.log_in()
    page = app.page
    page.goto(app.cluster_url(""))
    page.get_by_role("link", name="Partnerklynger").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnerklynger")
    expect(page.locator("#kk-needs li").first).to_contain_text("gap")
    best = page.locator("#kk-partners > li").first
    expect(best.locator(".kk-reasons")).to_contain_text("Partnerens styrke")
    expect(best.locator(".kk-reasons")).to_contain_text("Over grensen")
    expect(best.locator(".kk-part")).to_have_count(4)
    violations = app.axe_violations()
    assert not violations, _describe(violations)
    # The first partners with their parts and reasons, as the manager reads them.
    page.evaluate("document.querySelector('#kk-partners-heading').scrollIntoView()")
    app.screenshot("partners.png", full_page=False)

    page.get_by_label("Land").select_option("DE")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#kk-partners > li").first).to_contain_text("Tyskland")

    name = page.locator("#kk-partners > li h3 a").first.inner_text()
    page.locator("#kk-partners > li").first.get_by_role("link", name="Åpne profilen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)

    page.goto(app.cluster_url("partners/"))
    page.get_by_role("link", name="Den publiserte profilen vår").click()
    expect(page.locator("main")).to_contain_text("Klyngekart-klynge")
    expect(page.locator("main")).to_contain_text("Største kompetansebehov")
    assert app.console_errors == []
