from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import factory

from klyngekart.collaborations.models import Opportunity, Stage
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.core.tests.factories import TenantFactory
from klyngekart.landscape.models import ClusterProfile
from klyngekart.landscape.tests.factories import make_profile
from klyngekart.members.models import Membership


class OpportunityFactory(TenantFactory):
    class Meta:
        model = Opportunity

    title = factory.Sequence(lambda n: f"Samarbeid {n}")
    stage = Stage.IDEA


def make_opportunity(
    *,
    partners: Iterable[ClusterProfile] | None = None,
    members: Iterable[Membership] = (),
    **kwargs: Any,
) -> Opportunity:
    """An opportunity written directly (no history, no audit): with a new partner profile unless
    ``partners`` are given, and ``members`` involved."""
    opportunity = cast(Opportunity, OpportunityFactory(**kwargs))
    with scopes_disabled():
        opportunity.partners.set(list(partners) if partners is not None else [make_profile()])
        opportunity.members.set(list(members))
    return opportunity
