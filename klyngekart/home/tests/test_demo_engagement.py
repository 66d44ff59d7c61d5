"""The demo's engagement varies: champions, members at risk (some of whom fell) and everyone in
between, all kept in the engagement table (home/demo_engagement.py)."""

from __future__ import annotations

import pytest

from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.engagement import selectors
from klyngekart.engagement.models import EngagementScore
from klyngekart.home.tests.demo_once import BuiltDemo, built_demo

pytestmark = pytest.mark.django_db
__all__ = ["built_demo"]


def test_the_demo_has_champions_members_at_risk_and_a_spread(built_demo: BuiltDemo) -> None:
    cluster = Cluster.objects.get(slug="demo")
    with scope(cluster):
        summary = selectors.summary(cluster)
        scores = list(EngagementScore.objects.values_list("score", flat=True))
        fell = EngagementScore.objects.filter(at_risk=True, score_before__gt=0).exists()
    assert summary.members >= 40
    assert summary.champions >= 2
    assert 3 <= summary.at_risk <= summary.members // 4
    assert fell
    assert max(scores) >= 70 and min(scores) <= 15
    assert len(set(scores)) >= 10
