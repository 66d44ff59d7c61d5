"""The demo's published profile and partners (home/demo_partners.py): the demo cluster is in the
landscape with its needs and strengths, and its best partners have reasons to show."""

from __future__ import annotations

import pytest
from django.utils import translation

from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.home.tests.demo_once import BuiltDemo, built_demo
from klyngekart.landscape.models import ClusterProfile, TagKind
from klyngekart.partners import matching
from klyngekart.partners.selectors import cluster_seeker

pytestmark = pytest.mark.django_db
__all__ = ["built_demo"]


def test_the_demo_cluster_publishes_and_finds_partners_with_reasons(built_demo: BuiltDemo) -> None:
    cluster = Cluster.objects.get(slug="demo")
    profile = ClusterProfile.objects.get(source_cluster=cluster)
    kinds = set(profile.tags.values_list("kind", flat=True))
    assert {TagKind.NEED, TagKind.AREA, TagKind.NACE, TagKind.CATEGORY} <= kinds
    assert (profile.members_sme or 0) > 0 and profile.label == "bronze"
    with scope(cluster), translation.override("en"):
        look = cluster_seeker(cluster)
        found = matching.explain(look.seeker, matching.rank(look.seeker, limit=10))
    assert len(look.needs) >= 3
    assert len(found) == 10 and all(match.profile and match.profile.fictional for match in found)
    assert all(match.parts.complementarity > 0 for match in found[:5])
    assert any("meets your deepest need" in reason for match in found for reason in match.reasons)
    assert all(any(reason.startswith("Across the border") for reason in match.reasons) for match in found)
