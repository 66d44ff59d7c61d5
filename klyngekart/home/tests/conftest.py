"""The home tests read English sentences, so every test here runs in English whatever the nb
catalogue says (the project's ``english`` fixture)."""

import pytest


@pytest.fixture(autouse=True)
def _in_english(english):  # type: ignore[no-untyped-def]
    return english
