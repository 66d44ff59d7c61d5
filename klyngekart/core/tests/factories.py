from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scopes_disabled


class TenantFactory(DjangoModelFactory):
    """Factories write across clusters, so they step outside the scope guard on purpose."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class ClusterFactory(DjangoModelFactory):
    class Meta:
        model = Cluster
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Testklynge {n}")
    slug = factory.Sequence(lambda n: f"testklynge-{n}")
