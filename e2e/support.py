"""What the journeys share: where things are, who logs in, and the running site as a journey sees it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Page, expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "docs" / "screenshots"
AXE_JS = REPO / "static" / "vendor" / "axe" / "axe.min.js"

DEMO_SLUG = "demo"
DEMO_PASSWORD = "klyngekart-demo"
DEMO_MANAGER = "manager@demo.klyngekart.no"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass
class App:
    """The running site as a journey sees it: addresses, log-in, screenshots, console errors."""

    base_url: str
    page: Page
    console_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.console_errors.append(message.text)

        self.page.on("console", on_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def url(self, path: str) -> str:
        return self.base_url + path

    def cluster_url(self, path: str = "") -> str:
        return self.url(f"/c/{DEMO_SLUG}/{path}")

    def log_in(self, email: str = DEMO_MANAGER, password: str = DEMO_PASSWORD, *, shot: str = "") -> None:
        page = self.page
        page.goto(self.url("/accounts/login/"))
        page.locator("input[name=login]").fill(email)
        page.locator("input[name=password]").fill(password)
        if shot:
            self.screenshot(shot)
        page.locator("form:has(input[name=password]) [type=submit]").click()
        page.wait_for_load_state()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        # Wait for the web fonts, so the pictures in the README look like the real thing.
        self.page.evaluate("document.fonts.ready.then(() => true)")
        self.page.screenshot(path=str(path), full_page=full_page, animations="disabled")
        return path

    def axe_violations(self, impacts: frozenset[str] = frozenset({"serious", "critical"})) -> list[Any]:
        """Run axe-core on the current page; the violations of the given impacts.

        The page's context must bypass our Content-Security-Policy: Playwright injects the file as
        an inline script, which the policy (rightly) forbids."""
        self.page.add_script_tag(path=str(AXE_JS))
        result = self.page.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', "
            "'wcag21aa', 'best-practice']}})"
        )
        return [violation for violation in result["violations"] if violation["impact"] in impacts]
