"""Results of a mapping round beyond the gap matrix: ranked priorities, Likert and NPS
summaries, free text, and a company's trend between rounds. The same rules as results.py: every
figure is a ``privacy.Cell``, shown only for a company that company_results shows, from at least
k answers; free text from the release (scrubbed, in the order fixed then), from k texts or more."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from klyngekart.core.privacy import Cell, Moments, k_threshold
from klyngekart.surveys.models import (
    AreaAggregate,
    Question,
    QuestionAggregate,
    QuestionType,
    ReleasedText,
    ReleaseStatus,
    Round,
    RoundCompany,
    SegmentCount,
)
from klyngekart.surveys.models.responses import ALL
from klyngekart.surveys.results.core import AreaSums, CompanyResults, round_summary, round_value
from klyngekart.surveys.results.release import release_version
from klyngekart.taxonomy.models import CompetenceArea

# --- other questions: priorities, Likert and NPS, free text ---------------------------------------


@dataclass(frozen=True)
class Priority:
    key: str
    label: str
    points: int
    chosen_by: int


@dataclass(frozen=True)
class PriorityResult:
    question: Question
    options: Cell[list[Priority]]


@dataclass(frozen=True)
class ScaleSummary:
    mean: float | None
    sd: float | None
    distribution: list[tuple[str, int]]  # (value, answers), every value of the scale
    nps: int | None  # promoters minus detractors, in percent (NPS questions only)


@dataclass(frozen=True)
class ScaleResult:
    question: Question
    summary: Cell[ScaleSummary]


def _question_rows(round_company: RoundCompany, questions: Sequence[Question]) -> dict[str, dict[str, tuple]]:
    by_question: dict[str, dict[str, tuple]] = defaultdict(dict)
    rows = QuestionAggregate.objects.filter(
        round_company=round_company, segment=ALL, question_key__in=[q.key for q in questions]
    ).values_list("question_key", "option_key", "n", "total", "total_sq")
    for key, option, n, total, total_sq in rows:
        by_question[key][option] = (n, total, total_sq)
    return by_question


def _company_visible(results: CompanyResults) -> bool:
    return not results.suppressed


def company_top_priorities(*, results: CompanyResults) -> list[PriorityResult]:
    """Ranking questions: points per option (3 for first place, 2, 1), most points first.

    The aggregates keep, per option, how many ranked it and its points, not how many answered the
    question; the largest per-option count is a floor for that, and it must reach k."""
    questions = list(
        Question.objects.filter(version_id=results.round.survey_version_id, type=QuestionType.RANKING)
    )
    if not questions:
        return []
    rows = _question_rows(results.round_company, questions) if _company_visible(results) else {}
    output = []
    for question in questions:
        options = rows.get(question.key, {})
        floor = max((n for n, _t, _q in options.values()), default=0)
        if not _company_visible(results) or floor < results.k:
            output.append(PriorityResult(question, Cell.hidden()))
            continue
        items = [
            Priority(key, question.option_label(key), int(total), int(n))
            for key, (n, total, _sq) in options.items()
            if key
        ]
        items.sort(key=lambda item: (-item.points, item.label))
        output.append(PriorityResult(question, Cell(suppressed=False, value=items, n=floor)))
    return output


SCALE_VALUES = {QuestionType.LIKERT: range(1, 6), QuestionType.NPS: range(0, 11)}


def company_scale_summaries(*, results: CompanyResults) -> list[ScaleResult]:
    """Likert and NPS questions: mean, spread and distribution, each from at least k answers."""
    questions = list(
        Question.objects.filter(
            version_id=results.round.survey_version_id, type__in=[QuestionType.LIKERT, QuestionType.NPS]
        )
    )
    if not questions:
        return []
    rows = _question_rows(results.round_company, questions) if _company_visible(results) else {}
    output = []
    for question in questions:
        options = rows.get(question.key, {})
        n, total, total_sq = options.get("", (0, 0, 0))
        if not _company_visible(results) or n < results.k:
            output.append(ScaleResult(question, Cell.hidden()))
            continue
        moments = Moments(n, float(total), float(total_sq))
        values = SCALE_VALUES[QuestionType(question.type)]
        distribution = [(str(value), int(options.get(str(value), (0, 0, 0))[0])) for value in values]
        nps = None
        if question.type == QuestionType.NPS:
            promoters = sum(count for value, count in distribution if int(value) >= 9)
            detractors = sum(count for value, count in distribution if int(value) <= 6)
            nps = round(100 * (promoters - detractors) / n)
        summary = ScaleSummary(round_value(moments.mean), round_value(moments.sd), distribution, nps)
        output.append(ScaleResult(question, Cell(suppressed=False, value=summary, n=n)))
    return output


def free_text_questions(round_: Round) -> list[Question]:
    return list(Question.objects.filter(version_id=round_.survey_version_id, type=QuestionType.TEXT))


@dataclass(frozen=True)
class Comment:
    """A released free-text answer: scrubbed at release, in the order fixed then. ``id`` lets the
    cluster team hide it; templates print the text."""

    id: str
    text: str
    hidden: bool = False

    def __str__(self) -> str:
        return self.text


def _comments(rows: Iterable[tuple[Any, str, bool]], k: int, *, with_hidden: bool) -> Cell[list[Comment]]:
    """The k rule for free text: k texts or more in the group, hidden ones included (hiding one
    does not change who answered), and the shown ones in their released order."""
    items = [Comment(str(pk), text, hidden) for pk, text, hidden in rows]
    if len(items) < k:
        return Cell.hidden()
    return Cell(suppressed=False, value=[item for item in items if with_hidden or not item.hidden], n=None)


def free_texts(
    *,
    round: Round,  # noqa: A002
    round_company: RoundCompany | None,
    question_key: str,
    with_hidden: bool = False,
) -> Cell[list[Comment]]:
    """The released texts of one question, of one company (or of the whole round with None), only
    from k texts or more. ``with_hidden`` also lists what the team hid (for the team, to undo it).
    Raises NotReleased while the round's results are not released."""
    release_version(round)
    rows = ReleasedText.objects.filter(round=round, question_key=question_key)
    if round_company is not None:
        rows = rows.filter(round_company=round_company)
    values = rows.order_by("position").values_list("pk", "text", "hidden")
    return _comments(values, k_threshold(round.cluster), with_hidden=with_hidden)


# --- trend between rounds -----------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    round: Round
    gap: Cell[float]


@dataclass(frozen=True)
class TrendLine:
    code: str
    name: str
    points: list[TrendPoint]


def company_trend(
    *,
    membership: Any,
    area_codes: Sequence[str],
    viewer_company_ids: Iterable[int] | None = None,
) -> list[TrendLine]:
    """The company's mean gap per area in every released round it took part in, oldest first; each
    point under the same rules as company_results for that round."""
    takes = list(
        RoundCompany.objects.filter(membership=membership, round__release__status=ReleaseStatus.READY)
        .select_related("round", "round__cluster")
        .order_by("round__opens_on", "round_id")
    )
    if not takes:
        return []
    k = k_threshold(takes[0].round.cluster)
    own = {take.pk for take in takes}
    # The cross-company decisions per round come from its (cached) summary: the same pooling as
    # company_results; only the company's own sums are read here.
    summaries = (
        {take.round_id: round_summary(take.round, k) for take in takes} if viewer_company_ids is None else {}
    )
    counts: dict[int, int] = dict(
        SegmentCount.objects.filter(round_company_id__in=own, segment=ALL).values_list(
            "round_company_id", "n"
        )
    )
    sums: dict[tuple[int, str], AreaSums] = {}
    rows = AreaAggregate.objects.filter(
        round_company_id__in=own, segment=ALL, area_code__in=list(area_codes)
    ).values_list("round_company_id", "area_code", "n", "sum_gap", "sumsq_gap")
    for rc_id, code, n, s_gap, q_gap in rows:
        sums[(rc_id, code)] = AreaSums(gap=Moments(n, float(s_gap), float(q_gap)))
    names = {
        area.code: area.name
        for area in CompetenceArea.objects.filter(
            version_id__in=[take.round.taxonomy_version_id for take in takes], code__in=list(area_codes)
        )
    }
    lines = []
    for code in area_codes:
        points = []
        for take in takes:
            n = counts.get(take.pk, 0)
            allowed = n >= k
            if allowed and viewer_company_ids is None:
                allowed = summaries[take.round_id].area_shown(take.pk, code)
            moments = sums.get((take.pk, code), AreaSums()).gap
            if allowed and moments.n >= k:
                points.append(
                    TrendPoint(
                        take.round, Cell(suppressed=False, value=round_value(moments.mean), n=moments.n)
                    )
                )
            else:
                points.append(TrendPoint(take.round, Cell.hidden()))
        lines.append(TrendLine(code, names.get(code, code), points))
    return lines
