"""The demo's member services and two annual member surveys (issue 14, item 9).

Six services, then a member survey about fourteen months ago and one two months ago, answered by
one or two contacts of most member companies, closed and released as the task would. The answers
are drawn so the map has something to say: the meeting places are valued and liked ("keep up"),
the courses valued and not liked enough ("concentrate here"), the newsletter liked and not needed
("possible overkill"), the trips abroad neither ("low priority"); the courses got better between
the two years, and the NPS rose with them. Everything goes through the services the pages use."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from klyngekart.home import demo_data as data
from klyngekart.home.demo_mapping import MappingContext
from klyngekart.memberservices.models import MemberService, ServiceCategory
from klyngekart.memberservices.services import member_survey_create, service_create, service_question_keys
from klyngekart.surveys.answering.services import response_submit
from klyngekart.surveys.models import Round
from klyngekart.surveys.results.release import release_build
from klyngekart.surveys.rounds.services import round_close, round_open


@dataclass(frozen=True)
class DemoService:
    name_nb: str
    name_en: str
    description_nb: str
    category: str
    # Mean importance and satisfaction (1-5) last year and this year.
    importance: float
    satisfaction: tuple[float, float]


SERVICES = [
    DemoService(
        "Medlemsmøter og nettverk",
        "Member meetings and networking",
        "Fire medlemsmøter i året og et årlig klyngeforum.",
        ServiceCategory.MEETING_PLACES,
        4.4,
        (4.2, 4.3),
    ),
    DemoService(
        "Kurs og kompetanseprogram",
        "Courses and competence programmes",
        "Felles kurs ut fra kartleggingen av kompetansebehov.",
        ServiceCategory.COMPETENCE,
        4.5,
        (2.9, 3.6),
    ),
    DemoService(
        "Innovasjonsprosjekter",
        "Innovation projects",
        "Hjelp til å bygge prosjekter og søke Forskningsrådet og Innovasjon Norge.",
        ServiceCategory.PROJECTS,
        4.0,
        (3.4, 3.5),
    ),
    DemoService(
        "Matchmaking med leverandører",
        "Supplier matchmaking",
        "Møter mellom oppdrettere, verft og teknologileverandører.",
        ServiceCategory.MATCHMAKING,
        3.9,
        (3.9, 4.0),
    ),
    DemoService(
        "Nyhetsbrev og synlighet",
        "Newsletter and visibility",
        "Månedlig nyhetsbrev og medlemsprofiler på nettsiden.",
        ServiceCategory.INFORMATION,
        2.6,
        (4.1, 4.1),
    ),
    DemoService(
        "Studieturer i utlandet",
        "Study trips abroad",
        "Studieturer til klynger i Skottland, Island og Chile.",
        ServiceCategory.INTERNATIONAL,
        2.7,
        (3.0, 3.1),
    ),
]
MORE_OF = ("meetings", "courses", "projects", "matchmaking", "international", "advocacy")
MORE_OF_WEIGHTS = (3, 6, 4, 3, 1, 2)


def _clamp(value: float, low: int = 1, high: int = 5) -> int:
    return max(low, min(high, round(value)))


def _services(ctx: MappingContext) -> list[MemberService]:
    existing = list(MemberService.objects.filter(cluster=ctx.cluster).order_by("order", "id"))
    if existing:
        return existing
    made = []
    for order, spec in enumerate(SERVICES, start=1):
        made.append(
            service_create(
                cluster=ctx.cluster,
                actor=ctx.manager,
                data={
                    "name_nb": spec.name_nb,
                    "name_en": spec.name_en,
                    "description_nb": spec.description_nb,
                    "category": spec.category,
                    "active": True,
                    "order": order,
                },
            )
        )
    ctx.created["services"] = ctx.created.get("services", 0) + len(made)
    return made


def _answer(rng: random.Random, services: list[MemberService], year_index: int) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    courses_gap = 0.0
    for service, spec in zip(services, SERVICES, strict=False):
        importance_key, satisfaction_key = service_question_keys(service.pk)
        satisfaction = rng.gauss(spec.satisfaction[year_index], 0.7)
        answers[importance_key] = _clamp(rng.gauss(spec.importance, 0.6))
        answers[satisfaction_key] = _clamp(satisfaction)
        if spec.category == ServiceCategory.COMPETENCE:
            courses_gap = spec.importance - satisfaction
    # Those who miss good courses recommend the membership less.
    answers["nps"] = max(
        0, min(10, round(rng.gauss(8.6 - 0.9 * max(courses_gap, 0) + 0.5 * year_index, 1.6)))
    )
    answers["more_of"] = sorted(
        set(rng.choices(MORE_OF, weights=MORE_OF_WEIGHTS, k=1 + int(rng.random() < 0.5)))
    )
    return answers


def _survey(
    rng: random.Random, ctx: MappingContext, services: list[MemberService], year_index: int, opens: date
) -> None:
    title = f"Medlemsundersøkelse {opens.year}"
    if Round.objects.filter(cluster=ctx.cluster, title=title).exists():
        return
    round_ = member_survey_create(
        cluster=ctx.cluster,
        actor=ctx.manager,
        title=title,
        opens_on=ctx.today,
        closes_on=ctx.today,
        reminder_days=[],
    )
    round_open(round_=round_, actor=ctx.manager)
    count = 0
    for part in round_.companies.select_related("round", "company", "membership", "cluster").order_by("pk"):
        if rng.random() < 0.2:
            continue  # not every member answers
        for _person in range(1 + int(rng.random() < 0.35)):
            response_submit(
                round_company=part,
                raw_answers=_answer(rng, services, year_index),
                submission_key=f"demo-member-{rng.getrandbits(96):024x}",
                language="nb",
            )
            count += 1
    round_close(round_=round_, actor=ctx.manager)
    release_build(round_id=round_.pk)
    closes = opens + timedelta(days=21)
    Round.objects.filter(pk=round_.pk).update(opens_on=opens, closes_on=closes)
    ctx.created["member surveys"] = ctx.created.get("member surveys", 0) + 1
    ctx.created["member survey answers"] = ctx.created.get("member survey answers", 0) + count


def build_member_services(ctx: MappingContext) -> None:
    """Services and two released member surveys. Call inside ``scope(cluster)``."""
    # Not for secrets: a seeded generator is what makes the demo the same on every run.
    rng = random.Random(data.SEED + 7)  # noqa: S311
    services = _services(ctx)
    # A little over a year apart, so the two titles always name two different years.
    _survey(rng, ctx, services, 0, ctx.today - timedelta(days=430))
    _survey(rng, ctx, services, 1, ctx.today - timedelta(days=60))
