from __future__ import annotations

import factory

from klyngekart.core.tests.factories import TenantFactory
from klyngekart.reports.models import ReportJob


class ReportJobFactory(TenantFactory):
    """A finished PDF job. The content names the cluster, so a leak to another cluster shows."""

    class Meta:
        model = ReportJob

    kind = "needs"
    params = factory.LazyAttribute(lambda o: {"round": 1, "format": "pdf", "language": "nb"})
    status = "done"
    progress = 100
    content = factory.LazyAttribute(lambda o: f"%PDF-1.7 {o.cluster.name}".encode())
    filename = "needs-report.pdf"
    content_type = "application/pdf"
