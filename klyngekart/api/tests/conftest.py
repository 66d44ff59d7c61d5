from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from klyngekart.accounts.tokens import api_token_create


@pytest.fixture
def bearer(db) -> Callable[[Any], dict[str, str]]:  # type: ignore[no-untyped-def]
    """``bearer(user)`` makes an API token for the user and returns the test client's headers.
    The tests read English messages, so they ask for English as an API client would."""

    def _bearer(user: Any) -> dict[str, str]:
        _token, secret = api_token_create(user=user, name="Tests")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}

    return _bearer
