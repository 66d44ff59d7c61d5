"""API: the cluster's needs ranking for a mapping round, under the k rules of the needs page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from klyngekart.api.clusters import cluster_scope
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError, ErrorOut
from klyngekart.needs import analysis as sel
from klyngekart.surveys import results as res


def _not_released(unreleased: res.NotReleased) -> str:
    if unreleased.building:
        return _("The round has closed and its results are being prepared: try again shortly.")
    return _("The round's results are released when it closes; until then no figure is shown.")


router = Router(tags=["needs"])


class NeedOut(Schema):
    area: str
    breadth: int
    breadth_share: Decimal | None
    depth: Decimal | None
    priority: Decimal | None
    respondents: int | None
    strategy_priority_count: int


@router.get(
    "/clusters/{slug}/needs",
    response={200: list[NeedOut], 409: ErrorOut, **ERROR_RESPONSES},
    summary="The cluster's competence needs for a round, by priority",
    description=(
        "Role with `needs.view`. `breadth`: companies (among those with at least `k` answers in the "
        "area) whose mean gap reaches `threshold` (default 1.0); `depth`: mean gap over all respondents; "
        "`priority` = `breadth_share` × `depth` (a negative depth counts as zero). `segment` "
        "(`size`, `nace` or `region`) with `value` (e.g. `small`, `C`, `46`) limits the ranking to the "
        "companies of that segment. Figures from fewer than `k` answers are null. 409 until the round "
        "has closed and its results are released."
    ),
)
def needs_ranking(
    request: HttpRequest,
    slug: str,
    round: int,  # noqa: A002 - the published query parameter
    segment: str = "",
    value: str = "",
    threshold: Decimal = sel.DEFAULT_THRESHOLD,
) -> list[dict[str, Any]]:
    # Refused in the shape the document gives every 422 ({"detail": [{"loc", "msg", "type"}]}),
    # not as one sentence: a client reads all its 422s one way.
    problems = {}
    if segment and segment not in sel.SEGMENT_KINDS:
        problems["segment"] = _("segment must be one of size, nace, region.")
    elif segment and not value:
        problems["value"] = _("Give the segment's value too, e.g. segment=size&value=small.")
    if threshold < 0 or threshold > 4:
        problems["threshold"] = _("threshold must be between 0 and 4.")
    if problems:
        raise ApiValidationError(ValidationError(problems, code="invalid"), lambda key: ["query", key])
    with cluster_scope(request, slug, "needs.view") as access:
        round_ = res.access_results_round(access, round)
        try:
            rows = sel.needs_ranking(
                round_, threshold=threshold, segment=(segment, value) if segment else None
            )
        except res.NotReleased as unreleased:
            # No figure before the round's results are released (surveys/results/release.py says why).
            raise HttpError(409, str(_not_released(unreleased))) from unreleased
        return [
            {
                "area": row.code,
                "breadth": row.breadth,
                "breadth_share": row.breadth_share,
                "depth": row.depth,
                "priority": row.priority,
                "respondents": row.respondents,
                "strategy_priority_count": row.strategy_priority_count,
            }
            for row in rows
        ]
