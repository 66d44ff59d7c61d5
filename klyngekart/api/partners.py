"""API: partner matching (issue 15, item 4) and the cluster's publication. The list is what the
partner page shows, the best first, each with its profile (as ``GET /landscape/clusters/{id}``),
the score, its four parts and the reasons in words; the settings are what the manager's page
edits (the publication, the profile's facts, the preferred geography and the strengths)."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from klyngekart.api.clusters import cluster_scope
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError
from klyngekart.api.landscape import ClusterProfileDetailOut, profile_detail_json
from klyngekart.partners import matching, selectors, services
from klyngekart.partners.matching import MatchFilters
from klyngekart.partners.publication import published_profile, settings_of

router = Router(tags=["partners"])
PATH = "/clusters/{slug}/partners"


class PartnerPartsOut(Schema):
    complementarity: float = Field(
        description="Their strengths against our top needs, breadth x depth (0-1)."
    )
    similarity: float = Field(description="Jaccard of sectors and, where published, of needs (0-1).")
    maturity: float = Field(
        description="ESCA label as it stands, years since founding, management FTE (0-1)."
    )
    geography: float = Field(
        description="As the manager prefers: nearby, across borders or no preference (0-1)."
    )


class PartnerOut(Schema):
    profile: ClusterProfileDetailOut
    score: float = Field(
        description="The weighted sum of the parts, 0-100 (weights: docs/guide/partners.en.md)."
    )
    parts: PartnerPartsOut
    reasons: list[str]


class PartnerStrengthIO(Schema):
    area: str = Field(description="A competence-area code of the cluster's taxonomy.")
    name: str = ""
    depth: Literal[1, 2, 3] = Field(description="1 some, 2 solid, 3 leading.")


class PartnerSettingsOut(Schema):
    published: bool
    profile_id: int | None = Field(description="The published profile in the landscape, or null.")
    record_date: datetime.date | None
    geography: Literal["any", "nearby", "cross_border"]
    region: str
    nuts: str
    founded: int | None
    programme: str
    programme_level: str
    strengths_text: str
    strengths: list[PartnerStrengthIO]


class PartnerSettingsIn(Schema):
    published: bool | None = None
    geography: Literal["any", "nearby", "cross_border"] | None = None
    region: str | None = Field(default=None, max_length=120)
    nuts: str | None = Field(default=None, max_length=5)
    founded: int | None = None
    programme: str | None = Field(default=None, max_length=120)
    programme_level: str | None = Field(default=None, max_length=60)
    strengths_text: str | None = Field(default=None, max_length=2000)
    strengths: list[PartnerStrengthIO] | None = Field(
        default=None, description="The whole list of strengths (replaces the current one), or left out."
    )


def _settings_json(access: Any) -> dict[str, Any]:
    cluster = access.cluster
    record = settings_of(cluster)
    profile = published_profile(cluster)
    return {
        "published": record.published,
        "profile_id": profile.pk if profile else None,
        "record_date": profile.record_date if profile else None,
        "geography": record.geography,
        "region": record.region,
        "nuts": record.nuts,
        "founded": record.founded,
        "programme": record.programme,
        "programme_level": record.programme_level,
        "strengths_text": record.strengths_text,
        "strengths": selectors.declared_strengths(cluster),
    }


@router.get(
    PATH,
    response={200: list[PartnerOut], **ERROR_RESPONSES},
    summary="Ranked partner clusters with their reasons",
    description=(
        "The cluster's best partners in the landscape (itself excluded), best first: `limit` (1-100, "
        "default 10); `country` an ISO code; `label` none, bronze, silver, gold or expired; "
        "`min_score` 0-100."
    ),
)
def partners_list(
    request: HttpRequest, slug: str, limit: int = 10, country: str = "", label: str = "", min_score: float = 0
) -> list[dict[str, Any]]:
    problems = {}
    if not 1 <= limit <= matching.MAX_LIMIT:
        problems["limit"] = "Choose a limit from 1 to 100."
    if not 0 <= min_score <= 100:
        problems["min_score"] = "Choose a lowest score from 0 to 100."
    if label and label not in ("none", "bronze", "silver", "gold", "expired"):
        problems["label"] = "Choose none, bronze, silver, gold or expired."
    if problems:
        raise ApiValidationError(ValidationError(problems), lambda key: ["query", key])
    with cluster_scope(request, slug, "partners.cluster") as access:
        look = selectors.cluster_seeker(access.cluster)
        filters = MatchFilters(country=country[:2], label=label, min_score=min_score)
        found = matching.explain(look.seeker, matching.rank(look.seeker, filters=filters, limit=limit))
        return [
            {
                "profile": profile_detail_json(match.profile),  # type: ignore[arg-type]
                "score": match.score,
                "parts": match.parts.as_dict(),
                "reasons": list(match.reasons),
            }
            for match in found
        ]


@router.get(
    PATH + "/settings",
    response={200: PartnerSettingsOut, **ERROR_RESPONSES},
    summary="The cluster's publication, preferences and strengths",
)
def partner_settings_get(request: HttpRequest, slug: str) -> dict[str, Any]:
    with cluster_scope(request, slug, "partners.cluster") as access:
        return _settings_json(access)


def _loc(key: str) -> list[str | int]:
    if key == NON_FIELD_ERRORS:
        return ["body", "payload"]
    return ["body", "payload", key]


@router.put(
    PATH + "/settings",
    response={200: PartnerSettingsOut, **ERROR_RESPONSES},
    summary="Publish the profile, set preferences and declare strengths",
    description=(
        "Only the fields given change; `strengths`, when given, replaces the list. "
        "The profile is refreshed at once."
    ),
)
def partner_settings_put(request: HttpRequest, slug: str, payload: PartnerSettingsIn) -> dict[str, Any]:
    with cluster_scope(request, slug, "partners.settings") as access:
        given = payload.model_dump(exclude_unset=True)
        strengths = given.pop("strengths", None)
        chosen = {item["area"]: item["depth"] for item in strengths} if strengths is not None else None
        try:
            services.partner_settings_save(
                cluster=access.cluster,
                actor=request.auth,  # type: ignore[attr-defined]
                values=given,
                strengths=chosen,
            )
        except ValidationError as error:
            raise ApiValidationError(error, _loc) from error
        return _settings_json(access)
