"""Fixtures for the member tests. Helpers return model types, so mypy checks the calls."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

import pytest
from django.core.cache import cache

from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.members.models import Company, Contact, Membership
from klyngekart.members.tests.factories import CompanyFactory, ContactFactory, MembershipFactory

DATA = Path(__file__).parent / "data"


def make_membership(cluster: Cluster, **kwargs: Any) -> Membership:
    return cast(Membership, MembershipFactory(cluster=cluster, **kwargs))


def make_company(**kwargs: Any) -> Company:
    return cast(Company, CompanyFactory(**kwargs))


def make_contact(membership: Membership, **kwargs: Any) -> Contact:
    return cast(Contact, ContactFactory(membership=membership, **kwargs))


@pytest.fixture
def in_scope() -> Callable:
    """``with in_scope(cluster):`` reads as what it is in a test body."""
    return scope


@pytest.fixture(autouse=True)
def _in_english(english):  # type: ignore[no-untyped-def]
    """These tests read English messages; Norwegian pages are covered by the journeys."""
    return english


# Enhetsregisteret's recorded answers (data/brreg/README.md), by org number: (status, file).
BRREG_RECORDINGS = {
    "912345653": (200, "active_as.json"),
    "912345661": (200, "bankrupt.json"),
    "915678904": (410, "deleted_410.json"),
    "987654325": (404, "unknown_404.json"),
}
BRREG_SLOW = "923609016"


@dataclass
class BrregServer:
    """A local stand-in for data.brreg.no serving the recordings; ``requests`` lists the paths asked."""

    base_url: str
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def brreg(settings: Any) -> Iterator[BrregServer]:
    """Turns the register lookup on and points it at a local HTTP server that answers with the
    recorded responses, so the tests run the real client (urllib, timeouts, status codes)."""
    server_state: list[BrregServer] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  # the name http.server calls
            server_state[0].requests.append(self.path)
            prefix = "/enhetsregisteret/api/enheter/"
            number = self.path[len(prefix) :] if self.path.startswith(prefix) else ""
            if number == BRREG_SLOW:
                time.sleep(1.5)
            status, name = BRREG_RECORDINGS.get(number, (404, "unknown_404.json"))
            body = (DATA / "brreg" / name).read_bytes()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client gave up (the timeout test)
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state = BrregServer(base_url=f"http://127.0.0.1:{httpd.server_address[1]}/enhetsregisteret/api")
    server_state.append(state)
    settings.KLYNGEKART_BRREG_ENABLED = True
    settings.KLYNGEKART_BRREG_URL = state.base_url
    settings.KLYNGEKART_BRREG_TIMEOUT = 1
    cache.clear()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        cache.clear()
