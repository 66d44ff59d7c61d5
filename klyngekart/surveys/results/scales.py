"""Round-level figures of scale questions (Likert 1–5 and NPS 0–10) across all the companies of a
released round, and per segment of companies (size class, NACE section, region): what the member
survey's pages show (mean importance and satisfaction per service, the membership's NPS).

The k rule, per question (optional questions have their own n):
- a figure needs at least k answers;
- a company's own figure for the question may be shown on its results page once it reaches k
  (``company_scale_summaries``), so every company with k answers or more counts as *exposed*; a
  group's figure minus its exposed companies' figures is the rest of the group, which must be
  empty or reach k (``remainder_ok``);
- a segment is shown only when it and the rest of the round reach k, when the rest's unexposed
  part is empty or reaches k, and when what the shown segments leave over (companies without a
  value, hidden segments) is empty or reaches k, in answers and in unexposed answers alike: the
  smallest shown segment is hidden until it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from klyngekart.core.models import Cluster
from klyngekart.core.privacy import Cell, Moments, k_threshold, segment_visible
from klyngekart.surveys.models import QuestionAggregate, ReleaseStatus, Round, RoundRelease
from klyngekart.surveys.models.responses import ALL
from klyngekart.surveys.results.cells import SEGMENT_KINDS, round_companies, segment_value
from klyngekart.surveys.results.core import remainder_ok, round_value
from klyngekart.surveys.results.release import NotReleased, release_version

ROUND = ""  # the group key of the whole round


@dataclass(frozen=True)
class ScaleFigure:
    mean: float
    n: int


@dataclass(frozen=True)
class NpsFigure:
    """NPS = % promoters (9–10) − % detractors (0–6), from ``n`` answers."""

    score: int
    promoters: int  # percent
    passives: int
    detractors: int
    n: int


def nps_of(distribution: dict[int, int]) -> NpsFigure | None:
    """The arithmetic of NPS from a count per value 0–10; None without answers."""
    n = sum(distribution.values())
    if n == 0:
        return None
    promoters = sum(count for value, count in distribution.items() if value >= 9)
    detractors = sum(count for value, count in distribution.items() if value <= 6)
    passives = n - promoters - detractors
    return NpsFigure(
        score=round(100 * (promoters - detractors) / n),
        promoters=round(100 * promoters / n),
        passives=round(100 * passives / n),
        detractors=round(100 * detractors / n),
        n=n,
    )


def released_rounds(cluster: Cluster, *, kinds: Iterable[str]) -> QuerySet[Round]:
    """The cluster's rounds of surveys of these kinds whose results are released, oldest first
    (call inside the cluster's scope)."""
    return (
        Round.objects.filter(
            cluster=cluster,
            survey_version__survey__kind__in=list(kinds),
            release__status=ReleaseStatus.READY,
        )
        .select_related("survey_version")
        .order_by("closes_on", "id")
    )


def shown_groups(company_n: dict[int, int], company_group: dict[int, str], k: int) -> set[str]:
    """Which groups of a round may show a figure of one question: ``ROUND`` for the whole round,
    and segment values. ``company_n``: answers per round company; ``company_group``: the segment
    value of each (missing or "": no value, never shown as a segment of its own)."""
    total = sum(company_n.values())
    unexposed = {rc: n for rc, n in company_n.items() if n < k}
    u_total = sum(unexposed.values())
    shown: set[str] = set()
    if total >= k and remainder_ok(u_total, k):
        shown.add(ROUND)
    else:
        # Without the whole round, a segment would be the round minus the rest: show none.
        return shown
    n_of: dict[str, int] = defaultdict(int)
    u_of: dict[str, int] = defaultdict(int)
    for rc, n in company_n.items():
        value = company_group.get(rc, "")
        if value:
            n_of[value] += n
            u_of[value] += unexposed.get(rc, 0)
    candidates = {
        value
        for value, n in n_of.items()
        if segment_visible(n, total, k)
        and remainder_ok(u_of[value], k)
        and remainder_ok(u_total - u_of[value], k)
    }
    while candidates:
        leftover = total - sum(n_of[v] for v in candidates)
        u_leftover = u_total - sum(u_of[v] for v in candidates)
        if remainder_ok(leftover, k) and remainder_ok(u_leftover, k):
            break
        candidates.discard(min(candidates, key=lambda v: (n_of[v], v)))
    return shown | candidates


def _sums(round_: Round, keys: Sequence[str]) -> dict[str, dict[int, dict[str, tuple[int, int, int]]]]:
    """{question: {round company: {option: (n, total, total_sq)}}} of everyone (segment ALL)."""
    out: dict[str, dict[int, dict[str, tuple[int, int, int]]]] = defaultdict(lambda: defaultdict(dict))
    rows = QuestionAggregate.objects.filter(
        round=round_, segment=ALL, question_key__in=list(keys)
    ).values_list("question_key", "round_company_id", "option_key", "n", "total", "total_sq")
    for key, rc, option, n, total, total_sq in rows:
        out[key][rc][option] = (n, total, total_sq)
    return out


def _groups(round_: Round, segment_kind: str) -> dict[int, str]:
    if not segment_kind:
        return {}
    if segment_kind not in SEGMENT_KINDS:
        raise ValueError(segment_kind)
    return {rc: segment_value(info, segment_kind) for rc, info in round_companies(round_).items()}


def round_scale_means(
    round_: Round, question_keys: Sequence[str], *, segment_kind: str = ""
) -> dict[str, dict[str, Cell[ScaleFigure]]]:
    """{group: {question key: Cell(mean, n)}} for Likert or NPS questions: group ``ROUND`` is the
    whole round, the others the values of ``segment_kind`` (one of SEGMENT_KINDS, or "" for
    none). A group or question that may not be shown is a hidden Cell. Raises NotReleased."""
    release_version(round_)
    k = k_threshold(round_.cluster)
    groups = _groups(round_, segment_kind)
    sums = _sums(round_, question_keys)
    values = sorted({v for v in groups.values() if v})
    out: dict[str, dict[str, Cell[ScaleFigure]]] = {g: {} for g in [ROUND, *values]}
    for key in question_keys:
        per_company = sums.get(key, {})
        company_n = {rc: options.get("", (0, 0, 0))[0] for rc, options in per_company.items()}
        visible = shown_groups(company_n, groups, k)
        for group in out:
            members = [rc for rc in per_company if group == ROUND or groups.get(rc) == group]
            moments = Moments()
            for rc in members:
                n, total, total_sq = per_company[rc].get("", (0, 0, 0))
                moments = moments + Moments(n, float(total), float(total_sq))
            mean = round_value(moments.mean)
            if group in visible and moments.n >= k and mean is not None:
                out[group][key] = Cell(suppressed=False, value=ScaleFigure(mean, moments.n), n=moments.n)
            else:
                out[group][key] = Cell.hidden()
    return out


def round_nps_groups(
    round_: Round, question_key: str, *, segment_kind: str = ""
) -> dict[str, Cell[NpsFigure]]:
    """{group: Cell(NPS)} for one NPS question: group ``ROUND`` is the whole round, the others the
    values of ``segment_kind`` ("" for none), under the same rule as ``round_scale_means``: a
    group shows only when ``shown_groups`` lets it and it has k answers. Raises NotReleased."""
    release_version(round_)
    k = k_threshold(round_.cluster)
    groups = _groups(round_, segment_kind)
    per_company = _sums(round_, [question_key]).get(question_key, {})
    company_n = {rc: options.get("", (0, 0, 0))[0] for rc, options in per_company.items()}
    visible = shown_groups(company_n, groups, k)
    out: dict[str, Cell[NpsFigure]] = {}
    for group in [ROUND, *sorted({v for v in groups.values() if v})]:
        figure = None
        if group in visible:
            distribution: dict[int, int] = defaultdict(int)
            for rc, options in per_company.items():
                if group == ROUND or groups.get(rc) == group:
                    for value in range(11):
                        distribution[value] += options.get(str(value), (0, 0, 0))[0]
            figure = nps_of(distribution)
        if figure is None or figure.n < k:
            out[group] = Cell.hidden()
        else:
            out[group] = Cell(suppressed=False, value=figure, n=figure.n)
    return out


def round_nps(round_: Round, question_key: str) -> Cell[NpsFigure]:
    """The round's NPS for one NPS question, under the same rule as the round's means."""
    return round_nps_groups(round_, question_key)[ROUND]


# --- several rounds of one survey kind: the activities' feedback ----------------------------------


Figure = tuple[Moments, dict[str, int], bool]


def _round_figures(rounds: Sequence[Round], keys: Sequence[str]) -> dict[tuple[int, str], Figure]:
    """Per (round id, question key): the round's sums of the question (moments of the values,
    count per option) and whether its figure may be shown (the whole-round rule of
    ``round_scale_means``). Two queries for any number of rounds; raises NotReleased if one of
    them is not released."""
    ids = [round_.pk for round_ in rounds]
    ready = set(
        RoundRelease.objects.filter(round_id__in=ids, status=ReleaseStatus.READY).values_list(
            "round_id", flat=True
        )
    )
    for round_ in rounds:
        if round_.pk not in ready:
            raise NotReleased(round_)
    sums: dict[tuple[int, str], dict[int, dict[str, tuple[int, int, int]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    rows = QuestionAggregate.objects.filter(
        round_id__in=ids, segment=ALL, question_key__in=list(keys)
    ).values_list("round_id", "question_key", "round_company_id", "option_key", "n", "total", "total_sq")
    for round_id, key, rc, option, n, total, total_sq in rows:
        sums[(round_id, key)][rc][option] = (n, total, total_sq)
    out: dict[tuple[int, str], Figure] = {}
    for round_ in rounds:
        k = k_threshold(round_.cluster)
        for key in keys:
            per_company = sums.get((round_.pk, key), {})
            company_n = {rc: options.get("", (0, 0, 0))[0] for rc, options in per_company.items()}
            moments = Moments()
            counts: dict[str, int] = defaultdict(int)
            for options in per_company.values():
                for option, (n, total, total_sq) in options.items():
                    if option == "":
                        moments = moments + Moments(n, float(total), float(total_sq))
                    else:
                        counts[option] += n
            shown = ROUND in shown_groups(company_n, {}, k) and moments.n >= k
            out[(round_.pk, key)] = (moments, dict(counts), shown)
    return out


def _scale_cell(moments: Moments) -> Cell[ScaleFigure]:
    mean = round_value(moments.mean)
    if mean is None:
        return Cell.hidden()
    return Cell(suppressed=False, value=ScaleFigure(mean, moments.n), n=moments.n)


def pooled_scale_means(
    rounds: Sequence[Round], question_key: str
) -> tuple[dict[int, Cell[ScaleFigure]], Cell[ScaleFigure]]:
    """Each round's mean of one scale question (by round id), and the mean of the rounds together.

    The pool takes only the rounds whose own figure is shown. A pool over every round, beside
    the rounds shown one by one, would give away the hidden ones by subtraction (the pool's sum
    minus the shown rounds' sums is the hidden rounds' sum, however few answered them); pooled
    over the shown rounds only, it says nothing the rounds shown do not already say."""
    per_round: dict[int, Cell[ScaleFigure]] = {}
    pool = Moments()
    figures = _round_figures(rounds, [question_key])
    for round_ in rounds:
        moments, _counts, shown = figures[(round_.pk, question_key)]
        per_round[round_.pk] = _scale_cell(moments) if shown else Cell.hidden()
        if shown:
            pool = pool + moments
    return per_round, _scale_cell(pool) if pool.n else Cell.hidden()


def pooled_choice_counts(
    rounds: Sequence[Round], question_key: str, *, gate_key: str
) -> tuple[dict[int, Cell[dict[str, int]]], Cell[dict[str, int]]]:
    """How many chose each option of a choice question, per round (by round id) and over the
    rounds together. A round's counts are shown only when its figure of ``gate_key`` (a required
    question every respondent answered) is shown: then the counts describe k respondents or more,
    as the NPS's shares do. The pool, as in ``pooled_scale_means``, takes only the rounds shown."""
    per_round: dict[int, Cell[dict[str, int]]] = {}
    pool: dict[str, int] = defaultdict(int)
    respondents = 0
    figures = _round_figures(rounds, [gate_key, question_key])
    for round_ in rounds:
        gate, _gate_counts, shown = figures[(round_.pk, gate_key)]
        _moments, counts, _shown = figures[(round_.pk, question_key)]
        if not shown:
            per_round[round_.pk] = Cell.hidden()
            continue
        per_round[round_.pk] = Cell(suppressed=False, value=counts, n=gate.n)
        respondents += gate.n
        for option, n in counts.items():
            pool[option] += n
    pooled: Cell[dict[str, int]] = (
        Cell(suppressed=False, value=dict(pool), n=respondents) if respondents else Cell.hidden()
    )
    return per_round, pooled
