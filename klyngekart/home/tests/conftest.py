"""The home tests read English sentences; the nb catalogue is filled in separately, so every
test here runs in English whatever that catalogue says."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    """Like the project's ``login``, with the user's saved language set to English, because a
    logged-in user's language wins over the request's (accounts.middleware)."""

    def _login(user):  # type: ignore[no-untyped-def]
        if user.language != "en":
            user.language = "en"
            user.save(update_fields=["language"])
        client.force_login(user)
        return client

    return _login
