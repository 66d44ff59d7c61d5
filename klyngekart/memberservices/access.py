from __future__ import annotations

from django.http import Http404

from klyngekart.accounts.access import ClusterAccess
from klyngekart.memberservices.models import MemberService


def access_service(access: ClusterAccess, pk: int) -> MemberService:
    """The service ``pk`` of the access's cluster; 404 for missing and another cluster's alike."""
    service = MemberService.objects.filter(cluster=access.cluster, pk=pk).first()
    if service is None:
        raise Http404("No such service")
    return service
