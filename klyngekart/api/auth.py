"""Bearer-token authentication for the API: personal tokens carry exactly their user's roles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer

from klyngekart.accounts.tokens import api_token_authenticate


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token.strip())
        if user is None:
            return None
        # Code that reads request.user (audit, logging) sees the token's owner, as for a page.
        request.user = user
        if "Accept-Language" not in request.headers:
            # No explicit choice from the client: answer in the language the user picked.
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language  # type: ignore[attr-defined]
        return user
