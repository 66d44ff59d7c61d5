"""API: taxonomy. See the module docstring of klyngekart/api/api.py for the conventions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from klyngekart.api.clusters import cluster_scope
from klyngekart.api.errors import ERROR_RESPONSES
from klyngekart.taxonomy.selectors import visible_areas
from klyngekart.taxonomy.services import taxonomy_current

router = Router(tags=["taxonomy"])


class AreaNameOut(Schema):
    nb: str
    en: str


class TaxonomyAreaOut(Schema):
    code: str
    group: str
    name: AreaNameOut
    description: AreaNameOut
    esco: list[str]


@router.get(
    "/clusters/{slug}/taxonomy",
    response={200: list[TaxonomyAreaOut], **ERROR_RESPONSES},
    summary="The cluster's competence areas",
    description=(
        "The visible areas of the cluster's current taxonomy version, in the cluster's order. "
        "`code` is stable across versions (results and trends use it); `group` is one of digital, "
        "green, technology, management, market, operations, people, other; `description` says what "
        "the area covers, in both languages; `esco` lists the ESCO skill concept URIs it covers."
    ),
)
def taxonomy_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    with cluster_scope(request, slug, "taxonomy.view") as access:
        version = taxonomy_current(cluster=access.cluster)
        return [
            {
                "code": area.code,
                "group": area.group,
                "name": {"nb": area.name_nb, "en": area.name_en},
                "description": {"nb": area.description_nb, "en": area.description_en},
                "esco": list(area.esco),
            }
            for area in visible_areas(version=version)
        ]
