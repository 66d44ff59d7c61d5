"""The demo's internal mapping: the employee mapping survey, a closed round from last year with
realistic answers, an open round for this year and membership strategies.

Everything goes through the services the pages use: answers through ``response_submit``, rounds
through ``round_create``/``round_open``/``round_close`` (and last year's release through
``release_build``, as the task would), strategies through ``strategy_save``. The services only
accept answers while a round is open and its close date has not passed, so last year's round is run
today and then moved
back to last year's dates (as the demo already back-dates its audit trail): dates alone, never a
figure the aggregates hold.

Who answers what is drawn from a seeded generator, so the demo is the same on every run; a second
run finds the rounds by title and adds nothing.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from klyngekart.core.models import AuditLog, Cluster
from klyngekart.home import demo_data as data
from klyngekart.members.models import Membership, MembershipStatus
from klyngekart.needs.models import GoalCategory, MembershipStrategy
from klyngekart.needs.selectors import current_areas, suggested_areas
from klyngekart.needs.services import strategy_save
from klyngekart.surveys.answering.services import response_submit, round_areas
from klyngekart.surveys.definitions.templates import survey_create_from_template, survey_templates
from klyngekart.surveys.models import Response, Round, RoundCompany, Survey, SurveyKind, SurveyVersion
from klyngekart.surveys.results.release import release_build
from klyngekart.surveys.rounds.open_links import open_link_set
from klyngekart.surveys.rounds.services import invitations_add, round_close, round_create, round_open
from klyngekart.taxonomy.models import CompetenceArea
from klyngekart.taxonomy.services import area_add, taxonomy_current

TEMPLATE = "employee_mapping"
ROLES = ("production", "technical", "sales", "admin", "management")
LEARNING = ("courses", "on_the_job", "mentoring", "digital", "study_trips")
OPEN_ROUND_COMPANIES = 9
CONTACT_OPEN_ANSWERS = 6
CONTACT_INVITATIONS = 14
CONTACT_CLOSED_ANSWERS = 12


def round_title(year: int) -> str:
    # Round titles are the cluster's own words, so they stay in Norwegian.
    return f"Kompetansekartlegging {year}"


# --- what the answers look like --------------------------------------------------------------------

# Mean importance (in 2-3 years) and today's level per group of areas, before the company's sector
# and the respondent's role move them.
GROUP_IMPORTANCE = {
    "digital": 3.4,
    "green": 3.3,
    "technology": 3.3,
    "management": 3.0,
    "market": 2.8,
    "operations": 3.7,
    "people": 3.2,
    "other": 3.0,
}
GROUP_LEVEL = {
    "digital": 2.5,
    "green": 2.4,
    "technology": 2.9,
    "management": 2.9,
    "market": 2.7,
    "operations": 3.3,
    "people": 3.1,
    "other": 2.8,
}
FISH_HEALTH = "fish-health"
# The demo's measured impact: some larger companies took a lean programme between the round two
# years ago and last year's, and last year their people rated their level in lean this much higher.
IMPACT_AREA = "operations-lean"
IMPACT_LIFT = 0.9
IMPACT_COMPANIES = 6
# The round two years ago is smaller: the participants and this many others.
EARLIER_ROUND_OTHERS = 8
# Per sector: (importance shift, level shift) for the areas where the sector stands out. The
# aquaculture firms' biggest gaps lie in data, sensors, energy and fish health.
SECTOR_SHIFTS: dict[str, dict[str, tuple[float, float]]] = {
    "aquaculture": {
        "digital-data-analytics": (1.2, -0.5),
        "digital-iot-sensors": (1.1, -0.4),
        "digital-ai-machine-learning": (0.6, -0.6),
        "green-energy-efficiency": (1.0, -0.3),
        "green-renewable-energy": (0.9, -0.4),
        "green-climate-footprint": (0.6, -0.3),
        "technology-automation-robotics": (0.7, -0.2),
        FISH_HEALTH: (1.6, 0.2),
        "operations-hse": (0.4, 0.2),
        "market-internationalisation": (-0.6, 0.0),
    },
    "seafood": {
        "technology-automation-robotics": (1.0, -0.4),
        "operations-quality-management": (0.8, 0.1),
        "operations-lean": (0.7, -0.2),
        "market-internationalisation": (0.8, -0.3),
        "green-energy-efficiency": (0.7, -0.3),
        "digital-data-analytics": (0.6, -0.4),
    },
    "maritime": {
        "technology-electrical-electronics": (1.1, -0.4),
        "green-renewable-energy": (1.0, -0.5),
        "technology-automation-robotics": (0.8, -0.2),
        "operations-hse": (0.8, 0.3),
        "digital-cyber-security": (0.7, -0.5),
        "operations-maintenance": (0.6, 0.3),
        FISH_HEALTH: (-1.2, -0.5),
    },
    "technology": {
        "digital-software-development": (1.0, 0.9),
        "digital-ai-machine-learning": (1.0, 0.2),
        "digital-cyber-security": (0.9, 0.1),
        "market-internationalisation": (0.9, -0.5),
        "market-sales": (0.8, -0.4),
        "management-research-funding": (0.7, -0.3),
        FISH_HEALTH: (-0.8, -0.4),
    },
    "services": {
        "management-strategy": (0.6, 0.2),
        "market-customer-insight": (0.7, -0.2),
        "market-digital-marketing": (0.6, -0.5),
        "green-sustainability-reporting": (0.8, -0.6),
        FISH_HEALTH: (-0.6, -0.3),
    },
}
# Per role: shifts per group of areas (importance, level).
ROLE_SHIFTS: dict[str, dict[str, tuple[float, float]]] = {
    "production": {"operations": (0.4, 0.3), "technology": (0.2, 0.0), "market": (-0.5, -0.3)},
    "technical": {"technology": (0.5, 0.6), "digital": (0.4, 0.5), "market": (-0.4, -0.2)},
    "sales": {"market": (0.8, 0.7), "operations": (-0.4, -0.3), "technology": (-0.3, -0.3)},
    "admin": {"management": (0.4, 0.4), "people": (0.4, 0.3), "technology": (-0.5, -0.4)},
    "management": {"management": (0.6, 0.5), "people": (0.3, 0.2), "market": (0.3, 0.2)},
}
ROLE_WEIGHTS = {
    "micro": (40, 12, 6, 6, 36),
    "aquaculture": (60, 12, 4, 8, 16),
    "other": (40, 22, 12, 12, 14),
}
LEARNING_WEIGHTS = {
    "production": (3, 8, 4, 2, 3),
    "technical": (6, 4, 3, 6, 4),
    "sales": (4, 3, 4, 5, 6),
    "admin": (5, 3, 3, 7, 2),
    "management": (6, 2, 5, 3, 6),
}


def sector(nace: str) -> str:
    if nace.startswith("03."):
        return "aquaculture"
    if nace.startswith("10."):
        return "seafood"
    if nace[:2] in {"26", "27", "62", "71", "72"}:
        return "technology"
    if nace[:2] in {"13", "22", "25", "28", "30", "33", "50", "52"}:
        return "maritime"
    return "services"


def _clamp(value: float) -> int:
    return max(1, min(5, round(value)))


def _weighted(rng: random.Random, items: tuple[str, ...], weights: tuple[int, ...]) -> str:
    return rng.choices(items, weights=weights)[0]


@dataclass(frozen=True)
class CompanyProfile:
    sector: str
    employees: int
    # How far the company as a whole is ahead of (or behind) the typical level.
    skill: float
    # Areas where the company's people have learnt more than the typical level (IMPACT_LIFT).
    lifted: frozenset[str] = frozenset()

    @property
    def roles(self) -> tuple[int, ...]:
        if self.employees < 10:
            return ROLE_WEIGHTS["micro"]
        return ROLE_WEIGHTS["aquaculture" if self.sector == "aquaculture" else "other"]


def one_answer(
    rng: random.Random,
    profile: CompanyProfile,
    areas: list[CompetenceArea],
    language: str,
    challenges: list[str] | None = None,
) -> dict[str, Any]:
    """One employee's answers to the employee mapping template, in the API's shapes.

    ``challenges``: the free texts still unused in this company (colleagues do not write the
    same sentence); one is taken from it when this employee writes one."""
    role = _weighted(rng, ROLES, profile.roles)
    gaps: dict[str, dict[str, int]] = {}
    for area in areas:
        # The cluster's one own area is fish health, whatever code the taxonomy gave it.
        code = FISH_HEALTH if area.is_custom else area.code
        sector_shift = SECTOR_SHIFTS[profile.sector].get(code, (0.0, 0.0))
        role_shift = ROLE_SHIFTS[role].get(area.group, (0.0, 0.0))
        importance = GROUP_IMPORTANCE.get(area.group, 3.0) + sector_shift[0] + role_shift[0]
        level = GROUP_LEVEL.get(area.group, 2.8) + sector_shift[1] + role_shift[1] + profile.skill
        if area.code in profile.lifted:
            level += IMPACT_LIFT
        gaps[area.code] = {
            # People keep to a few steps of a scale, so the spread around the mean is modest.
            "importance": _clamp(rng.gauss(importance, 0.6)),
            "level": _clamp(rng.gauss(level, 0.6)),
        }
    answers: dict[str, Any] = {"role": role, "gaps": gaps}
    # Not everyone ranks, and some rank only two.
    if rng.random() < 0.9:
        ranked: list[str] = []
        weights = dict(zip(LEARNING, LEARNING_WEIGHTS[role], strict=True))
        for _place in range(3 if rng.random() < 0.8 else 2):
            left = [key for key in LEARNING if key not in ranked]
            ranked.append(rng.choices(left, weights=[weights[key] for key in left])[0])
        answers["learning_ways"] = ranked
    bigger = 0.3 if profile.employees >= 50 else 0.0
    answers["culture_time"] = _clamp(rng.gauss(2.9 + bigger + profile.skill, 1.0))
    answers["culture_share"] = _clamp(rng.gauss(3.1 - bigger / 2, 1.0))
    answers["culture_leader"] = _clamp(rng.gauss(3.5 + profile.skill, 0.9))
    if rng.random() < 0.35:
        if language == "en":
            answers["challenges"] = rng.choice(data.CHALLENGES_EN)
        elif challenges:
            answers["challenges"] = challenges.pop()
    return answers


def respondents(rng: random.Random, employees: int) -> int:
    """How many answer in a company of this size: micro firms often fewer than k (the demo shows
    suppression), small ones a handful, bigger ones 8 to 30."""
    if employees < 10:
        return rng.randint(1, min(employees, 6))
    if employees < 50:
        return max(3, min(employees - 1, round(employees * rng.uniform(0.15, 0.35))))
    return min(30, max(8, round(employees * rng.uniform(0.05, 0.12))))


# --- building ------------------------------------------------------------------------------------


@dataclass
class MappingContext:
    cluster: Cluster
    manager: Any
    contact: Any
    login_membership: Membership
    today: date
    created: dict[str, int]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=timezone.get_current_timezone())


def _backdate_audit(after_pk: int, when: datetime) -> int:
    """Move the audit rows written since ``after_pk`` to ``when`` (never into the future)."""
    AuditLog.objects.filter(pk__gt=after_pk).update(created_at=min(when, timezone.now()))
    return _last_audit_pk()


def _last_audit_pk() -> int:
    return AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _fish_health_area(ctx: MappingContext) -> None:
    exists = CompetenceArea.objects.filter(
        cluster=ctx.cluster, name_en=data.FISH_HEALTH_AREA["name_en"], is_custom=True
    ).exists()
    if not exists:
        taxonomy_current(cluster=ctx.cluster)
        area_add(cluster=ctx.cluster, actor=ctx.manager, data=data.FISH_HEALTH_AREA)


def _mapping_survey(ctx: MappingContext) -> SurveyVersion:
    title = survey_templates()[TEMPLATE].spec["title"]["nb"]
    survey = Survey.objects.filter(kind=SurveyKind.EMPLOYEE_MAPPING, title_nb=title).order_by("pk").first()
    if survey is None:
        survey = survey_create_from_template(cluster=ctx.cluster, actor=ctx.manager, template_key=TEMPLATE)
        ctx.created["surveys"] += 1
    return survey.versions.filter(status="published").order_by("number").first()  # type: ignore[return-value]


def _profiles(rng: random.Random, memberships: list[Membership]) -> dict[int, CompanyProfile]:
    return {
        m.pk: CompanyProfile(
            sector=sector(m.nace_code),
            employees=m.employees or 1,
            skill=rng.uniform(-0.3, 0.3) + (0.2 if (m.employees or 0) >= 100 else 0.0),
        )
        for m in memberships
    }


def _submit_many(
    rng: random.Random,
    ctx: MappingContext,
    part: RoundCompany,
    profile: CompanyProfile,
    count: int,
    areas: list[CompetenceArea],
) -> list[Any]:
    ids = []
    challenges = rng.sample(data.CHALLENGES_NB, len(data.CHALLENGES_NB))
    for _index in range(count):
        language = "en" if rng.random() < 0.05 else "nb"
        result = response_submit(
            round_company=part,
            raw_answers=one_answer(rng, profile, areas, language, challenges),
            submission_key=f"demo-{rng.getrandbits(96):024x}",
            language=language,
        )
        ids.append(result.response_id)
    ctx.created["responses"] += count
    return ids


def _spread_days(rng: random.Random, response_ids: list[Any], first: date, last: date) -> None:
    """Give the responses their days within the round (in a few updates, one per day)."""
    span = max((last - first).days, 0)
    per_day: dict[date, list[Any]] = defaultdict(list)
    for response_id in response_ids:
        # Most answer in the first days after the link is shared, fewer towards the end.
        offset = min(span, int(rng.expovariate(1 / max(span / 4, 1))))
        per_day[first + timedelta(days=offset)].append(response_id)
    for day, ids in per_day.items():
        Response.objects.filter(pk__in=ids).update(submitted_on=day)


def impact_participants(ctx: MappingContext, chosen: list[Membership]) -> frozenset[int]:
    """The larger companies of last year's round that took the demo's completed lean programme
    (demo_measures), drawn from their own seeded generator, so the rest of the demo stays the same."""
    rng = random.Random(data.SEED + 8)  # noqa: S311 - demo data
    larger = [m.pk for m in chosen if (m.employees or 0) >= 50 and m.pk != ctx.login_membership.pk]
    return frozenset(rng.sample(larger, min(IMPACT_COMPANIES, len(larger))))


def _last_years_companies(
    rng: random.Random, ctx: MappingContext, active: list[Membership]
) -> list[Membership]:
    # Most members took part; a few did not.
    return [m for m in active if m.pk == ctx.login_membership.pk or rng.random() < 0.82]


def _answered_round(
    rng: random.Random,
    ctx: MappingContext,
    version: SurveyVersion,
    chosen: list[Membership],
    *,
    year: int,
    lifted: frozenset[int] = frozenset(),
) -> None:
    """A round in March of ``year`` that ``chosen`` answered, closed and released. The companies
    in ``lifted`` answer with their level in IMPACT_AREA raised (they took the lean programme)."""
    opens_on, closes_on = date(year, 3, 3), date(year, 3, 31)
    mark = _last_audit_pk()
    round_ = round_create(
        cluster=ctx.cluster,
        actor=ctx.manager,
        survey_version=version,
        title=round_title(year),
        opens_on=ctx.today,
        closes_on=ctx.today,
        audience="employees",
        companies=chosen,
        reminder_days=[],
    )
    mark = _backdate_audit(mark, _at(opens_on - timedelta(days=10)))
    round_open(round_=round_, actor=ctx.manager)
    mark = _backdate_audit(mark, _at(opens_on, 8))
    ctx.created["rounds"] += 1
    areas = round_areas(round_)
    profiles = _profiles(rng, chosen)
    for pk in lifted:
        profiles[pk] = replace(profiles[pk], lifted=frozenset({IMPACT_AREA}))
    answered: list[Any] = []
    for part in round_.companies.select_related("round", "company", "membership", "cluster").order_by(
        "membership__name"
    ):
        profile = profiles[part.membership_id]
        if part.membership_id == ctx.login_membership.pk:
            count = CONTACT_CLOSED_ANSWERS
        elif rng.random() < 0.06:
            count = 0
        else:
            count = respondents(rng, profile.employees)
        answered += _submit_many(rng, ctx, part, profile, count, areas)
    round_close(round_=round_, actor=ctx.manager)
    # Closing queues the release for after the demo's transaction; the strategies below read it.
    release_build(round_id=round_.pk)
    _backdate_audit(mark, _at(closes_on, 16))
    _spread_days(rng, answered, opens_on, closes_on)
    Round.objects.filter(pk=round_.pk).update(
        opens_on=opens_on,
        closes_on=closes_on,
        reminder_days=[7, 21],
        opened_at=_at(opens_on, 8),
        closed_at=_at(closes_on, 16),
    )


def _earlier_round(
    ctx: MappingContext, version: SurveyVersion, active: list[Membership], participants: frozenset[int]
) -> None:
    """The round two years ago, before the lean programme: its participants (the only larger
    companies in it, which is how demo_measures finds them) and a few smaller companies."""
    year = ctx.today.year - 2
    if Round.objects.filter(cluster=ctx.cluster, title=round_title(year)).exists():
        return
    rng = random.Random(data.SEED + 9)  # noqa: S311 - demo data
    smaller = [m for m in active if 10 <= (m.employees or 0) < 50 and m.pk != ctx.login_membership.pk]
    chosen = [m for m in active if m.pk in participants]
    chosen += rng.sample(smaller, min(EARLIER_ROUND_OTHERS, len(smaller)))
    _answered_round(rng, ctx, version, chosen, year=year)


def _closed_round(
    rng: random.Random,
    ctx: MappingContext,
    version: SurveyVersion,
    active: list[Membership],
    participants: frozenset[int],
) -> None:
    year = ctx.today.year - 1
    if Round.objects.filter(cluster=ctx.cluster, title=round_title(year)).exists():
        return
    chosen = _last_years_companies(rng, ctx, active)
    _answered_round(rng, ctx, version, chosen, year=year, lifted=participants)


def _invite(rng: random.Random, ctx: MappingContext, part: RoundCompany) -> None:
    host = f"{data.slugify_company(part.membership.name)}.example.no"
    emails: list[str] = []
    while len(emails) < CONTACT_INVITATIONS:
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        email = f"{data.ascii_words(f'{first} {last}', '.')}@{host}"
        if email not in emails:
            emails.append(email)
    invitations_add(round_company=part, actor=ctx.contact, emails=emails, language="nb")


def _open_round(
    rng: random.Random, ctx: MappingContext, version: SurveyVersion, active: list[Membership]
) -> None:
    title = round_title(ctx.today.year)
    if Round.objects.filter(cluster=ctx.cluster, title=title).exists():
        return
    opens_on = ctx.today - timedelta(days=5)
    mark = _last_audit_pk()
    round_ = round_create(
        cluster=ctx.cluster,
        actor=ctx.manager,
        survey_version=version,
        title=title,
        opens_on=opens_on,
        closes_on=ctx.today + timedelta(days=30),
        audience="employees",
        companies="all",
        reminder_days=[7, 21],
    )
    contact_part = round_.companies.select_related("round", "company", "cluster").get(
        membership=ctx.login_membership
    )
    _invite(rng, ctx, contact_part)
    # Open links are off by default; the contact also shares its company's (the demo shows both
    # ways to answer, and the browser journeys answer through it).
    open_link_set(round_company=contact_part, actor=ctx.contact, enabled=True)
    # The story: the invitations went out when the round opened five days ago. Marked as sent
    # here, so the demo mails no one at its fictional addresses (reminders still find them).
    contact_part.invitations.update(sent_on=opens_on)
    mark = _backdate_audit(mark, _at(opens_on - timedelta(days=2)))
    round_open(round_=round_, actor=ctx.manager)
    mark = _backdate_audit(mark, _at(opens_on, 8))
    Round.objects.filter(pk=round_.pk).update(opened_at=_at(opens_on, 8))
    ctx.created["rounds"] += 1
    areas = round_areas(round_)
    profiles = _profiles(rng, active)
    parts = list(
        round_.companies.select_related("round", "company", "membership", "cluster").order_by(
            "membership__name"
        )
    )
    # Fetched again: the rows read before opening still say the round is a draft.
    contact_part = next(p for p in parts if p.pk == contact_part.pk)
    early = rng.sample([p for p in parts if p.pk != contact_part.pk], OPEN_ROUND_COMPANIES)
    # The companies that answer early shared an open link the team turned on for them.
    for part in early:
        open_link_set(round_company=part, actor=ctx.manager, enabled=True)
    _backdate_audit(mark, _at(opens_on, 9))
    answered: list[Any] = []
    for part in [contact_part, *early]:
        count = CONTACT_OPEN_ANSWERS if part.pk == contact_part.pk else rng.randint(1, 7)
        answered += _submit_many(rng, ctx, part, profiles[part.membership_id], count, areas)
    _spread_days(rng, answered, opens_on, ctx.today)


# --- membership strategies -----------------------------------------------------------------------


def _strategies(rng: random.Random, ctx: MappingContext, active: list[Membership], *, year: int) -> None:
    """Strategies for ``year``. Last year's are all submitted and most have their year-end review,
    so the needs page of last year's round can set them against what the employees said."""
    last_year = year < ctx.today.year
    if MembershipStrategy.objects.filter(cluster=ctx.cluster, year=year).exists():
        return
    codes = [area.code for area in current_areas(ctx.cluster)]
    goals = list(GoalCategory.values)
    for membership in active:
        is_login = membership.pk == ctx.login_membership.pk
        if not is_login and rng.random() >= 0.6:
            continue
        submit = is_login or last_year or rng.random() < 0.65
        suggestion = suggested_areas(membership=membership, area_codes=codes).codes
        shifts = SECTOR_SHIFTS[sector(membership.nace_code)]
        profile_areas = [code for code, (more, _level) in shifts.items() if more > 0 and code in codes]
        areas = suggestion[:4] or rng.sample(profile_areas or codes, 3)
        chosen_goals = rng.sample(goals, rng.randint(2, 4))
        payload: dict[str, Any] = {
            "goal_categories": chosen_goals,
            "goals_text": " ".join(data.GOAL_TEXTS[goal] for goal in chosen_goals[:2]),
            "expectations": " ".join(rng.sample(data.EXPECTATIONS, 2)),
            "priority_areas": areas,
            "involved": rng.choice(data.INVOLVED),
        }
        if not submit:
            # A draft is work in progress: goals chosen, the rest not written yet.
            kept = [key for key in ("goal_categories", "priority_areas") if rng.random() < 0.8]
            payload = {key: payload[key] for key in kept}
        elif last_year or (not is_login and rng.random() < 0.2):
            payload["review_goals_reached"] = rng.choice(("yes", "partly", "partly"))
            payload["review_value"] = rng.choice((3, 4, 4, 5))
            payload["review_text"] = rng.choice(data.REVIEWS)
        mark = _last_audit_pk()
        strategy = strategy_save(
            membership=membership,
            year=year,
            actor=ctx.contact if is_login else None,
            data=payload,
            area_codes=codes,
            submit=submit,
        )
        when = (
            _at(date(year, 1, 15) + timedelta(days=rng.randint(0, 150)), rng.randint(8, 15))
            if last_year
            else (_at(ctx.today - timedelta(days=rng.randint(1, 200)), rng.randint(8, 15)))
        )
        _backdate_audit(mark, when)
        if strategy.submitted_at:
            MembershipStrategy.objects.filter(pk=strategy.pk).update(submitted_at=min(when, timezone.now()))
        ctx.created["strategies"] += 1


def build_mapping(ctx: MappingContext) -> None:
    """The survey, both rounds and the strategies. Call inside ``scope(cluster)``."""
    for key in ("surveys", "rounds", "responses", "strategies"):
        ctx.created.setdefault(key, 0)
    # Not for secrets: a seeded generator is what makes the demo the same on every run.
    rng = random.Random(data.SEED + 3)  # noqa: S311
    active = list(
        Membership.objects.filter(cluster=ctx.cluster, status=MembershipStatus.ACTIVE)
        .select_related("company")
        .order_by("name")
    )
    mark = _last_audit_pk()
    _fish_health_area(ctx)
    version = _mapping_survey(ctx)
    _backdate_audit(mark, _at(date(ctx.today.year - 1, 2, 10), 13))
    # Who took the lean programme: larger companies among those who answer last year (the same
    # draw, made on a copy of the generator so nothing else changes).
    probe = random.Random()  # noqa: S311 - demo data
    probe.setstate(rng.getstate())
    participants = impact_participants(ctx, _last_years_companies(probe, ctx, active))
    _earlier_round(ctx, version, active, participants)
    _closed_round(rng, ctx, version, active, participants)
    _open_round(rng, ctx, version, active)
    _strategies(rng, ctx, active, year=ctx.today.year - 1)
    _strategies(rng, ctx, active, year=ctx.today.year)
