"""Factories for surveys and rounds. ``gap_survey(cluster)`` builds a small published
mapping survey with a segment question, a gap matrix over given areas and a free-text question."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from klyngekart.core.tenancy import scopes_disabled
from klyngekart.core.tests.factories import ClusterFactory, TenantFactory
from klyngekart.surveys.models import (
    Question,
    Round,
    RoundCompany,
    Section,
    Survey,
    SurveyVersion,
)
from klyngekart.taxonomy.tests.factories import CompetenceAreaFactory, TaxonomyVersionFactory


class SurveyFactory(TenantFactory):
    class Meta:
        model = Survey

    cluster = factory.SubFactory(ClusterFactory)
    kind = "employee_mapping"
    title_nb = factory.Sequence(lambda n: f"Kartlegging {n}")
    title_en = factory.Sequence(lambda n: f"Mapping {n}")


class SurveyVersionFactory(TenantFactory):
    class Meta:
        model = SurveyVersion

    survey = factory.SubFactory(SurveyFactory)
    cluster = factory.SelfAttribute("survey.cluster")
    number = 1
    status = "published"


class SectionFactory(TenantFactory):
    class Meta:
        model = Section

    version = factory.SubFactory(SurveyVersionFactory)
    cluster = factory.SelfAttribute("version.cluster")
    position = factory.Sequence(lambda n: n)
    title_nb = factory.Sequence(lambda n: f"Del {n}")
    title_en = factory.Sequence(lambda n: f"Part {n}")


class QuestionFactory(TenantFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    version = factory.SelfAttribute("section.version")
    cluster = factory.SelfAttribute("section.cluster")
    position = factory.Sequence(lambda n: n)
    key = factory.Sequence(lambda n: f"q{n}")
    type = "likert"
    text_nb = factory.Sequence(lambda n: f"Spørsmål {n}")
    text_en = factory.Sequence(lambda n: f"Question {n}")


class RoundFactory(TenantFactory):
    class Meta:
        model = Round

    survey_version = factory.SubFactory(SurveyVersionFactory)
    cluster = factory.SelfAttribute("survey_version.cluster")
    taxonomy_version = factory.SubFactory(TaxonomyVersionFactory, cluster=factory.SelfAttribute("..cluster"))
    title = factory.Sequence(lambda n: f"Runde {n}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    status = "open"


class RoundCompanyFactory(TenantFactory):
    class Meta:
        model = RoundCompany

    round = factory.SubFactory(RoundFactory)
    cluster = factory.SelfAttribute("round.cluster")
    membership = factory.SubFactory(
        "klyngekart.members.tests.factories.MembershipFactory", cluster=factory.SelfAttribute("..cluster")
    )
    company = factory.SelfAttribute("membership.company")


def gap_survey(cluster: Any, *, area_codes: tuple[str, ...] = ("digital-ai", "green-energy", "lean")) -> dict:
    """A published employee mapping survey and an open round over ``area_codes``.

    Returns {"version", "round", "areas", "questions": {key: Question}}."""
    version = SurveyVersionFactory(survey=SurveyFactory(cluster=cluster), cluster=cluster)
    intro = SectionFactory(version=version, cluster=cluster, position=0)
    matrix = SectionFactory(version=version, cluster=cluster, position=1)
    questions = {
        "role": QuestionFactory(
            section=intro,
            key="role",
            type="single",
            is_segment=True,
            required=True,
            options=[
                {"key": "production", "nb": "Produksjon", "en": "Production"},
                {"key": "office", "nb": "Kontor", "en": "Office"},
            ],
        ),
        "gaps": QuestionFactory(section=matrix, key="gaps", type="gap_matrix", required=True),
        "challenges": QuestionFactory(section=matrix, key="challenges", type="text"),
    }
    taxonomy = TaxonomyVersionFactory(cluster=cluster)
    areas = [CompetenceAreaFactory(version=taxonomy, cluster=cluster, code=code) for code in area_codes]
    round_ = RoundFactory(cluster=cluster, survey_version=version, taxonomy_version=taxonomy)
    with scopes_disabled():
        return {"version": version, "round": round_, "areas": areas, "questions": questions}
