"""The barometer's pages: the installation's page (/barometer/), its CSV, the platform admin's
public switch, and the cluster manager's choice to take part (/c/<slug>/barometer/)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klyngekart.accounts.access import cluster_view
from klyngekart.barometer import selectors, services
from klyngekart.barometer.export import write_csv
from klyngekart.barometer.forms import FilterForm, ParticipationForm
from klyngekart.core.charts import bar_chart, line_chart


def _may_read(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated) or selectors.is_public()


def _query(request: HttpRequest) -> tuple[FilterForm, selectors.Query | None]:
    form = FilterForm(request.GET or None)
    if not request.GET:
        return form, selectors.Query()
    if not form.is_valid():
        return form, None
    try:
        return form, selectors.parse_query(**form.cleaned_data)
    except selectors.FilterError as error:
        form.add_error(None, str(error))
        return form, None


def _charts(result: selectors.Barometer) -> dict[str, Any]:
    shown = [row for row in result.rows if row.shown and row.mean_gap is not None][:10]
    top = bar_chart(
        [{"area": row.area_name, "gap": float(row.mean_gap or 0)} for row in shown],
        category="area",
        value="gap",
        category_title=_("Competence area"),
        value_title=_("Mean gap (importance minus level)"),
        sort_by_value=True,
        hide_category_title=True,
    )
    top["encoding"]["x"]["axis"].update({"format": ".1f", "tickMinStep": 0.5})
    names = {row.area_name for row in shown}
    trend_rows = [
        {"year": str(row.year), "gap": float(row.mean_gap or 0), "area": row.area_name}
        for row in result.trend
        if row.shown and row.area_name in names
    ]
    trend = line_chart(
        trend_rows,
        x="year",
        y="gap",
        series="area",
        x_title=_("Year"),
        y_title=_("Mean gap"),
        series_title=_("Competence area"),
        x_order=[str(year) for year in sorted(result.years)],
    )
    return {"top_chart": top, "trend_chart": trend if trend_rows else None}


def barometer_page(request: HttpRequest) -> HttpResponse:
    if not _may_read(request):
        return redirect_to_login(request.get_full_path())
    form, query = _query(request)
    result = selectors.barometer(query) if query is not None else None
    context: dict[str, Any] = {
        "form": form,
        "result": result,
        "public": selectors.is_public(),
        "csv_query": request.GET.urlencode(),
    }
    if result is not None and result.edition is not None:
        context.update(_charts(result))
    return render(request, "barometer/page.html", context, status=200 if query is not None else 400)


def barometer_csv(request: HttpRequest) -> HttpResponse:
    """Exactly the table the page shows for the same filters (hidden cells say why, no figures)."""
    if not _may_read(request):
        return redirect_to_login(request.get_full_path())
    form, query = _query(request)
    if query is None:
        return HttpResponse(
            "; ".join(str(error) for errors in form.errors.values() for error in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    result = selectors.barometer(query)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="barometer.csv"'
    write_csv(response, result.rows)
    return response


@require_POST
def barometer_public(request: HttpRequest) -> HttpResponse:
    """The platform admin's switch; everyone else gets a 404, as for a page that is not there."""
    if not (request.user.is_authenticated and request.user.is_superuser and request.user.is_active):
        raise Http404("No such page")
    public = request.POST.get("public") == "1"
    services.site_set_public(public=public, actor=request.user)
    if public:
        messages.success(request, _("The barometer is public: anyone can read it without signing in."))
    else:
        messages.success(request, _("The barometer is for signed-in users only."))
    return redirect("barometer:page")


@cluster_view("barometer.settings")
def cluster_participation(request: HttpRequest) -> HttpResponse:
    cluster = request.cluster  # type: ignore[attr-defined]
    current = services.is_participating(cluster)
    # An unticked box sends nothing: an empty POST is still the form, saying "no".
    data = request.POST if request.method == "POST" else None
    form = ParticipationForm(data, initial={"opted_in": current})
    if request.method == "POST" and form.is_valid():
        services.participation_set(
            cluster=cluster, opted_in=form.cleaned_data["opted_in"], actor=request.user
        )
        if form.cleaned_data["opted_in"]:
            messages.success(request, _("The cluster takes part in the national competence barometer."))
        else:
            messages.success(
                request, _("The cluster no longer takes part in the national competence barometer.")
            )
        return redirect("cluster_barometer:settings", cluster.slug)
    return render(
        request,
        "barometer/participation.html",
        {"cluster": cluster, "form": form, "participating": current},
        status=400 if request.method == "POST" else 200,
    )
