"""One door per tenant: resolve the cluster, check the role, enter the scope.

Every view and API endpoint under a cluster goes through ``access_cluster``. A cluster the
user has no role in is a 404, exactly like a cluster that does not exist, so the address
space does not tell an outsider which clusters are on the installation. A page above the
user's role in a cluster they belong to is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from klyngekart.accounts.membership import membership_facts
from klyngekart.accounts.models import ClusterRole, ClusterRoleKind, CompanyRole, CompanyRoleKind
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope, scopes_disabled

MANAGER = ClusterRoleKind.MANAGER.value
STAFF = ClusterRoleKind.STAFF.value
ADVISOR = ClusterRoleKind.ADVISOR.value
BOARD = ClusterRoleKind.BOARD.value
CONTACT = CompanyRoleKind.CONTACT.value
MEMBER = CompanyRoleKind.MEMBER.value
ALL_ROLES = frozenset({MANAGER, STAFF, ADVISOR, BOARD, CONTACT, MEMBER})
CLUSTER_TEAM = frozenset({MANAGER, STAFF})

# What each role may do in a cluster. One table, read by views, the API, templates and tests.
PERMISSIONS: dict[str, frozenset[str]] = {
    "cluster.view": ALL_ROLES,
    "cluster.view_dashboard": frozenset({MANAGER, STAFF, ADVISOR, BOARD}),
    "cluster.settings": frozenset({MANAGER}),
    # Taking part in the national competence barometer: the manager's choice, audited.
    "barometer.settings": frozenset({MANAGER}),
    "cluster.view_audit": CLUSTER_TEAM,
    "people.manage": frozenset({MANAGER}),
    "members.view": frozenset({MANAGER, STAFF, ADVISOR}),
    "members.change": CLUSTER_TEAM,
    "members.import": CLUSTER_TEAM,
    "members.export": frozenset({MANAGER, STAFF, ADVISOR}),
    # A company contact sees and edits its own company; checked per object by access_membership.
    "members.view_own": frozenset({MANAGER, STAFF, ADVISOR, CONTACT}),
    "members.change_own": frozenset({MANAGER, STAFF, CONTACT}),
    # Internal mapping (issue 3). Company roles reach only their own company's objects; the
    # access_* functions of each app check that per object.
    "taxonomy.view": frozenset({MANAGER, STAFF, ADVISOR, BOARD, CONTACT}),
    "taxonomy.change": CLUSTER_TEAM,
    "surveys.view": frozenset({MANAGER, STAFF, ADVISOR}),
    "surveys.change": CLUSTER_TEAM,
    "rounds.view": frozenset({MANAGER, STAFF, ADVISOR, BOARD}),
    "rounds.change": CLUSTER_TEAM,
    "rounds.view_own": frozenset({MANAGER, STAFF, ADVISOR, BOARD, CONTACT}),
    "rounds.invite_own": frozenset({MANAGER, STAFF, CONTACT}),
    "results.cluster": frozenset({MANAGER, STAFF, ADVISOR, BOARD}),
    "results.company": frozenset({MANAGER, STAFF, ADVISOR, CONTACT}),
    # Hiding a released comment that names someone: the cluster team, audited.
    "results.moderate": CLUSTER_TEAM,
    "strategy.view": frozenset({MANAGER, STAFF, ADVISOR, BOARD}),
    "needs.view": frozenset({MANAGER, STAFF, ADVISOR, BOARD}),
    "strategy.view_own": frozenset({MANAGER, STAFF, ADVISOR, CONTACT}),
    "strategy.edit_own": frozenset({CONTACT}),
    "strategy.lock": CLUSTER_TEAM,
    # The strategy start page: the cluster's overview for strategy.view, a contact's own company.
    "strategy.home": frozenset({MANAGER, STAFF, ADVISOR, BOARD, CONTACT}),
    # The cluster's reports (the needs report): ordered and downloaded by the cluster's own roles.
    "reports.create": frozenset({MANAGER, STAFF, ADVISOR, BOARD}),
    # Joint measures (issue 4): a contact sees proposed measures and signs up its own company.
    "measures.view": frozenset({MANAGER, STAFF, ADVISOR, BOARD, CONTACT}),
    "measures.change": CLUSTER_TEAM,
    "measures.interest_own": frozenset({CONTACT}),
    # Registering (and withdrawing) interest on a company's behalf: the cluster team, audited.
    "measures.interest_any": CLUSTER_TEAM,
    # The door of the interest pages and endpoint: a contact for its own company, the team for any.
    "measures.interest": frozenset({MANAGER, STAFF, CONTACT}),
    # Impact (difference in differences across companies): who sees the cluster's results.
    "measures.impact": frozenset({MANAGER, STAFF, ADVISOR, BOARD}),
    # Member services and the member survey (issue 14): the portfolio and its results.
    "services.view": frozenset({MANAGER, STAFF, ADVISOR, BOARD}),
    "services.change": CLUSTER_TEAM,
    # Activities (issue 14): every role sees the activities open to it (a company role those for
    # all members, open ones and those its company is chosen for; access_activity checks that).
    "activities.view": ALL_ROLES,
    "activities.change": CLUSTER_TEAM,
    # Registering: the cluster team anyone, a contact its own company's people, others themselves
    # (activities.access.check_may_register says who whom).
    "activities.register": ALL_ROLES,
    "activities.view_registrations": frozenset({MANAGER, STAFF, ADVISOR}),
    "activities.check_in": CLUSTER_TEAM,
    # Benchmarking: the board and advisors read it; the manager and the advisor who runs the
    # benchmarking with the cluster enter the values.
    "benchmark.view": frozenset({MANAGER, STAFF, ADVISOR, BOARD}),
    "benchmark.change": frozenset({MANAGER, ADVISOR}),
    # Integrations: the manager adds, tests and removes the cluster's webhooks.
    "webhooks.manage": frozenset({MANAGER}),
    # Feedback after an activity: the team sends it and follows its progress (counts only); the
    # released figures are cluster results, seen by those who see the cluster's results.
    "activities.feedback_send": CLUSTER_TEAM,
    "activities.feedback": frozenset({MANAGER, STAFF, ADVISOR, BOARD}),
    # Engagement (issue 14): each company's score is about that company, so the roles that read the
    # member register see it (not the board, which reads aggregates); the manager sets the weights.
    "engagement.view": frozenset({MANAGER, STAFF, ADVISOR}),
    "engagement.settings": frozenset({MANAGER}),
    "engagement.mail": CLUSTER_TEAM,
    # The cluster landscape (issue 15): a manager imports directory records that stay the cluster's.
    "landscape.import": frozenset({MANAGER}),
    # The collaboration pipeline (issue 15): the team and the cluster's advisors work it, the board
    # reads it, and a company role reads only the opportunities its company is involved in
    # (collaborations.access.visible_opportunities checks that per object).
    "collaborations.view": ALL_ROLES,
    "collaborations.manage": frozenset({MANAGER, STAFF, ADVISOR}),
    # Partner matching (issue 15): every role has the page (the cluster's partners for the cluster's
    # own roles, a member company's for company roles); the manager publishes the profile, declares
    # the strengths and sets the preferences; a company's contact opts its company in.
    "partners.view": ALL_ROLES,
    "partners.cluster": frozenset({MANAGER, STAFF, ADVISOR, BOARD}),
    "partners.settings": frozenset({MANAGER}),
    "partners.company": frozenset({CONTACT}),
}
ROLES_REQUIRING_MFA = frozenset({MANAGER, STAFF, ADVISOR, BOARD})


@dataclass(frozen=True)
class ClusterAccess:
    """What one user may do in one cluster, resolved once per request."""

    cluster: Cluster
    user: Any
    role: str
    company_ids: frozenset[int] = field(default_factory=frozenset)

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]

    @property
    def is_cluster_team(self) -> bool:
        return self.role in CLUSTER_TEAM

    @property
    def is_company_role(self) -> bool:
        return self.role in {CONTACT, MEMBER}

    @property
    def role_label(self) -> str:
        labels = dict(ClusterRoleKind.choices) | dict(CompanyRoleKind.choices)
        return str(labels[self.role])

    @cached_property
    def perms(self) -> dict[str, bool]:
        """For templates: ``{% if access.perms.members_change %}``. Worked out once per request (the
        navigation alone asks a dozen times); the instance is frozen, so it cannot go stale."""
        return {name.replace(".", "_"): self.can(name) for name in PERMISSIONS}


class MfaRequired(Exception):
    """The cluster requires two-factor authentication for this role and the user has none."""


def user_has_mfa(user: Any) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def resolve_access(user: Any, cluster: Cluster) -> ClusterAccess | None:
    """The user's strongest role in ``cluster``, or None. Cluster roles outrank company roles.

    A company role counts only in the cluster that granted it (the scope filters on its cluster)
    and only while its company is an active member there: a company that is also a member of
    another cluster gives its contacts nothing in that other cluster."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not cluster.is_active:
        return None
    with scope(cluster):
        cluster_role = ClusterRole.objects.filter(user=user).values_list("role", flat=True).first()
        # The member register says which companies are active members (accounts.membership).
        active = membership_facts().active_company_ids(cluster)
        company_roles = list(
            CompanyRole.objects.filter(user=user, company_id__in=active).values_list("company_id", "role")
        )
    company_ids = frozenset(company_id for company_id, _role in company_roles)
    if cluster_role:
        return ClusterAccess(cluster=cluster, user=user, role=cluster_role, company_ids=company_ids)
    if company_roles:
        role = CONTACT if any(role == CONTACT for _cid, role in company_roles) else MEMBER
        return ClusterAccess(cluster=cluster, user=user, role=role, company_ids=company_ids)
    return None


def access_cluster(user: Any, slug: str, permission: str = "cluster.view") -> ClusterAccess:
    """The only way into a cluster. 404 for a cluster that is missing or not the user's;
    403 for a permission above the user's role."""
    cluster = Cluster.objects.filter(slug=slug, is_active=True).first()
    access = resolve_access(user, cluster) if cluster else None
    if access is None:
        raise Http404("No such cluster")
    if not access.can(permission):
        raise PermissionDenied(_("Your role does not give access to this page."))
    if cluster and cluster.require_mfa and access.role in ROLES_REQUIRING_MFA and not user_has_mfa(user):
        raise MfaRequired
    return access


def user_clusters(user: Any) -> list[ClusterAccess]:
    """Every cluster the user can enter, for the start page and the cluster switcher: where they
    hold a cluster role or a company role (each granted by that cluster)."""
    if not getattr(user, "is_authenticated", False):
        return []
    with scopes_disabled():
        cluster_ids = set(ClusterRole.objects.filter(user=user).values_list("cluster_id", flat=True))
        cluster_ids |= set(CompanyRole.objects.filter(user=user).values_list("cluster_id", flat=True))
    result = []
    for cluster in Cluster.objects.filter(id__in=cluster_ids, is_active=True).order_by("name"):
        access = resolve_access(user, cluster)
        if access:
            result.append(access)
    return result


def cluster_view(permission: str = "cluster.view") -> Callable:
    """Decorate a view under ``/c/<cluster_slug>/``: log-in, role, MFA, then the cluster scope.

    The view runs inside ``scope(cluster)`` and must render before it returns (``render``,
    not a lazy TemplateResponse), so every query happens inside the scope.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, cluster_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                access = access_cluster(request.user, cluster_slug, permission)
            except MfaRequired:
                messages.warning(
                    request,
                    _("This cluster requires two-factor authentication. Set up an authenticator app first."),
                )
                return redirect("mfa_activate_totp")
            request.access = access  # type: ignore[attr-defined]
            request.cluster = access.cluster  # type: ignore[attr-defined]
            with scope(access.cluster):
                return view(request, *args, **kwargs)

        wrapper.cluster_permission = permission  # type: ignore[attr-defined]
        return wrapper

    return decorator
