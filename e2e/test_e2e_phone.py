"""Journey e: the member list on a phone."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from e2e.support import PHONE, App


def test_member_list_fits_a_phone(new_app: Callable[..., App]) -> None:
    app = new_app(viewport=PHONE, is_mobile=True, has_touch=True)
    page = app.page
    app.log_in()
    page.goto(app.cluster_url("members/"))
    expect(page.locator("#kk-member-results tbody tr").first).to_be_visible()
    expect(page.locator("select[name=size_class]")).to_be_visible()

    # The page itself never scrolls sideways; only the wide table scrolls inside its own box.
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE["width"], f"the page is {page_width}px wide on a {PHONE['width']}px screen"
    table_box = page.locator(".kk-table-wrap").bounding_box()
    assert table_box is not None and table_box["x"] + table_box["width"] <= PHONE["width"] + 1
    assert app.console_errors == []
    app.screenshot("members-phone.png")
