"""Journey c: a Norwegian browser gets Bokmål; the language switch turns the pages English."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from e2e.support import DEMO_SLUG, App


def test_switching_from_norwegian_to_english(app: App) -> None:
    page = app.page
    app.log_in()
    page.goto(app.cluster_url())
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    log_out = page.locator("header form[action$='/logout/'] [type=submit]")
    expect(log_out).to_have_text("Logg ut")
    # The switch offers the other language, labelled in that language.
    switch = page.locator("header form.kk-lang button[name=language]")
    expect(switch).to_have_attribute("value", "en")
    expect(switch).to_have_text("English")

    switch.click()
    # Back on the same page, now in English.
    expect(page).to_have_url(re.compile(rf"/c/{DEMO_SLUG}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(log_out).to_have_text("Log out")
    expect(page.locator(".kk-sidenav")).to_contain_text("Overview")
    expect(page.locator(".kk-sidenav")).to_contain_text("Members")
    expect(page.locator("header form.kk-lang button[name=language]")).to_have_text("Norsk")
    app.screenshot("home-en.png")

    # The choice sticks: other pages, and a fresh visit, stay English.
    page.goto(app.cluster_url("members/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    expect(page.locator("thead")).to_contain_text("Company")
