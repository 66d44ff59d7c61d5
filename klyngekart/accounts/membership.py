"""The seam between roles and memberships.

``accounts`` sits below ``members``: it knows users, roles and invitations, not what a membership
is. Yet a company role counts only while its company is an active member of the cluster that
granted it, and it is shown by the name that cluster records for the company. Those answers belong
to ``members``, which plugs them in here when Django starts (``MembersConfig.ready``), the way
Django's own auth asks its configured backends rather than importing them.

Two questions cross the seam, and nothing else does:

- ``active_company_ids(cluster)``: the ids of the companies that are active members of the
  cluster, as a query that can stand in ``company_id__in=``;
- ``company_names(pairs)``: for ``(cluster_id, company_id)`` pairs, the name each cluster records
  for the company and whether the membership is active.

Asking before ``members`` has answered raises ``ImproperlyConfigured``: a missing registration
fails loudly; it never grants a company role by default.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class MemberName:
    name: str
    active: bool


class MembershipFacts(Protocol):
    def active_company_ids(self, cluster: Any) -> Any:
        """A query of company ids (``values_list("company_id", flat=True)``)."""

    def company_names(self, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], MemberName]:
        """The membership's name and state per ``(cluster_id, company_id)``; pairs without a
        membership are left out."""


_facts: MembershipFacts | None = None


def register(facts: MembershipFacts) -> None:
    global _facts
    _facts = facts


def membership_facts() -> MembershipFacts:
    if _facts is None:
        raise ImproperlyConfigured(
            "No membership facts are registered: add klyngekart.members to INSTALLED_APPS."
        )
    return _facts


def is_active_member(cluster: Any, company_id: int) -> bool:
    return membership_facts().active_company_ids(cluster).filter(company_id=company_id).exists()


def company_name(cluster_id: int, company_id: int | None, default: str = "") -> str:
    """The name one cluster records for one company, or ``default``."""
    if company_id is None:
        return default
    found = membership_facts().company_names([(cluster_id, company_id)]).get((cluster_id, company_id))
    return found.name if found else default
