"""Typed wrappers for the tests: factories return their model, regex hits must exist."""

from __future__ import annotations

import re
from typing import Any, cast

from klyngekart.accounts.models import User
from klyngekart.accounts.tests.factories import UserFactory
from klyngekart.core.models import Cluster
from klyngekart.core.tests.factories import ClusterFactory


def make_user(**kwargs: Any) -> User:
    return cast(User, UserFactory(**kwargs))


def make_cluster(**kwargs: Any) -> Cluster:
    return cast(Cluster, ClusterFactory(**kwargs))


def find(pattern: str, text: Any) -> str:
    """The first group of ``pattern`` in ``text``; fails the test if it is not there."""
    match = re.search(pattern, str(text))
    assert match is not None, f"{pattern!r} not found"
    return match.group(1)
