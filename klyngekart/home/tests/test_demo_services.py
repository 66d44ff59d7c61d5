"""The demo's member services: two released member surveys whose map has a service in every
quadrant and whose NPS rises with the courses (home/demo_services.py)."""

from __future__ import annotations

import pytest

from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.home.tests.demo_once import BuiltDemo, built_demo
from klyngekart.memberservices import selectors

pytestmark = pytest.mark.django_db
__all__ = ["built_demo"]


def test_the_demo_has_two_released_member_surveys_with_every_quadrant(built_demo: BuiltDemo) -> None:
    assert "2 member surveys" in built_demo.output
    cluster = Cluster.objects.get(slug="demo")
    with scope(cluster):
        rounds = selectors.member_survey_rounds(cluster)
        assert len(rounds) == 2
        latest = selectors.service_map(rounds[-1])
        assert all(not point.suppressed for point in latest.points)
        assert {point.quadrant for point in latest.points} == {
            selectors.CONCENTRATE,
            selectors.KEEP_UP,
            selectors.LOW_PRIORITY,
            selectors.OVERKILL,
        }
        trend = selectors.nps_trend(rounds)
    change = trend[-1].change
    assert change is not None and change > 0
