"""The demo's collaboration pipeline: opportunities at every stage with the demo directory's
fictional clusters and the demo's members, one next step overdue (home/demo_collaborations.py)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from klyngekart.collaborations.models import EventKind, Opportunity, OpportunityEvent, Stage
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.home.demo_collaborations import OVERDUE, PLANS
from klyngekart.home.tests.demo_once import BuiltDemo, built_demo, run_demo

pytestmark = pytest.mark.django_db
__all__ = ["built_demo"]


def test_the_demo_pipeline_fills_the_board(built_demo: BuiltDemo) -> None:
    cluster = Cluster.objects.get(slug="demo")
    with scope(cluster):
        opportunities = list(Opportunity.objects.prefetch_related("partners", "members"))
        assert len(opportunities) == len(PLANS)
        assert {o.stage for o in opportunities} == set(Stage.values)
        assert all(p.fictional for o in opportunities for p in o.partners.all())
        overdue = [o for o in opportunities if o.is_overdue(timezone.localdate())]
        assert [o.title for o in overdue] == [OVERDUE]
        assert any(o.members.exists() for o in opportunities)
        assert OpportunityEvent.objects.filter(kind=EventKind.NOTE).exists()
        assert OpportunityEvent.objects.filter(kind=EventKind.STAGE).count() >= 10


def test_a_second_run_adds_no_opportunities(built_demo: BuiltDemo) -> None:
    cluster = Cluster.objects.get(slug="demo")
    with scope(cluster):
        before = (Opportunity.objects.count(), OpportunityEvent.objects.count())
    run_demo()
    with scope(cluster):
        assert (Opportunity.objects.count(), OpportunityEvent.objects.count()) == before
