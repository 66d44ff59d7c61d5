from __future__ import annotations

from django.http import Http404

from klyngekart.accounts.access import ClusterAccess
from klyngekart.measures.models import Measure, MeasureStatus


def access_measure(access: ClusterAccess, pk: int) -> Measure:
    """The measure ``pk`` of the access's cluster; 404 for missing and not-yours alike. Company
    roles never see ideas: those are the cluster team's drafts."""
    measure = Measure.objects.filter(cluster=access.cluster, pk=pk).select_related("source_round").first()
    if measure is None or (access.is_company_role and measure.status == MeasureStatus.IDEA):
        raise Http404("No such measure")
    return measure
