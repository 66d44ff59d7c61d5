from __future__ import annotations

from typing import Any, cast

import factory
from django.utils import timezone

from klyngekart.core.tests.factories import TenantFactory
from klyngekart.needs.models import MembershipStrategy

# Evaluated at import: tests that build URLs from it and pages that default to "this year" agree
# unless a run spans midnight on New Year's Eve.
THIS_YEAR = timezone.localdate().year


class MembershipStrategyFactory(TenantFactory):
    class Meta:
        model = MembershipStrategy

    membership = factory.SubFactory("klyngekart.members.tests.factories.MembershipFactory")
    cluster = factory.SelfAttribute("membership.cluster")
    year = THIS_YEAR
    goal_categories = factory.LazyFunction(lambda: ["competence", "network"])
    goals_text = "Bygge kompetanse på automatisering."


def make_strategy(**kwargs: Any) -> MembershipStrategy:
    return cast(MembershipStrategy, MembershipStrategyFactory(**kwargs))
