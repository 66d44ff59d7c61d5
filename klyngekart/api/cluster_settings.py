"""API: the cluster's own settings, as the manager's settings page (/c/<slug>/settings/) reads and
changes them: name, short name, description, website, city, the anonymity threshold k and whether
the cluster's team must use two-factor authentication. The write is accounts.services.cluster_update,
the page's service: the same rules (k never below the installation's floor) and the same audit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from klyngekart.accounts.forms import ClusterSettingsForm
from klyngekart.accounts.services import cluster_update
from klyngekart.api.clusters import cluster_scope
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError, payload_loc
from klyngekart.core.models import Cluster

router = Router(tags=["clusters"])
PATH = "/clusters/{slug}/settings"
# Text the page's form may leave empty: null clears it, as elsewhere in the API.
CLEARABLE = ("short_name", "description", "website", "city")


class ClusterSettingsOut(Schema):
    name: str
    short_name: str
    description: str
    website: str
    city: str
    anonymity_threshold: int = Field(
        description="k: no figure from anonymous answers is shown for a group smaller than this."
    )
    minimum_anonymity_threshold: int = Field(description="The installation's floor for k.")
    require_mfa: bool = Field(
        description="The cluster's managers, staff, advisors and board must use an authenticator app."
    )


class ClusterSettingsIn(Schema):
    """Fields left out stay as they are; null clears a text that may be empty."""

    name: str | None = Field(None, max_length=200)
    short_name: str | None = Field(None, max_length=60)
    description: str | None = None
    website: str | None = Field(None, max_length=200, description="A full address, https://...")
    city: str | None = Field(None, max_length=100)
    anonymity_threshold: int | None = Field(
        None, description="From the installation's floor (`minimum_anonymity_threshold`) to 50."
    )
    require_mfa: bool | None = None


def _out(cluster: Cluster) -> dict[str, Any]:
    """What the settings page's form shows, and the installation's floor for k."""
    return {
        **ClusterSettingsForm.initial_for(cluster),
        "minimum_anonymity_threshold": settings.KLYNGEKART_MIN_ANONYMITY_THRESHOLD,
    }


def _cleaned(given: dict[str, Any]) -> dict[str, Any]:
    """What the page's form hands the service: text stripped, a cleared text empty."""
    data = {}
    for key, value in given.items():
        if value is None and key in CLEARABLE:
            value = ""
        data[key] = value.strip() if isinstance(value, str) else value
    return data


@router.get(
    PATH,
    response={200: ClusterSettingsOut, **ERROR_RESPONSES},
    summary="The cluster's settings",
    description="What the manager's settings page shows. For the manager.",
)
def cluster_settings_get(request: HttpRequest, slug: str) -> dict[str, Any]:
    with cluster_scope(request, slug, "cluster.settings") as access:
        return _out(access.cluster)


@router.patch(
    PATH,
    response={200: ClusterSettingsOut, **ERROR_RESPONSES},
    summary="Change the cluster's settings",
    description=(
        "For the manager. Only the fields given change, audited as on the settings page. "
        "`anonymity_threshold` below the installation's floor is refused (422), as on the page."
    ),
)
def cluster_settings_patch(request: HttpRequest, slug: str, payload: ClusterSettingsIn) -> dict[str, Any]:
    with cluster_scope(request, slug, "cluster.settings") as access:
        try:
            cluster_update(
                cluster=access.cluster,
                actor=request.auth,  # type: ignore[attr-defined]
                data=_cleaned(payload.model_dump(exclude_unset=True)),
            )
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return _out(access.cluster)
