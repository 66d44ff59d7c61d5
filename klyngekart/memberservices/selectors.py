"""Reads of the service portfolio and the member survey's results. Every figure comes from the
read side (``klyngekart.surveys.results``) under the k rule; here they are only arranged: the
importance–performance map with its quadrants, each service's trend and the NPS trend.

Quadrants split at the means: the unweighted mean of the shown services' mean importance, and the
same for satisfaction, in the round and group shown. On an agreement scale most answers sit above
the midpoint 3, so a split there would put nearly every service in "keep up"; the means compare
the services with each other, which is what the map is for. A value equal to the split counts as
high."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from klyngekart.accounts.access import ClusterAccess
from klyngekart.core.models import Cluster
from klyngekart.core.privacy import Cell
from klyngekart.memberservices.models import MemberService
from klyngekart.memberservices.services import IMPORTANCE, service_id_of, service_question_keys
from klyngekart.surveys import results
from klyngekart.surveys.models import Question, QuestionType, Round, SurveyKind

MEMBER_SURVEY_KINDS = (SurveyKind.ANNUAL_MEMBER, SurveyKind.PULSE)

CONCENTRATE = "concentrate_here"
KEEP_UP = "keep_up"
LOW_PRIORITY = "low_priority"
OVERKILL = "possible_overkill"
QUADRANT_LABELS = {
    CONCENTRATE: _("Concentrate here"),
    KEEP_UP: _("Keep up the good work"),
    LOW_PRIORITY: _("Low priority"),
    OVERKILL: _("Possible overkill"),
}


def service_list(*, active_only: bool = False) -> QuerySet[MemberService]:
    services = MemberService.objects.all()
    return services.filter(active=True) if active_only else services


def quadrant(
    importance: float, satisfaction: float, importance_split: float, satisfaction_split: float
) -> str:
    high_importance = importance >= importance_split
    high_satisfaction = satisfaction >= satisfaction_split
    if high_importance:
        return KEEP_UP if high_satisfaction else CONCENTRATE
    return OVERKILL if high_satisfaction else LOW_PRIORITY


@dataclass(frozen=True)
class ServicePoint:
    service_id: int
    name: str
    importance: Cell[results.ScaleFigure]
    satisfaction: Cell[results.ScaleFigure]
    quadrant: str | None  # None while either figure is suppressed

    @property
    def suppressed(self) -> bool:
        return self.quadrant is None

    @property
    def quadrant_label(self) -> str:
        return str(QUADRANT_LABELS[self.quadrant]) if self.quadrant else ""


@dataclass(frozen=True)
class ServiceMap:
    round: Round
    group: str  # results.ROUND, or a segment value
    points: list[ServicePoint]
    importance_split: float | None
    satisfaction_split: float | None
    # The group's NPS (None: the round asked no recommendation question).
    nps: Cell[results.NpsFigure] | None = None


def round_service_ids(round_: Round) -> list[int]:
    """The services a round asked about, in the survey's order."""
    keys = Question.objects.filter(
        version_id=round_.survey_version_id, type=QuestionType.LIKERT, key__startswith=IMPORTANCE
    ).values_list("key", flat=True)
    ids = [service_id_of(key) for key in keys]
    return [pk for pk in ids if pk is not None]


def _names(round_: Round, ids: list[int]) -> dict[int, str]:
    names = {s.pk: s.name for s in MemberService.objects.filter(pk__in=ids)}
    for pk in ids:
        names.setdefault(pk, f"#{pk}")
    return names


def service_maps(round_: Round, *, segment_kind: str = "") -> list[ServiceMap]:
    """The map of the whole round first, then one per segment value of ``segment_kind``.
    Raises results.NotReleased while the round's results are not released."""
    ids = round_service_ids(round_)
    keys = [key for pk in ids for key in service_question_keys(pk)]
    figures = results.round_scale_means(round_, keys, segment_kind=segment_kind)
    nps_key = nps_question_key(round_)
    nps = results.round_nps_groups(round_, nps_key, segment_kind=segment_kind) if nps_key else {}
    names = _names(round_, ids)
    maps = []
    for group, cells in figures.items():
        pairs = []
        for pk in ids:
            imp_key, sat_key = service_question_keys(pk)
            pairs.append((pk, cells.get(imp_key, Cell.hidden()), cells.get(sat_key, Cell.hidden())))
        shown = [(i.value, s.value) for _pk, i, s in pairs if i.value is not None and s.value is not None]
        imp_split = round(sum(i.mean for i, _s in shown) / len(shown), 2) if shown else None
        sat_split = round(sum(s.mean for _i, s in shown) / len(shown), 2) if shown else None
        points = []
        for pk, imp, sat in pairs:
            place = None
            if (
                imp.value is not None
                and sat.value is not None
                and imp_split is not None
                and sat_split is not None
            ):
                place = quadrant(imp.value.mean, sat.value.mean, imp_split, sat_split)
            points.append(ServicePoint(pk, names[pk], imp, sat, place))
        maps.append(
            ServiceMap(
                round_,
                group,
                points,
                imp_split,
                sat_split,
                nps.get(group, Cell.hidden()) if nps_key else None,
            )
        )
    return maps


def service_map(round_: Round) -> ServiceMap:
    return service_maps(round_)[0]


def member_survey_rounds(cluster: Cluster) -> list[Round]:
    """Released rounds of member surveys and pulse checks, oldest first (inside the scope)."""
    return list(results.released_rounds(cluster, kinds=MEMBER_SURVEY_KINDS))


def access_member_survey_round(access: ClusterAccess, pk: int) -> Round:
    """A released member-survey round of the access's cluster; 404 for any other."""
    for round_ in member_survey_rounds(access.cluster):
        if round_.pk == pk:
            return round_
    raise Http404("No such member survey round")


@dataclass(frozen=True)
class TrendPoint:
    round: Round
    importance: Cell[results.ScaleFigure]
    satisfaction: Cell[results.ScaleFigure]


@dataclass(frozen=True)
class ServiceTrend:
    service_id: int
    name: str
    points: list[TrendPoint]


def service_trends(rounds: list[Round]) -> list[ServiceTrend]:
    """Each service's mean importance and satisfaction in every released round that asked about
    it, oldest first; a point is hidden when the round's figure is."""
    lines: dict[int, list[TrendPoint]] = {}
    for round_ in rounds:
        for point in service_map(round_).points:
            lines.setdefault(point.service_id, []).append(
                TrendPoint(round_, point.importance, point.satisfaction)
            )
    names = {s.pk: s.name for s in MemberService.objects.filter(pk__in=list(lines))}
    return [ServiceTrend(pk, names.get(pk, f"#{pk}"), points) for pk, points in lines.items()]


@dataclass(frozen=True)
class NpsPoint:
    round: Round
    nps: Cell[results.NpsFigure]
    change: int | None  # against the previous shown point


def nps_question_key(round_: Round) -> str | None:
    return (
        Question.objects.filter(version_id=round_.survey_version_id, type=QuestionType.NPS)
        .order_by("section__position", "position", "id")
        .values_list("key", flat=True)
        .first()
    )


def nps_trend(rounds: list[Round]) -> list[NpsPoint]:
    points = []
    previous: int | None = None
    for round_ in rounds:
        key = nps_question_key(round_)
        if key is None:
            continue
        cell = results.round_nps(round_, key)
        change = None
        if cell.value is not None:
            if previous is not None:
                change = cell.value.score - previous
            previous = cell.value.score
        points.append(NpsPoint(round_, cell, change))
    return points
