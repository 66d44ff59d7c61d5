"""The demo's benchmarking self-assessment: the manager's entries beside the platform's figures
of the rest of the demo, and a checklist with something left to do (home/demo_benchmark.py)."""

from __future__ import annotations

import pytest

from klyngekart.benchmark import selectors
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.home.tests.demo_once import BuiltDemo, built_demo

pytestmark = pytest.mark.django_db
__all__ = ["built_demo"]


def test_the_demo_assessment_is_filled_in_from_both_sources(built_demo: BuiltDemo) -> None:
    cluster = Cluster.objects.get(slug="demo")
    with scope(cluster):
        found = selectors.assessment(cluster)
    values = found.values
    assert values["members"] is not None and values["members"] >= 15
    assert values["activities_held"] and values["attendances"]
    assert values["member_nps"] is not None  # the released member survey reaches k
    assert values["management_fte"] is not None and values["budget"] is not None
    checks = {check.key: check.status for check in found.checklist}
    assert checks["members"] == checks["fte"] == checks["strategy"] == checks["survey"] == selectors.MET
    assert checks["eccp"] == selectors.NOT_MET
    assert checks["label"] == selectors.SOON
