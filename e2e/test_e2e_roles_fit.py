"""Journey: every role's main pages at 360 px (a small phone) and at 1366 px (a laptop).

No page may be wider than the screen (a wide table scrolls inside its own frame), the menu folds
into a button on the phone, and each role's home shows the links to its next step."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from e2e.support import DEMO_PASSWORD, App
from klyngekart.home.demo_data import EMAIL_DOMAIN

SMALL_PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 900}

# What each role's home must offer as its next step (CSS selectors of links on the demo's data:
# an open round this year, last year's released round, measures proposed from its needs).
NEXT_STEPS: dict[str, list[str]] = {
    "manager": [
        "#kk-next-rounds ~ * a[href$='#kk-remind']",
        ".kk-next a[href*='/results/?round=']",
        ".kk-next a[href*='/measures/new/?areas=']",
        ".kk-next a[href*='/measures/']",
    ],
    "staff": [".kk-next a[href$='#kk-remind']", ".kk-next a[href*='/measures/new/?areas=']"],
    "advisor": [".kk-next a[href*='/results/?round=']", ".kk-next a[href*='/needs/?round=']"],
    "board": [".kk-next a[href*='/results/?round=']", ".kk-next a[href*='/needs/?round=']"],
    "contact": [
        ".kk-next a[href*='/strategy/']",
        ".kk-next a[href*='/rounds/']",
        ".kk-next a[href*='/results/mine/']",
    ],
    "member": [".kk-next a[href^='mailto:']", ".kk-next a[href*='/accounts/profile/']"],
}
# A few detail pages reached from a list, so that their tables are measured too.
DETAILS = {"rounds/": "rounds/", "measures/": "measures/", "members/": "members/"}


def _pages(app: App) -> list[str]:
    """The role's home, every page in its menu, and the first detail page of each list in it."""
    page = app.page
    urls = [page.url]
    urls += page.eval_on_selector_all(".kk-sidenav a", "links => links.map(a => a.href)")
    for url in list(urls):
        for suffix in DETAILS:
            if url.endswith(app.cluster_url(suffix)):
                page.goto(url)
                links = page.eval_on_selector_all(
                    "main table tbody th a", "links => links.slice(0, 1).map(a => a.href)"
                )
                urls += links
    return list(dict.fromkeys(urls))


def _fits(app: App, url: str, width: int) -> None:
    page = app.page
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    page.wait_for_load_state("load")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    # On a phone (is_mobile) the browser widens its layout viewport to fit a page that is too wide,
    # so innerWidth grows with the page: compare with the screen's own width as well.
    inner_width = min(page.evaluate("window.innerWidth"), width)
    assert scroll_width <= inner_width, f"{url} is {scroll_width}px wide on a {width}px screen"
    # Every wide table scrolls in its own frame, and the frame itself fits the screen.
    for box in page.locator("main .kk-table-wrap").all():
        bounds = box.bounding_box()
        if bounds is not None:
            assert bounds["x"] + bounds["width"] <= inner_width + 1, f"a table frame sticks out on {url}"


@pytest.mark.parametrize("viewport", [SMALL_PHONE, LAPTOP], ids=["360px", "1366px"])
def test_every_role_fits_the_screen_and_sees_its_next_step(
    new_app: Callable[..., App], viewport: dict
) -> None:
    phone = viewport["width"] < 800
    for role, selectors in NEXT_STEPS.items():
        app = new_app(viewport=viewport, is_mobile=phone, has_touch=phone)
        page = app.page
        app.log_in(f"{role}@{EMAIL_DOMAIN}", DEMO_PASSWORD)
        page.goto(app.cluster_url())
        for selector in selectors:
            expect(page.locator(selector).first, f"{role}: {selector}").to_be_attached()
        menu = page.locator("details[data-navmenu]")
        first_link = page.locator(".kk-sidenav a").first
        if phone:
            app.screenshot(f"home-{role}-phone.png")
            # Folded: the content comes first, the menu opens with one tap.
            expect(first_link).to_be_hidden()
            page.locator(".kk-navmenu__button").click()
            expect(first_link).to_be_visible()
        else:
            expect(page.locator(".kk-navmenu__button")).to_be_hidden()
            expect(first_link).to_be_visible()
        assert menu.count() == 1
        for url in _pages(app):
            _fits(app, url, viewport["width"])
        assert app.console_errors == [], f"{role}: {app.console_errors}"
        page.context.close()


def test_chart_axes_write_numbers_in_the_pages_language(new_app: Callable[..., App]) -> None:
    app = new_app(viewport=LAPTOP)
    page = app.page
    app.log_in()
    page.goto(app.cluster_url())
    # The home's link to the released round's results (the newest round is still open).
    page.locator(".kk-next a[href*='/results/?round=']").first.click()
    page.locator(".kk-chart svg").first.wait_for()
    labels = page.eval_on_selector_all(".kk-chart svg text", "texts => texts.map(t => t.textContent)")
    decimals = [label for label in labels if re.fullmatch(r"-?\d+[.,]\d+", label or "")]
    assert decimals, f"no decimal axis labels among {labels[:20]}"
    assert all("," in label for label in decimals), f"Norwegian axes with decimal points: {decimals}"


@pytest.mark.parametrize("viewport", [SMALL_PHONE, LAPTOP], ids=["360px", "1366px"])
def test_the_menu_works_without_javascript(new_app: Callable[..., App], viewport: dict) -> None:
    app = new_app(viewport=viewport, java_script_enabled=False)
    page = app.page
    app.log_in()
    page.goto(app.cluster_url())
    first_link = page.locator(".kk-sidenav a").first
    if viewport["width"] < 800:
        expect(first_link).to_be_hidden()
        page.locator(".kk-navmenu__button").click()
    # On a wide screen the menu is open by CSS alone, although the <details> is closed.
    expect(first_link).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
