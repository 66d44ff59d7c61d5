"""Shared set-up for the round tests: a draft round over a world's two member companies, made by
the service itself, so the tests see what a manager would get."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from klyngekart.conftest import World
from klyngekart.core.tenancy import scope
from klyngekart.surveys.models import Round, RoundCompany, SurveyVersion
from klyngekart.surveys.rounds.services import round_create
from klyngekart.surveys.tests.factories import SurveyFactory, SurveyVersionFactory
from klyngekart.taxonomy.tests.factories import TaxonomyVersionFactory


def published_version(world: World) -> SurveyVersion:
    return SurveyVersionFactory(survey=SurveyFactory(cluster=world.cluster), cluster=world.cluster)  # type: ignore[return-value]


def draft_round(world: World, **overrides: Any) -> Round:
    if "taxonomy" not in overrides:
        TaxonomyVersionFactory(cluster=world.cluster)
    overrides.pop("taxonomy", None)
    today = timezone.localdate()
    data: dict[str, Any] = {
        "cluster": world.cluster,
        "actor": world.users["manager"],
        "survey_version": published_version(world),
        "title": "Kompetansekartlegging 2026",
        "opens_on": today,
        "closes_on": today + dt.timedelta(days=21),
        "audience": "employees",
        "companies": "all",
        "reminder_days": [3, 7],
    }
    return round_create(**(data | overrides))


def part_of(round_: Round, world: World, *, own: bool = True) -> RoundCompany:
    membership = world.membership if own else world.other_membership
    with scope(world.cluster):
        return round_.companies.select_related("company", "round").get(company=membership.company)
