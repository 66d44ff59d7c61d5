"""Who the token belongs to and where they can act."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from klyngekart.accounts.access import user_clusters
from klyngekart.accounts.models import CompanyRole
from klyngekart.api.errors import ERROR_RESPONSES

router = Router(tags=["me"])


class ClusterRoleOut(Schema):
    slug: str
    name: str
    role: str


class CompanyRoleOut(Schema):
    org_number: str | None
    name: str
    role: str


class MeOut(Schema):
    email: str
    name: str
    language: str
    clusters: list[ClusterRoleOut]
    companies: list[CompanyRoleOut]


@router.get("/me", response={200: MeOut, 401: ERROR_RESPONSES[401]}, summary="The token's user and roles")
def me(request: HttpRequest) -> dict:
    user = request.auth  # type: ignore[attr-defined]
    company_roles = CompanyRole.objects.filter(user=user).select_related("company").order_by("company__name")
    return {
        "email": user.email,
        "name": user.full_name,
        "language": user.language,
        "clusters": [
            {"slug": access.cluster.slug, "name": access.cluster.name, "role": access.role}
            for access in user_clusters(user)
        ],
        "companies": [
            {"org_number": role.company.org_number, "name": role.company.name, "role": role.role}
            for role in company_roles
        ],
    }
