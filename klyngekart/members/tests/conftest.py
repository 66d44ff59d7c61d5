"""Fixtures for the member tests. Helpers return model types, so mypy checks the calls."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest

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
