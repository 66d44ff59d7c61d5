from __future__ import annotations

from django.http import Http404

from klyngekart.accounts.access import ClusterAccess
from klyngekart.measures.models import Measure, MeasureStatus
from klyngekart.members.access import access_membership, access_membership_by_org_number
from klyngekart.members.models import Membership


def access_measure(access: ClusterAccess, pk: int) -> Measure:
    """The measure ``pk`` of the access's cluster; 404 for missing and not-yours alike. Company
    roles never see ideas: those are the cluster team's drafts."""
    measure = Measure.objects.filter(cluster=access.cluster, pk=pk).select_related("source_round").first()
    if measure is None or (access.is_company_role and measure.status == MeasureStatus.IDEA):
        raise Http404("No such measure")
    return measure


def interest_permission(access: ClusterAccess) -> str:
    """The permission a user registers interest with: the cluster team for any member company (on
    its behalf), a company contact for its own companies only."""
    return "measures.interest_any" if access.can("measures.interest_any") else "measures.interest_own"


def access_interest_membership(access: ClusterAccess, *, pk: int = 0, org_number: str = "") -> Membership:
    """The member company whose interest the user registers or withdraws, by id (pages) or org
    number (API); missing, foreign and not-yours are the same 404."""
    permission = interest_permission(access)
    if org_number:
        return access_membership_by_org_number(access, org_number, permission)
    return access_membership(access, pk, permission)
