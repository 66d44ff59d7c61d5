"""The one door to an opportunity. The cluster team, its advisors and the board see every
opportunity of the cluster; a company role sees only those its own company is involved in, read
only. Anything else, another cluster's opportunity included, is the same 404 as a missing one."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from klyngekart.accounts.access import ClusterAccess
from klyngekart.collaborations.models import Opportunity


def visible_opportunities(access: ClusterAccess) -> QuerySet[Opportunity]:
    opportunities = Opportunity.objects.filter(cluster=access.cluster)
    if access.is_company_role:
        # access.company_ids are the companies the role speaks for, and only while they are active
        # members of this cluster: another cluster's contact for a shared company reaches nothing.
        involved = Opportunity.members.through.objects.filter(
            membership__cluster=access.cluster, membership__company_id__in=access.company_ids
        ).values("opportunity_id")
        opportunities = opportunities.filter(pk__in=involved)
    return opportunities


def access_opportunity(access: ClusterAccess, pk: int) -> Opportunity:
    opportunity = visible_opportunities(access).filter(pk=pk).select_related("responsible").first()
    if opportunity is None:
        raise Http404("No such opportunity")
    return opportunity
