from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from klyngekart.landscape.models import ClusterProfile
from klyngekart.landscape.services import profile_save


class ClusterProfileFactory(DjangoModelFactory):
    """A profile saved through the service (so search finds it); ``tags=[(kind, code), ...]``."""

    class Meta:
        model = ClusterProfile

    name = factory.Sequence(lambda n: f"Testklynge {n}")
    country = "NO"
    region = "Vestland"
    city = "Bergen"
    website = factory.Sequence(lambda n: f"https://klynge{n}.example")

    @classmethod
    def _create(cls, model_class, *args, tags=(), **kwargs):  # type: ignore[no-untyped-def]
        return profile_save(profile=model_class(**kwargs), tags=list(tags))


def make_profile(**kwargs: Any) -> ClusterProfile:
    """ClusterProfileFactory(...) typed as the model it makes."""
    return ClusterProfileFactory(**kwargs)  # type: ignore[return-value]
