"""allauth's login limits behind the load balancer that the README prescribes: every request
comes from the balancer's address, so the limits must count the client address the balancer
adds to X-Forwarded-For (KLYNGEKART_TRUSTED_PROXY_COUNT), as the survey throttle does."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from klyngekart.accounts.adapter import AccountAdapter
from klyngekart.accounts.tests.factories import PASSWORD
from klyngekart.accounts.tests.helpers import make_user

BALANCER = "10.0.0.2"
LOCKED = "Too many failed login attempts"


@pytest.fixture
def behind_the_balancer(settings):  # type: ignore[no-untyped-def]
    # The test settings switch allauth's limits off; these are base.py's.
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    settings.KLYNGEKART_TRUSTED_PROXY_COUNT = 1


def _via_balancer(client_address: str, forged: str = "") -> Client:
    chain = f"{forged}, {client_address}" if forged else client_address
    return Client(REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=chain, HTTP_ACCEPT_LANGUAGE="en")


def _locked_out(client: Client, login: str) -> bool:
    response = client.post(reverse("account_login"), {"login": login, "password": "feil-passord"})
    assert response.status_code == 200
    return LOCKED in response.content.decode()


def test_one_clients_failed_logins_do_not_lock_out_everyone_else(db, behind_the_balancer) -> None:
    make_user(email="person@example.no")
    attacker = _via_balancer("203.0.113.9")

    # A new login name each time, so the per-name (key) limit is never what stops them.
    locked = [_locked_out(attacker, f"gjett{n}@example.no") for n in range(12)]

    assert locked == [False] * 10 + [True, True]
    colleague = _via_balancer("198.51.100.7")
    assert not _locked_out(colleague, "gjett99@example.no")
    response = colleague.post(reverse("account_login"), {"login": "person@example.no", "password": PASSWORD})
    assert response.status_code == 302


def test_a_forged_forwarded_for_does_not_give_a_fresh_limit(db, behind_the_balancer) -> None:
    locked = [
        _locked_out(_via_balancer("203.0.113.9", forged=f"192.0.2.{n}"), f"gjett{n}@example.no")
        for n in range(11)
    ]
    assert locked == [False] * 10 + [True]


def test_the_adapter_names_the_client_not_the_balancer(rf, settings) -> None:
    settings.KLYNGEKART_TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9")
    assert AccountAdapter(request).get_client_ip(request) == "203.0.113.9"
    settings.KLYNGEKART_TRUSTED_PROXY_COUNT = 0
    assert AccountAdapter(request).get_client_ip(request) == BALANCER
    # Fewer hops than trusted proxies (a request that bypassed the balancer): the direct peer,
    # never an error page.
    settings.KLYNGEKART_TRUSTED_PROXY_COUNT = 2
    direct = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AccountAdapter(direct).get_client_ip(direct) == "198.51.100.7"
