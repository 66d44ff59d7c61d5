"""``demo --if-empty`` on an installation without the demo (apart from the tests that share one)."""

from __future__ import annotations

import pytest

from klyngekart.core.models import Cluster
from klyngekart.core.tests.factories import ClusterFactory
from klyngekart.home.tests.demo_once import run_demo

pytestmark = pytest.mark.django_db

CLUSTER_LOGINS = ["manager", "staff", "advisor", "board", "contact", "member"]


def test_if_empty_leaves_an_installation_with_clusters_alone():
    ClusterFactory(slug="real-cluster")
    output = run_demo("--if-empty")
    assert not Cluster.objects.filter(slug="demo").exists()
    assert "not created" in output


def test_if_empty_builds_the_demo_on_an_empty_installation_and_prints_the_logins():
    output = run_demo("--if-empty")
    assert Cluster.objects.filter(slug="demo").exists()
    assert "klyngekart-demo" in output
    for role in [*CLUSTER_LOGINS, "admin"]:
        assert f"{role}@demo.klyngekart.no" in output
