from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from klyngekart.accounts.access import cluster_view
from klyngekart.core.audit_text import ACTION_GROUPS, describe_all
from klyngekart.core.charts import bar_chart
from klyngekart.home import selectors
from klyngekart.home.forms import AuditFilterForm
from klyngekart.home.next_steps import next_steps
from klyngekart.members import selectors as member_selectors
from klyngekart.members.selectors import CountRow
from klyngekart.surveys.rounds import selectors as round_reads

CHANGES_PER_PAGE = 50


def _chart(rows: list[CountRow], title: str, *, sort_by_value: bool = False) -> dict:
    return bar_chart(
        [{"label": row.label, "count": row.count} for row in rows],
        category="label",
        value="count",
        category_title=title,
        value_title=_("Members"),
        sort_by_value=sort_by_value,
        hide_category_title=True,
    )


@cluster_view("cluster.view")
def home(request: HttpRequest) -> HttpResponse:
    cluster = request.cluster  # type: ignore[attr-defined]
    access = request.access  # type: ignore[attr-defined]
    context: dict = {
        "cluster": cluster,
        "steps": next_steps(access=access, today=timezone.localdate()),
        "this_year": timezone.localdate().year,
    }
    if access.can("cluster.view_dashboard"):
        by_size = member_selectors.members_by_size_class(cluster=cluster)
        by_section = member_selectors.members_by_nace_section(cluster=cluster)
        by_region = selectors.members_by_region(cluster=cluster)
        context.update(
            figures=selectors.key_figures(cluster=cluster, today=timezone.localdate()),
            by_size=by_size,
            by_section=by_section,
            by_region=by_region,
            size_chart=_chart(by_size, _("Size class")),
            section_chart=_chart(by_section, _("NACE section"), sort_by_value=True),
            region_chart=_chart(by_region, _("County"), sort_by_value=True),
        )
    if access.is_company_role:
        context["companies"] = selectors.user_companies(cluster=cluster, company_ids=access.company_ids)
        # One click to invite employees while a round their company takes part in is open.
        context["open_parts"] = round_reads.open_parts_to_invite(access=access)
    if access.can("cluster.view_audit"):
        context["recent_changes"] = describe_all(
            selectors.recent_changes(cluster=cluster, limit=8), company_names=member_selectors.company_names
        )
    return render(request, "home/home.html", context)


@cluster_view("cluster.view_audit")
def audit(request: HttpRequest) -> HttpResponse:
    cluster = request.cluster  # type: ignore[attr-defined]
    groups = [(prefix, str(label)) for prefix, label in ACTION_GROUPS]
    actors = selectors.audit_actors(cluster=cluster)
    form = AuditFilterForm(request.GET or None, groups=groups, actors=actors)
    found = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entries(
        cluster=cluster,
        prefix=found.get("action") or "",
        actor_id=int(found["who"]) if found.get("who") else None,
        since=found.get("since"),
        until=found.get("until"),
    )
    paginator = Paginator(entries, CHANGES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "cluster": cluster,
        "form": form,
        "query": query.urlencode(),
        "page": page,
        "changes": describe_all(page.object_list, company_names=member_selectors.company_names),
        "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "ellipsis": Paginator.ELLIPSIS,
    }
    return render(request, "home/audit.html", context)
