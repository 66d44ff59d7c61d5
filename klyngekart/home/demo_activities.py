"""The demo's activities: a year of member forums, courses, webinars and a study trip, past and
coming, with registrations, a waiting list and attendance, and for the past ones their released
feedback (one with too few answers to show).

Everything goes through klyngekart.activities.services, as the pages do. Registration closes at
the start, so a past activity is made in the future, filled, moved to its real dates, and then
checked in. The people are the contacts the demo recorded for its member companies; they get no
mail. A second run finds the activities by title and adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify

from klyngekart.activities import services
from klyngekart.activities.feedback import NEXT_KINDS, NEXT_TEXT, RATING, feedback_round_open, open_days
from klyngekart.activities.feedback import USEFUL as USEFUL_KEY
from klyngekart.activities.models import Activity, ActivityKind, Audience, Registration
from klyngekart.home import demo_data as data
from klyngekart.home.demo_mapping import MappingContext
from klyngekart.measures.models import Measure
from klyngekart.members.models import Contact
from klyngekart.surveys.answering.services import response_submit
from klyngekart.surveys.models import Round, RoundCompany
from klyngekart.surveys.results.release import release_build
from klyngekart.surveys.rounds.services import round_close


@dataclass(frozen=True)
class ActivityPlan:
    kind: str
    title: str
    title_en: str
    description: str
    # Days from today to the start (negative: in the past), the hour it starts, how long it lasts.
    starts_in: int
    hour: int
    hours: int
    days: int
    place: str
    online: bool
    capacity: int | None
    audience: str
    registrations: int
    # The title of a demo measure it belongs to, for its areas.
    measure: str = ""
    # The share of the attendees who answer its feedback survey (past activities).
    feedback_share: float = 0.7


PLANS = (
    ActivityPlan(
        ActivityKind.MEMBER_FORUM,
        "Medlemsforum vår",
        "Member forum, spring",
        "Klyngens vårsamling: status for felles tiltak, nye medlemmer og erfaringsdeling.",
        -150,
        10,
        5,
        1,
        "Scandic Ålesund",
        False,
        60,
        Audience.MEMBERS,
        24,
    ),
    ActivityPlan(
        ActivityKind.COURSE,
        "Informasjonssikkerhet i driftsnettet – workshop",
        "Information security in the operations network – workshop",
        "To dager om sårbarheter i styringssystemer og nett på anlegg og fartøy.",
        -160,
        9,
        7,
        2,
        "NorSIS, Gjøvik",
        False,
        12,
        Audience.MEMBERS,
        14,
        "Informasjonssikkerhet i driftsnettet – workshop",
        # Few answer: its feedback is hidden under the k rule, as the demo should show once.
        feedback_share=0.2,
    ),
    ActivityPlan(
        ActivityKind.WEBINAR,
        "Webinar: KI i fôringsstyring",
        "Webinar: AI in feed control",
        "Hvordan tre medlemsbedrifter bruker maskinlæring til å styre fôringen.",
        -40,
        13,
        1,
        1,
        "",
        True,
        None,
        Audience.OPEN,
        31,
    ),
    ActivityPlan(
        ActivityKind.THEMATIC_MEETING,
        "Temamøte: elektrifisering av fartøy",
        "Thematic meeting: electrifying vessels",
        "Erfaringer med landstrøm og batteridrift, og hvilke støtteordninger som finnes.",
        21,
        12,
        3,
        1,
        "Klyngehuset, Ålesund",
        True,
        40,
        Audience.MEMBERS,
        12,
        "Elektrifisering av fartøy og anlegg – studietur",
    ),
    ActivityPlan(
        ActivityKind.COURSE,
        "Dataanalyse for havbruk – første samling",
        "Data analytics for aquaculture – first session",
        "Første samling i kursrekken: å samle og rense data fra merder og miljømålinger.",
        80,
        9,
        7,
        1,
        "Høgskulen på Vestlandet, Bergen",
        False,
        8,
        Audience.MEMBERS,
        11,
        "Dataanalyse for havbruk – felles kursrekke",
    ),
    ActivityPlan(
        ActivityKind.MATCHMAKING,
        "Matchmaking med leverandører av sensorteknologi",
        "Matchmaking with sensor technology suppliers",
        "Korte møter mellom medlemsbedrifter og leverandører, avtalt på forhånd.",
        45,
        9,
        6,
        1,
        "Klyngehuset, Ålesund",
        False,
        30,
        Audience.OPEN,
        9,
    ),
)


def _start(ctx: MappingContext, plan: ActivityPlan, days: int) -> datetime:
    day = ctx.today + timedelta(days=days)
    return datetime.combine(day, time(plan.hour), tzinfo=timezone.get_current_timezone())


def _people(ctx: MappingContext) -> list[Contact]:
    return list(
        Contact.objects.filter(cluster=ctx.cluster, membership__status="active")
        .exclude(email="")
        .select_related("membership")
        .order_by("pk")
    )


def _activity(rng: random.Random, ctx: MappingContext, plan: ActivityPlan, people: list[Contact]) -> None:
    measure = (
        Measure.objects.filter(cluster=ctx.cluster, title=plan.measure).first() if plan.measure else None
    )
    # Filled while registration is open, then moved to its real dates (the past ones).
    opens = max(plan.starts_in, 7)
    start = _start(ctx, plan, opens)
    end = start + timedelta(days=plan.days - 1, hours=plan.hours)
    activity = services.activity_create(
        cluster=ctx.cluster,
        actor=ctx.manager,
        data={
            "kind": plan.kind,
            "title": plan.title,
            "title_en": plan.title_en,
            "description": plan.description,
            "starts_at": start,
            "ends_at": end,
            "place": plan.place,
            "online_url": f"https://meet.example.no/{slugify(plan.title_en)[:40]}" if plan.online else "",
            "capacity": plan.capacity,
            "audience": plan.audience,
            "areas": list(measure.areas) if measure else [],
            "measures": [measure] if measure else [],
        },
    )
    ctx.created["activities"] += 1
    for contact in rng.sample(people, min(plan.registrations, len(people))):
        services.registration_create(
            activity=activity,
            actor=ctx.manager,
            email=contact.email,
            name=contact.name,
            membership=contact.membership,
            notify=False,
        )
        ctx.created["registrations"] += 1
    if plan.starts_in >= 0:
        return
    shift = timedelta(days=plan.starts_in - opens)
    activity = services.activity_update(
        activity=activity,
        actor=ctx.manager,
        data={"starts_at": start + shift, "ends_at": end + shift, "registration_deadline": start + shift},
    )
    seated = Registration.objects.filter(activity=activity, status="registered").order_by("pk")
    for registration in seated:
        # Most come; a few stay away, and on a second day a few more.
        for number, day in enumerate(activity.days):
            if rng.random() < (0.85 if number == 0 else 0.75):
                services.attendance_check_in(registration=registration, day=day, actor=ctx.manager)
    services.attendance_close(activity=activity, actor=ctx.manager)
    _feedback(rng, ctx, plan, activity)


# What attendees write and want next, in the demo's feedback.
USEFUL = (
    "Konkrete eksempler fra andre medlemsbedrifter.",
    "Gode diskusjoner i pausene.",
    "Praktiske råd vi kan bruke med en gang.",
    "Å møte leverandører vi ikke kjente fra før.",
    "Innlegget om erfaringer fra drift.",
)
TOPICS = (
    "Mer om datadeling mellom anlegg.",
    "Kurs i informasjonssikkerhet for driftspersonell.",
    "Erfaringer med elektrifisering.",
    "Hvordan søke om støtte til felles prosjekter.",
)
WANTS = ("course", "thematic_meeting", "webinar", "study_trip", "matchmaking")


def _feedback(rng: random.Random, ctx: MappingContext, plan: ActivityPlan, activity: Activity) -> None:
    """The activity's feedback survey, opened without mail, answered by ``plan.feedback_share`` of
    the attendees (through the submit service, as the answering pages do), closed and released,
    then dated to the fortnight after the activity."""
    try:
        round_ = feedback_round_open(activity=activity, actor=ctx.manager, notify=False)
    except ValidationError:
        return  # nobody from a member company attended
    parts = list(RoundCompany.objects.filter(round=round_).select_related("round", "cluster").order_by("pk"))
    invited = [(part, n) for part in parts for n in range(part.invited_count)]
    for number, (part, _n) in enumerate(rng.sample(invited, int(len(invited) * plan.feedback_share))):
        raw: dict[str, Any] = {
            RATING: rng.choice((3, 4, 4, 4, 5, 5)),
            NEXT_KINDS: rng.sample(WANTS, rng.randint(1, 2)),
        }
        if rng.random() < 0.6:
            raw[USEFUL_KEY] = rng.choice(USEFUL)
        if rng.random() < 0.4:
            raw[NEXT_TEXT] = rng.choice(TOPICS)
        response_submit(
            round_company=part,
            raw_answers=raw,
            submission_key=f"demo-feedback-{activity.pk}-{number}",
            language="nb",
        )
    round_close(round_=round_, actor=ctx.manager)
    # Closing queues the release for after the demo's transaction; the pages read it at once.
    release_build(round_id=round_.pk)
    opened = timezone.localdate(activity.ends_at) + timedelta(days=1)
    Round.objects.filter(pk=round_.pk).update(
        opens_on=opened,
        closes_on=opened + timedelta(days=open_days()),
        reminder_days=[],
        closed_at=_at_noon(opened + timedelta(days=open_days())),
    )


def _at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())


def build_activities(ctx: MappingContext) -> None:
    """The demo's activities. Call inside ``scope(cluster)`` after ``build_measures``."""
    for key in ("activities", "registrations"):
        ctx.created.setdefault(key, 0)
    # Not for secrets: a seeded generator is what makes the demo the same on every run.
    rng = random.Random(data.SEED + 5)  # noqa: S311
    existing = set(Activity.objects.filter(cluster=ctx.cluster).values_list("title", flat=True))
    people = _people(ctx)
    if not people:
        return
    for plan in PLANS:
        plan_rng = random.Random(rng.random())  # noqa: S311
        if plan.title not in existing:
            _activity(plan_rng, ctx, plan, people)
