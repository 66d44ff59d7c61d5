from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from klyngekart.core.client import client_address


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by accepting an invitation, not by open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(getattr(settings, "ACCOUNT_ALLOW_SIGNUPS", False))

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address allauth's rate limits (login, failed logins, password reset) count by.
        allauth's own reads ALLAUTH_TRUSTED_PROXY_COUNT, which we do not set: behind the load
        balancer it saw one address for everyone, so ten failed logins by anyone locked out all."""
        return client_address(request) or super().get_client_ip(request)
