"""Journey a: the demo manager logs in, reads the cluster home and finds a member."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from e2e.support import DEMO_SLUG, App


def test_manager_sees_home_with_charts_then_finds_a_member(app: App) -> None:
    page = app.page
    app.log_in(shot="login.png")
    expect(page).to_have_url(re.compile(rf"/c/{DEMO_SLUG}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo Havbruk og Maritim Klynge")

    # Both charts are drawn by vega in the browser: an <svg> inside each container proves that
    # the vendored libraries load and run under our Content-Security-Policy (no eval).
    for chart in ("size-chart", "section-chart"):
        expect(page.locator(f'[data-chart="{chart}"] svg').first).to_be_visible()
    assert app.console_errors == []
    app.screenshot("home.png")
