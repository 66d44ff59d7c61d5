"""The demo's joint measures: several cost-shared competence measures made from the top needs of
last year's closed mapping round, at every stage from idea to completed, with interest from the
companies that have the need.

Everything goes through klyngekart.measures.services, as the pages do. A company can only sign up
while a measure is open, so a completed measure is made running, signed up for and then completed.
Which companies sign up, and with how many participants, is drawn from a seeded generator among
the companies with the need (klyngekart.measures.selectors.companies_with_need); a second run
finds the measures by title and adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from klyngekart.home import demo_data as data
from klyngekart.home.demo_mapping import (
    IMPACT_AREA,
    IMPACT_COMPANIES,
    MappingContext,
    _at,
    _backdate_audit,
    _last_audit_pk,
    round_title,
)
from klyngekart.measures import services
from klyngekart.measures.models import Measure, MeasureFormat, MeasureStatus
from klyngekart.measures.selectors import companies_with_need
from klyngekart.members.models import Membership
from klyngekart.surveys.models import Round
from klyngekart.taxonomy.models import CompetenceArea

# Stands for the cluster's own fish health area, whatever code the taxonomy gave it.
FISH_HEALTH = "fish-health"


@dataclass(frozen=True)
class MeasurePlan:
    title: str
    description: str
    areas: tuple[str, ...]
    format: str
    provider: str
    status: str
    # Days from today to the start and the end; None for no date yet.
    starts_in: int | None
    lasts: int | None
    capacity: int
    fixed_cost: Decimal
    cost_per_participant: Decimal
    funding_share: Decimal
    companies: int
    # The demo contact's company signs up (it has the need in the areas).
    with_contact: bool = False
    # Made from the round two years ago, taken by its larger companies
    # (demo_mapping.impact_participants), and starting ``starts_in`` days after that round closed:
    # the demo's impact, measured against last year's round.
    earlier: bool = False


# Titles, descriptions and providers are the cluster's own words, so they stay in Norwegian.
PLANS: tuple[MeasurePlan, ...] = (
    MeasurePlan(
        title="Dataanalyse for havbruk – felles kursrekke",
        description=(
            "Fire samlinger om å samle, rense og bruke data fra merder, fôring og miljømålinger, "
            "med egne data som øvingsmateriale."
        ),
        areas=("digital-data-analytics", "digital-ai-machine-learning"),
        format=MeasureFormat.COURSE,
        provider="Høgskulen på Vestlandet, etter- og videreutdanning",
        status=MeasureStatus.PROPOSED,
        starts_in=75,
        lasts=90,
        capacity=30,
        fixed_cost=Decimal("240000"),
        cost_per_participant=Decimal("2500"),
        funding_share=Decimal("0.4"),
        companies=4,
        with_contact=True,
    ),
    MeasurePlan(
        title="Elektrifisering av fartøy og anlegg – studietur",
        description=(
            "Tre dager hos verft og oppdrettsanlegg som har gått over til landstrøm, batteri og "
            "hybriddrift: erfaringer, kostnader og støtteordninger."
        ),
        areas=("green-renewable-energy", "green-energy-efficiency"),
        format=MeasureFormat.STUDY_TRIP,
        provider="Klyngesekretariatet med Enova-rådgiver",
        status=MeasureStatus.PLANNED,
        starts_in=120,
        lasts=2,
        capacity=36,
        fixed_cost=Decimal("310000"),
        cost_per_participant=Decimal("6000"),
        funding_share=Decimal("0.5"),
        companies=6,
    ),
    MeasurePlan(
        title="Fiskehelse og velferd – nettkurs",
        description="Nettkurs i velferdsindikatorer, avlusing og håndtering, med tre digitale veiledninger.",
        areas=(FISH_HEALTH,),
        format=MeasureFormat.E_LEARNING,
        provider="Veterinærinstituttet og Havbrukskompetanse AS",
        status=MeasureStatus.RUNNING,
        starts_in=-30,
        lasts=75,
        capacity=60,
        fixed_cost=Decimal("80000"),
        cost_per_participant=Decimal("0"),
        funding_share=Decimal("0.25"),
        companies=5,
    ),
    MeasurePlan(
        title="Informasjonssikkerhet i driftsnettet – workshop",
        description="To dager om sårbarheter i styringssystemer og nett på anlegg og fartøy.",
        areas=("digital-cyber-security",),
        format=MeasureFormat.WORKSHOP,
        provider="NorSIS",
        status=MeasureStatus.COMPLETED,
        starts_in=-160,
        lasts=1,
        capacity=20,
        fixed_cost=Decimal("95000"),
        cost_per_participant=Decimal("1500"),
        funding_share=Decimal("0.2"),
        companies=3,
    ),
    MeasurePlan(
        title="Automatisering og robotikk i prosessanlegg – utviklingsprogram",
        description="Et halvt års program med bedriftsbesøk og et eget automatiseringsprosjekt per bedrift.",
        areas=("technology-automation-robotics",),
        format=MeasureFormat.PROGRAMME,
        provider="",
        status=MeasureStatus.IDEA,
        starts_in=None,
        lasts=None,
        capacity=16,
        fixed_cost=Decimal("450000"),
        cost_per_participant=Decimal("4000"),
        funding_share=Decimal("0"),
        companies=2,
    ),
    MeasurePlan(
        title="Klimaregnskap for små og mellomstore bedrifter – kurs",
        description="Kurs i å lage klimaregnskap etter GHG-protokollen, med maler tilpasset havbruk.",
        areas=("green-climate-footprint", "green-sustainability-reporting"),
        format=MeasureFormat.COURSE,
        provider="Miljøfyrtårn-konsulent",
        status=MeasureStatus.PROPOSED,
        starts_in=100,
        lasts=30,
        capacity=25,
        fixed_cost=Decimal("120000"),
        cost_per_participant=Decimal("1200"),
        funding_share=Decimal("0.3"),
        companies=2,
    ),
)
PLANS += (
    MeasurePlan(
        title="Lean i produksjonen – utviklingsprogram",
        description=(
            "Et halvt års program med tavlemøter, verdistrømsanalyse og forbedringsprosjekter i egen "
            "produksjon, med en lean-coach på besøk hver måned."
        ),
        areas=(IMPACT_AREA,),
        format=MeasureFormat.PROGRAMME,
        provider="SINTEF Manufacturing",
        status=MeasureStatus.COMPLETED,
        starts_in=120,
        lasts=150,
        capacity=40,
        fixed_cost=Decimal("380000"),
        cost_per_participant=Decimal("3000"),
        funding_share=Decimal("0.5"),
        companies=IMPACT_COMPANIES,
        earlier=True,
    ),
)
# Created in these stages; the later ones are reached by changing the status afterwards.
INTEREST_STATUS: dict[str, str] = {MeasureStatus.COMPLETED: MeasureStatus.RUNNING}


def _area_codes(round_: Round, plan: MeasurePlan) -> list[str]:
    codes = []
    for code in plan.areas:
        if code == FISH_HEALTH:
            area = CompetenceArea.objects.filter(version=round_.taxonomy_version, is_custom=True).first()
            if area is not None:
                codes.append(area.code)
        else:
            codes.append(code)
    return codes


def _interested(
    rng: random.Random, ctx: MappingContext, plan: MeasurePlan, with_need: list[Membership]
) -> list[Membership]:
    others = [m for m in with_need if m.pk != ctx.login_membership.pk]
    chosen = rng.sample(others, min(plan.companies - int(plan.with_contact), len(others)))
    if plan.with_contact:
        chosen.insert(0, ctx.login_membership)
    return chosen


def _measure(rng: random.Random, ctx: MappingContext, round_: Round, plan: MeasurePlan) -> None:
    today = ctx.today
    start_from = round_.closes_on if plan.earlier else today
    starts_on = start_from + timedelta(days=plan.starts_in) if plan.starts_in is not None else None
    ends_on = starts_on + timedelta(days=plan.lasts) if starts_on and plan.lasts else None
    areas = _area_codes(round_, plan)
    mark = _last_audit_pk()
    measure = services.measure_create(
        cluster=ctx.cluster,
        actor=ctx.manager,
        data={
            "title": plan.title,
            "description": plan.description,
            "areas": areas,
            "format": plan.format,
            "provider": plan.provider,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "capacity": plan.capacity,
            "status": INTEREST_STATUS.get(plan.status, plan.status),
            "fixed_cost": plan.fixed_cost,
            "cost_per_participant": plan.cost_per_participant,
            "funding_share": plan.funding_share,
            "source_round": round_,
        },
    )
    ctx.created["measures"] += 1
    # The story: the measure was made some weeks after last year's round closed.
    created_on = min((round_.closes_on or today) + timedelta(days=rng.randint(20, 60)), today)
    mark = _backdate_audit(mark, _at(created_on, 11))
    if plan.earlier:
        # The larger companies of the round two years ago took the programme (demo_mapping).
        interested = list(
            Membership.objects.filter(
                pk__in=round_.companies.filter(membership__employees__gte=50).values("membership_id")
            ).order_by("name")
        )
    else:
        interested = _interested(rng, ctx, plan, companies_with_need(round_=round_, areas=areas))
    for membership in interested:
        size = membership.employees or 1
        participants = rng.randint(1, max(1, min(6, size // 8 + 1)))
        is_login = membership.pk == ctx.login_membership.pk
        services.interest_register(
            measure=measure,
            membership=membership,
            participants=participants,
            actor=ctx.contact if is_login else None,
        )
        ctx.created["interests"] += 1
    mark = _backdate_audit(mark, _at(created_on + timedelta(days=rng.randint(5, 30)), 14))
    if measure.status != plan.status:
        services.measure_set_status(measure=measure, actor=ctx.manager, status=plan.status)
        _backdate_audit(mark, _at(ends_on or today, 16))


def build_measures(ctx: MappingContext) -> None:
    """The joint measures of the demo. Call inside ``scope(cluster)`` after ``build_mapping``."""
    for key in ("measures", "interests"):
        ctx.created.setdefault(key, 0)
    round_ = Round.objects.filter(cluster=ctx.cluster, title=round_title(ctx.today.year - 1)).first()
    earlier = Round.objects.filter(cluster=ctx.cluster, title=round_title(ctx.today.year - 2)).first()
    if round_ is None:
        return
    # Not for secrets: a seeded generator is what makes the demo the same on every run.
    rng = random.Random(data.SEED + 4)  # noqa: S311
    existing = set(Measure.objects.filter(cluster=ctx.cluster).values_list("title", flat=True))
    for plan in PLANS:
        # Drawn for every plan, made or not, so a measure deleted by hand comes back the same.
        plan_rng = random.Random(rng.random())  # noqa: S311
        if plan.title not in existing and (earlier is not None or not plan.earlier):
            _measure(plan_rng, ctx, earlier if plan.earlier and earlier else round_, plan)
