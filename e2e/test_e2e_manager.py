"""Journey a: the demo manager logs in, reads the cluster home and finds a member."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.support import DEMO_SLUG, App

MEMBERS = f"/c/{DEMO_SLUG}/members/"


def test_manager_sees_home_with_charts_then_finds_a_member(app: App) -> None:
    page = app.page
    app.log_in(shot="login.png")
    expect(page).to_have_url(re.compile(rf"/c/{DEMO_SLUG}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo Havbruk og Maritim Klynge")

    # The charts are drawn by vega in the browser: an <svg> inside every container proves that
    # the vendored libraries load and run under our Content-Security-Policy (no eval).
    charts = page.locator("[data-chart]")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 2
    for index in range(charts.count()):
        expect(charts.nth(index).locator("svg").first).to_be_visible()
    assert app.console_errors == []
    app.screenshot("home.png")

    # The member list, through the side navigation.
    page.locator(f'.kk-sidenav a[href="{MEMBERS}"]').click()
    expect(page).to_have_url(re.compile(rf"{MEMBERS}$"))
    rows = page.locator("#kk-member-results tbody tr")
    expect(rows.first).to_be_visible()
    all_members = page.locator("#kk-member-count").inner_text()
    app.screenshot("members.png")

    # Filter to large companies (250 employees or more): htmx swaps in the results and keeps the
    # filter in the address, so the filtered list can be bookmarked and shared.
    page.locator("select[name=size_class]").select_option("large")
    page.get_by_role("search").locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(r"size_class=large"))
    expect(page.locator("#kk-member-count")).not_to_have_text(all_members)
    expect(rows.first).to_be_visible()
    employees_column = _column_index(page, "employees")
    for index in range(rows.count()):
        cell = rows.nth(index).locator("th, td").nth(employees_column).inner_text()
        assert int(cell.replace("\u00a0", "").replace(" ", "")) >= 250, cell

    # Open the first of them.
    first = rows.first.locator("th a")
    name = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(rf"{MEMBERS}\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    assert app.console_errors == []
    app.screenshot("member-detail.png")


def _column_index(page: Page, sort_key: str) -> int:
    """The index of the column whose header sorts by ``sort_key`` (column titles are translated)."""
    headers = page.locator("#kk-member-results thead th")
    for index in range(headers.count()):
        if headers.nth(index).locator(f'a[href*="sort={sort_key}"], a[href*="sort=-{sort_key}"]').count():
            return index
    raise AssertionError(f"no column sorts by {sort_key}")
