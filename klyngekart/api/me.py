"""Who the token belongs to and where they can act."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from klyngekart.accounts.access import user_clusters
from klyngekart.accounts.selectors import user_roles
from klyngekart.activities.feeds import calendar_feed_get_or_create, calendar_feed_url
from klyngekart.api.errors import ERROR_RESPONSES

router = Router(tags=["me"])


class ClusterRoleOut(Schema):
    slug: str
    name: str
    role: str


class CompanyRoleOut(Schema):
    cluster: str = Field(
        description="The slug of the cluster that granted the role, the only one where it counts."
    )
    org_number: str | None
    name: str = Field(description="The company's name as that cluster records it.")
    role: str


class MeOut(Schema):
    email: str
    name: str
    language: str
    clusters: list[ClusterRoleOut]
    companies: list[CompanyRoleOut]
    calendar_feed: str = Field(
        description=(
            "The secret address of your own calendar (iCalendar): the activities you are registered "
            "for in every cluster. Reset it on your profile page."
        )
    )


@router.get("/me", response={200: MeOut, 401: ERROR_RESPONSES[401]}, summary="The token's user and roles")
def me(request: HttpRequest) -> dict:
    user = request.auth  # type: ignore[attr-defined]
    company_roles = user_roles(user=user).company_roles
    feed = calendar_feed_get_or_create(user=user)
    return {
        "email": user.email,
        "name": user.full_name,
        "language": user.language,
        "clusters": [
            {"slug": access.cluster.slug, "name": access.cluster.name, "role": access.role}
            for access in user_clusters(user)
        ],
        "companies": [
            {
                "cluster": row.cluster.slug,
                "org_number": row.company.org_number,
                "name": row.company_name,
                "role": row.role_key,
            }
            for row in company_roles
        ],
        "calendar_feed": calendar_feed_url(feed, request=request),
    }
