"""One door to a membership inside a cluster (see accounts.access for the cluster itself).

Missing, in another cluster, and "not your company" all give the same 404, so a company contact
cannot probe which other companies are members by trying ids or org numbers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from klyngekart.accounts.access import ClusterAccess
from klyngekart.members.models import Contact, Membership
from klyngekart.members.validators import normalise_org_number

# Permissions that a company role holds only for its own companies.
OWN_PERMISSIONS = frozenset({"members.view_own", "members.change_own"})


def _check(access: ClusterAccess, membership: Membership | None, permission: str) -> Membership:
    if membership is None or membership.cluster_id != access.cluster.pk:
        raise Http404("No such membership")
    # A company role never sees another company's membership, whatever the permission.
    if access.is_company_role and membership.company_id not in access.company_ids:
        raise Http404("No such membership")
    if not access.can(permission):
        raise PermissionDenied(_("Your role does not give access to this page."))
    return membership


def access_membership(access: ClusterAccess, pk: int, permission: str) -> Membership:
    """The membership ``pk`` in the access's cluster, if the user may ``permission`` it."""
    membership = Membership.objects.filter(cluster=access.cluster, pk=pk).select_related("company").first()
    return _check(access, membership, permission)


def access_membership_by_org_number(access: ClusterAccess, org_number: str, permission: str) -> Membership:
    """The same door, by the company's org number (the API's natural key)."""
    digits = normalise_org_number(org_number)
    membership = (
        Membership.objects.filter(cluster=access.cluster, company__org_number=digits)
        .select_related("company")
        .first()
        if digits
        else None
    )
    return _check(access, membership, permission)


def access_contact(membership: Membership, pk: int) -> Contact:
    """A contact of ``membership`` (reached through its own door first); any other id is the
    same 404."""
    contact = Contact.objects.filter(membership=membership, pk=pk).first()
    if contact is None:
        raise Http404("No such contact")
    return contact
