from __future__ import annotations

import factory

from klyngekart.core.tests.factories import ClusterFactory, TenantFactory
from klyngekart.taxonomy.models import CompetenceArea, TaxonomyVersion


class TaxonomyVersionFactory(TenantFactory):
    class Meta:
        model = TaxonomyVersion

    cluster = factory.SubFactory(ClusterFactory)
    number = factory.Sequence(lambda n: n + 1)


class CompetenceAreaFactory(TenantFactory):
    class Meta:
        model = CompetenceArea

    version = factory.SubFactory(TaxonomyVersionFactory)
    cluster = factory.SelfAttribute("version.cluster")
    code = factory.Sequence(lambda n: f"area-{n}")
    group = "digital"
    name_nb = factory.Sequence(lambda n: f"Område {n}")
    name_en = factory.Sequence(lambda n: f"Area {n}")
    position = factory.Sequence(lambda n: n)
