from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from klyngekart.accounts.models import Invitation
from klyngekart.accounts.services import invitation_create


@pytest.fixture
def invite(world, django_capture_on_commit_callbacks) -> Callable[..., tuple[Invitation, str]]:  # type: ignore[no-untyped-def]
    """``invite(email, role, company=None)`` sends an invitation in the world's cluster from its
    manager, running the after-commit mail, and returns the invitation and its secret."""

    def _invite(email: str, role: str = "staff", company: Any = None) -> tuple[Invitation, str]:
        with django_capture_on_commit_callbacks(execute=True):
            return invitation_create(
                cluster=world.cluster,
                email=email,
                role=role,
                invited_by=world.users["manager"],
                company=company,
            )

    return _invite
