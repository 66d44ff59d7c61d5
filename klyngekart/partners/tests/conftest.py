from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Needs are cached by the release's name; these tests write aggregates directly."""
    cache.clear()


@pytest.fixture
def bearer(db):  # type: ignore[no-untyped-def]
    """``bearer(user)``: the test client's headers with a new API token of the user (English)."""
    from klyngekart.accounts.tokens import api_token_create

    def _bearer(user):  # type: ignore[no-untyped-def]
        _token, secret = api_token_create(user=user, name="Tests")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}

    return _bearer
