"""The one door to an activity and its registrations, and who may register whom.

The cluster team sees every activity; a company role sees the activities open to all members or
to guests, and those for chosen members when one of its companies is chosen. Anything else is a
404, the same as a missing activity."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from klyngekart.accounts.access import CONTACT, MEMBER, ClusterAccess
from klyngekart.activities.models import Activity, Audience, Registration
from klyngekart.activities.selectors import registrations as registration_rows
from klyngekart.members.models import Membership


def visible_activities(access: ClusterAccess) -> QuerySet[Activity]:
    activities = Activity.objects.filter(cluster=access.cluster)
    if access.is_company_role:
        chosen = Q(audience=Audience.CHOSEN, chosen_members__company_id__in=access.company_ids)
        activities = activities.filter(Q(audience__in=[Audience.MEMBERS, Audience.OPEN]) | chosen).distinct()
    return activities


def access_activity(access: ClusterAccess, pk: int) -> Activity:
    activity = visible_activities(access).filter(pk=pk).first()
    if activity is None:
        raise Http404("No such activity")
    return activity


def access_registration(access: ClusterAccess, activity: Activity, pk: int) -> Registration:
    """A registration of ``activity``: the cluster team reaches every one, a contact those of its
    companies, anyone else only their own."""
    registration = (
        Registration.objects.filter(activity=activity, pk=pk).select_related("membership", "activity").first()
    )
    if registration is None or not may_handle(access, registration):
        raise Http404("No such registration")
    return registration


def visible_registrations(access: ClusterAccess, activity: Activity) -> QuerySet[Registration]:
    """The registrations of ``activity`` the user may see, in the page's order: all of them for
    those who see registrations, a contact its own companies' and its own, anyone else their own."""
    rows = registration_rows(activity)
    if access.can("activities.view_registrations"):
        return rows
    own = Q(email__iexact=access.user.email or "")
    if access.role == CONTACT:
        own |= Q(membership__in=own_memberships(access))
    return rows.filter(own)


def may_handle(access: ClusterAccess, registration: Registration) -> bool:
    if access.is_cluster_team:
        return True
    membership = registration.membership
    if access.role == CONTACT and membership is not None and membership.company_id in access.company_ids:
        return True
    return registration.email.lower() == (access.user.email or "").lower()


def own_memberships(access: ClusterAccess) -> list[Membership]:
    return list(
        Membership.objects.filter(cluster=access.cluster, company_id__in=access.company_ids, status="active")
        .select_related("company")
        .order_by("name")
    )


def check_may_register(access: ClusterAccess, *, email: str, membership: Membership | None) -> None:
    """A member user registers themselves; a company contact registers anyone for its own
    companies; the cluster team registers anyone. Everyone else only themselves."""
    if access.is_cluster_team:
        return
    own = email.strip().lower() == (access.user.email or "").lower()
    if membership is not None and membership.company_id not in access.company_ids:
        raise PermissionDenied(_("You can only register people from your own company."))
    if access.role == CONTACT and membership is not None:
        return
    if not own:
        if access.role == MEMBER:
            raise PermissionDenied(
                _("You can register yourself; your company's contact can register colleagues.")
            )
        raise PermissionDenied(_("You can only register yourself."))
