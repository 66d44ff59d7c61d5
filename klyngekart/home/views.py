from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from klyngekart.accounts.access import cluster_view
from klyngekart.core.charts import bar_chart
from klyngekart.home import selectors
from klyngekart.members import selectors as member_selectors


@cluster_view("cluster.view")
def home(request: HttpRequest) -> HttpResponse:
    cluster = request.cluster  # type: ignore[attr-defined]
    access = request.access  # type: ignore[attr-defined]
    context: dict = {"cluster": cluster}
    if access.can("cluster.view_dashboard"):
        by_size = member_selectors.members_by_size_class(cluster=cluster)
        by_section = member_selectors.members_by_nace_section(cluster=cluster)
        context.update(
            counts=member_selectors.membership_counts_by_status(cluster=cluster),
            by_size=by_size,
            by_section=by_section,
            size_chart=bar_chart(
                [{"label": r.label, "count": r.count} for r in by_size],
                category="label",
                value="count",
                category_title=_("Size class"),
                value_title=_("Members"),
            ),
            section_chart=bar_chart(
                [{"label": r.label, "count": r.count} for r in by_section],
                category="label",
                value="count",
                category_title=_("NACE section"),
                value_title=_("Members"),
                sort_by_value=True,
            ),
        )
    if access.can("cluster.view_audit"):
        context["recent_changes"] = selectors.recent_changes(cluster=cluster, limit=8)
    return render(request, "home/home.html", context)
