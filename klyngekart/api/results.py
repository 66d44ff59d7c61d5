"""API: results of a mapping round, for the cluster or one company, under the k-rules.

The same selectors as the pages decide what may be shown. When a result is suppressed the body
carries no figure derived from the answers: ``n`` is null and ``areas`` and ``segments`` are empty;
a hidden area or segment inside a shown result has ``suppressed: true`` and nulls."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from klyngekart.api.clusters import cluster_scope
from klyngekart.api.errors import ERROR_RESPONSES
from klyngekart.core.privacy import k_threshold
from klyngekart.surveys import results as sel
from klyngekart.surveys.results import cluster as csel
from klyngekart.surveys.results.release import NotReleased

router = Router(tags=["results"])


class AreaOut(Schema):
    code: str
    suppressed: bool
    n: int | None
    importance_mean: float | None
    level_mean: float | None
    gap_mean: float | None


class SegmentOut(Schema):
    key: str
    label: str
    suppressed: bool
    n: int | None
    areas: list[AreaOut]


class ResultsOut(Schema):
    round: int
    company: str | None
    released: bool
    building: bool
    k: int
    suppressed: bool
    n: int | None
    areas: list[AreaOut]
    segments: list[SegmentOut]


def _areas(rows: list[sel.AreaRow]) -> list[dict[str, Any]]:
    items = []
    for row in rows:
        figures = row.figures.value
        items.append(
            {
                "code": row.code,
                "suppressed": row.figures.suppressed,
                "n": row.figures.n,
                "importance_mean": figures.importance_mean if figures else None,
                "level_mean": figures.level_mean if figures else None,
                "gap_mean": figures.gap_mean if figures else None,
            }
        )
    return items


def _segments(segments: list[sel.SegmentResult]) -> list[dict[str, Any]]:
    return [
        {
            "key": segment.key,
            "label": segment.label,
            "suppressed": segment.suppressed,
            "n": segment.n.value,
            "areas": [] if segment.suppressed else _areas(segment.areas),
        }
        for segment in segments
    ]


def _body(result: sel.CompanyResults | csel.ClusterResults, company: str | None) -> dict[str, Any]:
    suppressed = result.suppressed
    return {
        "round": result.round.pk,
        "company": company,
        "released": True,
        "building": False,
        "k": result.k,
        "suppressed": suppressed,
        "n": result.n.value,
        "areas": [] if suppressed else _areas(result.areas),
        "segments": [] if suppressed else _segments(result.segments),
    }


@router.get(
    "/clusters/{slug}/rounds/{id}/results",
    response={200: ResultsOut, 202: ResultsOut, **ERROR_RESPONSES},
    summary="Results of a mapping round, for the cluster or one company",
    description=(
        "Without `company`: the cluster's results (role with `results.cluster`). With `company` "
        "(an org number): that company's results (`results.company`; a company contact only for its "
        "own company, any other is 404). `segment` is the key of a segment question (e.g. role group): "
        "`segments` then lists its options. Every figure needs at least `k` answers; a segment also "
        "needs the rest of its company (or cluster) to reach `k`. A suppressed result has `n: null` "
        "and no areas or segments: nothing derived from the answers. Results are released once, when "
        "the round closes: before that the answer is 200 with `released: false` and no figure; while "
        "the release is being prepared right after closing, 202 with `building: true`."
    ),
)
def round_results(
    request: HttpRequest,
    slug: str,
    id: int,  # noqa: A002 - the path's name in the published contract
    company: str = "",
    segment: str = "",
) -> Status[dict[str, Any]]:
    permission = "results.company" if company else "results.cluster"
    with cluster_scope(request, slug, permission) as access:
        round_ = sel.access_results_round(access, id)
        part = sel.access_results_company_by_org_number(access, round_, company) if company else None
        try:
            return Status(200, _released_body(round_, access, part, segment))
        except NotReleased as unreleased:
            body: dict[str, Any] = {
                "round": round_.pk,
                "company": part.company.org_number if part else None,
                "released": False,
                "building": unreleased.building,
                "k": k_threshold(round_.cluster),
                "suppressed": True,
                "n": None,
                "areas": [],
                "segments": [],
            }
            return Status(202 if unreleased.building else 200, body)


def _released_body(round_: Any, access: Any, part: Any, segment: str) -> dict[str, Any]:
    """The released figures; NotReleased before the round's release is ready."""
    if part is None:
        cluster = csel.cluster_results(round=round_, segment_question=segment or None, with_companies=False)
        return _body(cluster, None)
    result = sel.company_results(
        round=round_,
        round_company=part,
        segment_question=segment or None,
        viewer_company_ids=sel.viewer_companies(access),
    )
    return _body(result, part.company.org_number)
