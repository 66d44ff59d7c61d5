"""The indicators of the self-assessment, in the six areas of ESCA's benchmarking, each with its
definition and its source: the platform's own data where it has it, the manager's entry where it
has not. The names follow the ECEI quality indicators where one fits
(../research/esca-indicators.md in the project's notes); the values are this platform's, and the
assessment prepares for a benchmarking, it never scores or awards a label.

Platform values are computed inside the cluster's scope from counters, registrations and released
figures only: nothing here reads an answer. The member survey's NPS comes through the read side,
hidden as it is on its own page when its round is below k."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from klyngekart.activities.models import Activity, Registration, RegistrationStatus
from klyngekart.core.models import Cluster
from klyngekart.measures.models import Measure, MeasureInterest, MeasureStatus
from klyngekart.members.member_types import LARGE, PUBLIC, RESEARCH, SME, member_type
from klyngekart.members.models import Membership, MembershipStatus
from klyngekart.memberservices.models import MemberService
from klyngekart.memberservices.selectors import nps_question_key
from klyngekart.surveys import results
from klyngekart.surveys.models import Round, RoundCompany, RoundStatus, SurveyKind

PLATFORM = "platform"
MANUAL = "manual"

AREAS: dict[str, Promise] = {
    "structure": _("Structure of the cluster participants"),
    "management": _("Management and governance"),
    "financing": _("Financing of the cluster management"),
    "services": _("Services of the cluster management"),
    "cooperation": _("Cooperation and interaction"),
    "achievements": _("Achievements and recognition"),
}

UNITS: dict[str, Promise | str] = {
    "count": "",
    "percent": _("%"),
    "fte": _("FTE"),
    "years": _("years"),
    "nok": _("NOK"),
    "score": _("score"),
}


@dataclass(frozen=True)
class Indicator:
    key: str
    area: str
    name: Promise
    definition: Promise
    unit: str
    source: str  # PLATFORM or MANUAL
    # The lowest and highest a manager may enter (manual indicators).
    low: Decimal = Decimal(0)
    high: Decimal = Decimal("1000000000")


INDICATORS: list[Indicator] = [
    # 1 Structure of the cluster participants
    Indicator(
        "members",
        "structure",
        _("Committed members"),
        _("Active member companies and organisations in the member register today."),
        "count",
        PLATFORM,
    ),
    Indicator(
        "sme_share",
        "structure",
        _("Share of SMEs"),
        _("Members with fewer than 250 employees, of the members whose type is known."),
        "percent",
        PLATFORM,
    ),
    Indicator(
        "research_members",
        "structure",
        _("Research and education members"),
        _("Members in education (NACE Q) or scientific research and development (NACE 72)."),
        "count",
        PLATFORM,
    ),
    Indicator(
        "public_members",
        "structure",
        _("Public sector members"),
        _("Members in public administration (NACE P)."),
        "count",
        PLATFORM,
    ),
    Indicator(
        "member_types",
        "structure",
        _("Member types represented"),
        _(
            "How many of the four types (SMEs, large companies, research and education, public sector) "
            "have at least one member."
        ),
        "count",
        PLATFORM,
    ),
    Indicator(
        "regional_concentration",
        "structure",
        _("Geographical concentration"),
        _("Share of the members (with a known county) that are in the county with the most members."),
        "percent",
        PLATFORM,
    ),
    # 2 Management and governance
    Indicator(
        "management_fte",
        "management",
        _("Human resources managing the cluster"),
        _("Full-time equivalents in the cluster management."),
        "fte",
        MANUAL,
        high=Decimal(500),
    ),
    Indicator(
        "management_tenure",
        "management",
        _("Stability of the management staff"),
        _("Average years the management team has worked for the cluster."),
        "years",
        MANUAL,
        high=Decimal(100),
    ),
    Indicator(
        "board_meetings",
        "management",
        _("Stakeholder involvement in decisions"),
        _("Board or steering group meetings in the last 12 months."),
        "count",
        MANUAL,
        high=Decimal(365),
    ),
    Indicator(
        "member_retention",
        "management",
        _("Stability of company participation"),
        _("Of the members a year ago, the share that are still members."),
        "percent",
        PLATFORM,
    ),
    # 3 Financing
    Indicator(
        "budget",
        "financing",
        _("Budget of the cluster management"),
        _("The cluster management's budget for the current year."),
        "nok",
        MANUAL,
    ),
    Indicator(
        "private_share",
        "financing",
        _("Share of private funds"),
        _("Share of the budget that comes from members and other private sources."),
        "percent",
        MANUAL,
        high=Decimal(100),
    ),
    Indicator(
        "membership_fees",
        "financing",
        _("Membership fees"),
        _("The annual fees of the active members, as the member register records them."),
        "nok",
        PLATFORM,
    ),
    # 4 Services
    Indicator(
        "services_offered",
        "services",
        _("Services offered"),
        _("Active services in the cluster's service portfolio."),
        "count",
        PLATFORM,
    ),
    Indicator(
        "activities_held",
        "services",
        _("Activities held"),
        _(
            "Activities (courses, forums, meetings, webinars, trips, matchmaking) that ended in the last "
            "12 months."
        ),
        "count",
        PLATFORM,
    ),
    Indicator(
        "attendances",
        "services",
        _("Attendances"),
        _("Registrations checked in at the activities of the last 12 months."),
        "count",
        PLATFORM,
    ),
    Indicator(
        "measures",
        "services",
        _("Joint competence measures"),
        _("Measures running now or completed in the last 12 months."),
        "count",
        PLATFORM,
    ),
    Indicator(
        "measure_companies",
        "services",
        _("Companies in joint measures"),
        _("Member companies taking part in those measures."),
        "count",
        PLATFORM,
    ),
    # 5 Cooperation and interaction
    Indicator(
        "members_in_activities",
        "cooperation",
        _("Members taking part in activities"),
        _("Share of the active members with at least one attendance in the last 12 months."),
        "percent",
        PLATFORM,
    ),
    Indicator(
        "mapping_participation",
        "cooperation",
        _("Members in the competence mapping"),
        _("Share of the companies of the last closed mapping round with at least one completed answer."),
        "percent",
        PLATFORM,
    ),
    Indicator(
        "member_survey_response",
        "cooperation",
        _("Member survey participation"),
        _("Response rate of the last released annual member survey."),
        "percent",
        PLATFORM,
    ),
    Indicator(
        "joint_projects",
        "cooperation",
        _("Joint projects"),
        _(
            "Research, development and innovation projects with several members, running in the last 12 "
            "months."
        ),
        "count",
        MANUAL,
        high=Decimal(10000),
    ),
    # 6 Achievements and recognition
    Indicator(
        "member_nps",
        "achievements",
        _("Member satisfaction (NPS)"),
        _(
            "Net Promoter Score of the membership in the last released member survey (hidden below k "
            "answers)."
        ),
        "score",
        PLATFORM,
    ),
    Indicator(
        "new_members",
        "achievements",
        _("New members"),
        _("Members that joined in the last 12 months."),
        "count",
        PLATFORM,
    ),
    Indicator(
        "media_mentions",
        "achievements",
        _("Recognition in publications, press and media"),
        _("Articles and broadcasts about the cluster in the last 12 months."),
        "count",
        MANUAL,
        high=Decimal(100000),
    ),
    Indicator(
        "international_partnerships",
        "achievements",
        _("International partnerships"),
        _("Agreements or joint projects with clusters in other countries."),
        "count",
        MANUAL,
        high=Decimal(10000),
    ),
]

BY_KEY = {indicator.key: indicator for indicator in INDICATORS}
MANUAL_KEYS = [indicator.key for indicator in INDICATORS if indicator.source == MANUAL]


def _percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


class PlatformFigures:
    """The platform indicators of the cluster in scope, each computed on first use."""

    def __init__(self, cluster: Cluster, today: datetime.date | None = None) -> None:
        self.cluster = cluster
        self.today = today or timezone.localdate()
        self.year_ago = self.today - datetime.timedelta(days=365)
        self._member_rows: list[Membership] | None = None

    def members(self) -> list[Membership]:
        if self._member_rows is None:
            self._member_rows = list(
                Membership.objects.filter(status=MembershipStatus.ACTIVE).only(
                    "id", "nace_section", "nace_code", "size_class", "region", "annual_fee", "joined_on"
                )
            )
        return self._member_rows

    def types(self) -> Counter[str]:
        return Counter(member_type(m.nace_section, m.nace_code, m.size_class) for m in self.members())

    def compute(self, key: str) -> Decimal | None:
        method: Callable[[], Decimal | int | None] = getattr(self, f"_{key}")
        value = method()
        return None if value is None else Decimal(value)

    def _members(self) -> int:
        return len(self.members())

    def _sme_share(self) -> Decimal | None:
        types = self.types()
        known = sum(count for kind, count in types.items() if kind)
        return _percent(types[SME], known)

    def _research_members(self) -> int:
        return self.types()[RESEARCH]

    def _public_members(self) -> int:
        return self.types()[PUBLIC]

    def _member_types(self) -> int:
        types = self.types()
        return sum(1 for kind in (SME, LARGE, RESEARCH, PUBLIC) if types[kind])

    def _regional_concentration(self) -> Decimal | None:
        regions = Counter(m.region for m in self.members() if m.region)
        if not regions:
            return None
        return _percent(regions.most_common(1)[0][1], sum(regions.values()))

    def _member_retention(self) -> Decimal | None:
        then = Membership.objects.filter(joined_on__lte=self.year_ago).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=self.year_ago)
        )
        total = then.count()
        still = then.filter(status=MembershipStatus.ACTIVE).count()
        return _percent(still, total)

    def _membership_fees(self) -> Decimal:
        return sum((m.annual_fee or Decimal(0) for m in self.members()), Decimal(0))

    def _services_offered(self) -> int:
        return MemberService.objects.filter(active=True).count()

    def _window(self) -> tuple[datetime.datetime, datetime.datetime]:
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.year_ago, datetime.time.min, tzinfo=zone)
        end = datetime.datetime.combine(self.today, datetime.time.max, tzinfo=zone)
        return start, end

    def _activities_held(self) -> int:
        return Activity.objects.filter(ends_at__range=self._window()).count()

    def _attendances(self) -> int:
        return Registration.objects.filter(
            activity__ends_at__range=self._window(), status=RegistrationStatus.ATTENDED
        ).count()

    def _current_measures(self) -> list[int]:
        return list(
            Measure.objects.filter(
                Q(status=MeasureStatus.RUNNING)
                | Q(status=MeasureStatus.COMPLETED, ends_on__gte=self.year_ago)
            ).values_list("pk", flat=True)
        )

    def _measures(self) -> int:
        return len(self._current_measures())

    def _measure_companies(self) -> int:
        return (
            MeasureInterest.objects.filter(measure_id__in=self._current_measures())
            .values("membership_id")
            .distinct()
            .count()
        )

    def _members_in_activities(self) -> Decimal | None:
        active = {m.pk for m in self.members()}
        attended = set(
            Registration.objects.filter(
                activity__ends_at__range=self._window(),
                status=RegistrationStatus.ATTENDED,
                membership_id__in=active,
            ).values_list("membership_id", flat=True)
        )
        return _percent(len(attended), len(active))

    def _mapping_participation(self) -> Decimal | None:
        last = (
            Round.objects.filter(status=RoundStatus.CLOSED)
            .filter(results.mapping_round_filter())
            .order_by("-closes_on", "-id")
            .first()
        )
        if last is None:
            return None
        companies = RoundCompany.objects.filter(round=last)
        total = companies.count()
        return _percent(companies.filter(completed_count__gt=0).count(), total)

    def _last_member_survey(self) -> Round | None:
        rounds = list(results.released_rounds(self.cluster, kinds=[SurveyKind.ANNUAL_MEMBER]))
        return rounds[-1] if rounds else None

    def _member_survey_response(self) -> Decimal | None:
        last = self._last_member_survey()
        if last is None:
            return None
        companies = RoundCompany.objects.filter(round=last)
        return _percent(companies.filter(completed_count__gt=0).count(), companies.count())

    def _member_nps(self) -> int | None:
        last = self._last_member_survey()
        key = nps_question_key(last) if last else None
        if last is None or key is None:
            return None
        cell = results.round_nps(last, key)
        return None if cell.value is None else cell.value.score

    def _new_members(self) -> int:
        return sum(1 for m in self.members() if m.joined_on and m.joined_on > self.year_ago)

    def member_survey_in_year(self) -> bool:
        last = self._last_member_survey()
        return bool(last and last.closes_on > self.year_ago)


def platform_values(cluster: Cluster, today: datetime.date | None = None) -> dict[str, Decimal | None]:
    """Every platform indicator of ``cluster`` (call inside its scope)."""
    figures = PlatformFigures(cluster, today)
    return {i.key: figures.compute(i.key) for i in INDICATORS if i.source == PLATFORM}
