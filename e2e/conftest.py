"""Browser journeys: Playwright (sync API) drives Debian's Chromium against pytest-django's live server.

Run with `make e2e`. The browser is the system package (`apt-get install chromium`); we never run
`playwright install`, so CI downloads nothing from Playwright's CDN.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from e2e.support import CHROMIUM, CHROMIUM_ARGS, DESKTOP, App

# Playwright's sync API keeps an asyncio loop running in the test thread, and Django refuses ORM
# calls from a thread with a running loop unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def pytest_configure(config: pytest.Config) -> None:
    # pytest-playwright's own base_url fixture trips a pytest deprecation that is not ours to fix.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods:DeprecationWarning"
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        # A missing browser is a broken machine, not a reason to skip the journeys.
        raise pytest.UsageError(f"{CHROMIUM} is missing: apt-get install chromium")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # A Norwegian browser, as most users have: the app must start in Bokmål.
    return {**browser_context_args, "locale": "nb-NO", "timezone_id": "Europe/Oslo", "viewport": DESKTOP}


@pytest.fixture
def demo(transactional_db: None) -> None:
    """The demo cluster, loaded for every journey: the live server's database is emptied after each."""
    call_command("demo", verbosity=0)


@pytest.fixture
def app(live_server: Any, page: Page, demo: None) -> App:
    return App(base_url=live_server.url, page=page)


@pytest.fixture
def new_app(
    live_server: Any, browser: Browser, browser_context_args: dict[str, Any], demo: None
) -> Iterator[Callable[..., App]]:
    """``new_app(**context_options)`` opens a browser context of its own (a phone, or one that lets
    axe-core be injected past our Content-Security-Policy) on the same live server."""
    contexts = []

    def _new_app(**options: Any) -> App:
        context = browser.new_context(**{**browser_context_args, **options})
        contexts.append(context)
        return App(base_url=live_server.url, page=context.new_page())

    yield _new_app
    for context in contexts:
        context.close()
