from decimal import Decimal
from typing import Any, cast

import factory

from klyngekart.core.tests.factories import TenantFactory
from klyngekart.measures.models import Measure, MeasureInterest, MeasureStatus


class MeasureFactory(TenantFactory):
    class Meta:
        model = Measure

    title = factory.Sequence(lambda n: f"Joint course {n}")
    status = MeasureStatus.PROPOSED
    fixed_cost = Decimal("100000")
    cost_per_participant = Decimal("2000")
    funding_share = Decimal("0.4")


class MeasureInterestFactory(TenantFactory):
    class Meta:
        model = MeasureInterest

    measure = factory.SubFactory(MeasureFactory)
    membership = factory.SubFactory("klyngekart.members.tests.factories.MembershipFactory")
    cluster = factory.SelfAttribute("measure.cluster")
    participants = 2


def make_measure(**kwargs: Any) -> Measure:
    return cast(Measure, MeasureFactory(**kwargs))
