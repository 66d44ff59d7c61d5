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


def pin_with_round(version: TaxonomyVersion, **kwargs: object) -> object:
    """A mapping round that uses ``version``, as a round pins the taxonomy it was run with."""
    # Imported here: the survey factories import this module.
    from klyngekart.surveys.tests.factories import RoundFactory, SurveyFactory, SurveyVersionFactory

    survey = SurveyFactory(cluster=version.cluster)
    survey_version = SurveyVersionFactory(survey=survey, cluster=version.cluster)
    return RoundFactory(
        cluster=version.cluster, survey_version=survey_version, taxonomy_version=version, **kwargs
    )
