"""The collaboration pipeline's pages: the board (a column per stage, a card moved by a small form,
no JavaScript needed), the list with filters, an opportunity with its history, and the forms.

The cluster team and its advisors work the pipeline; the board reads it; a company role reads the
opportunities its company is involved in (collaborations.access)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from klyngekart.accounts.access import ClusterAccess, cluster_view
from klyngekart.collaborations import selectors, services
from klyngekart.collaborations.access import access_opportunity
from klyngekart.collaborations.forms import FilterForm, MoveForm, NextStepForm, NoteForm, OpportunityForm
from klyngekart.collaborations.models import Opportunity, Stage
from klyngekart.core.forms import add_service_errors
from klyngekart.landscape.models import ClusterProfile

PAGE_SIZE = 25
# The fields an edit names in the history.
FIELD_LABELS = {
    "title": _lazy("title"),
    "description": _lazy("description"),
    "partners": _lazy("partner clusters"),
    "members": _lazy("involved member companies"),
    "responsible": _lazy("responsible"),
}


def _access(request: HttpRequest) -> ClusterAccess:
    return request.access  # type: ignore[attr-defined,no-any-return]


@cluster_view("collaborations.view")
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    return render(
        request,
        "collaborations/board.html",
        {
            "columns": selectors.board(access),
            "stages": Stage.choices,
            "can_manage": access.can("collaborations.manage"),
            "today": timezone.localdate(),
        },
    )


@cluster_view("collaborations.view")
@require_GET
def opportunity_list(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    form = FilterForm(request.GET or None, countries=selectors.partner_countries(access))
    filters = selectors.Filters()
    if form.is_valid():
        filters = selectors.Filters(
            stage=form.cleaned_data["stage"],
            country=form.cleaned_data["country"],
            overdue=form.cleaned_data["overdue"],
        )
    paginator = Paginator(selectors.opportunity_list(access, filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "collaborations/list.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "ellipsis": paginator.ELLIPSIS,
            "can_manage": access.can("collaborations.manage"),
        },
    )


def _prefill(request: HttpRequest, access: ClusterAccess) -> dict[str, Any]:
    """?partner=<profile id> (from a profile in the landscape, or partner matching) chooses the
    partner and suggests a title; the person creating it is responsible when they may be."""
    initial: dict[str, Any] = {"stage": Stage.IDEA}
    raw = request.GET.get("partner", "")
    profile = ClusterProfile.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if profile is not None:
        initial["partners"] = [profile.pk]
        initial["title"] = _("Collaboration with %(name)s") % {"name": profile.name}
    if services.responsible_candidates(access.cluster).filter(pk=request.user.pk).exists():
        initial["responsible"] = request.user.pk
    return initial


@cluster_view("collaborations.manage")
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    form = OpportunityForm(
        request.POST if request.method == "POST" else None,
        cluster=access.cluster,
        initial=_prefill(request, access),
    )
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = services.opportunity_create(
                cluster=access.cluster, actor=request.user, data=form.data_for_service()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is on the board.") % {"title": opportunity.title})
            return redirect("collaborations:board", access.cluster.slug)
    return render(request, "collaborations/form.html", {"form": form, "opportunity": None})


@cluster_view("collaborations.manage")
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    opportunity = access_opportunity(access, pk)
    initial = {
        "title": opportunity.title,
        "description": opportunity.description,
        "partners": list(opportunity.partners.values_list("pk", flat=True)),
        "members": list(opportunity.members.values_list("pk", flat=True)),
        "stage": opportunity.stage,
        "next_step": opportunity.next_step,
        "next_step_on": opportunity.next_step_on,
        "responsible": opportunity.responsible_id,
    }
    form = OpportunityForm(
        request.POST if request.method == "POST" else None, cluster=access.cluster, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_update(
                opportunity=opportunity, actor=request.user, data=form.data_for_service()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The opportunity is saved."))
            return redirect("collaborations:detail", access.cluster.slug, opportunity.pk)
    return render(request, "collaborations/form.html", {"form": form, "opportunity": opportunity})


def _history(opportunity: Opportunity) -> list[Any]:
    entries = list(selectors.history(opportunity))
    for entry in entries:
        entry.field_labels = ", ".join(str(FIELD_LABELS.get(name, name)) for name in entry.fields or [])  # type: ignore[attr-defined]
    return entries


def _detail(
    request: HttpRequest, access: ClusterAccess, opportunity: Opportunity, status: int = 200, **forms: Any
) -> HttpResponse:
    can_manage = access.can("collaborations.manage")
    context: dict[str, Any] = {
        "opportunity": opportunity,
        "partners": list(opportunity.partners.order_by("name")),
        # A company role sees its own company among the involved, never the others.
        "members": [
            m
            for m in opportunity.members.order_by("name")
            if not access.is_company_role or m.company_id in access.company_ids
        ],
        "can_manage": can_manage,
        "stages": Stage.choices,
        # The history holds the team's notes: for those who work or oversee the pipeline.
        "history": _history(opportunity) if not access.is_company_role else None,
    }
    if can_manage:
        context["move_form"] = forms.get("move_form") or MoveForm(initial={"stage": opportunity.stage})
        context["step_form"] = forms.get("step_form") or NextStepForm(
            initial={"next_step": opportunity.next_step, "next_step_on": opportunity.next_step_on}
        )
        context["note_form"] = forms.get("note_form") or NoteForm()
    return render(request, "collaborations/detail.html", context, status=status)


@cluster_view("collaborations.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    return _detail(request, access, access_opportunity(access, pk))


def _back(request: HttpRequest, fallback: str) -> str:
    """Where a small form sends the user back to: the page it was posted from (the board, the
    list, the opportunity), if it is on this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@cluster_view("collaborations.manage")
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    opportunity = access_opportunity(access, pk)
    form = MoveForm(request.POST)
    fallback = reverse("collaborations:board", args=[access.cluster.slug])
    if not form.is_valid():
        messages.error(request, _("Choose a stage to move the opportunity to."))
        return redirect(_back(request, fallback))
    try:
        moved = services.opportunity_move(
            opportunity=opportunity, actor=request.user, stage=form.cleaned_data["stage"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(title)s” is moved to %(stage)s.")
            % {"title": moved.title, "stage": moved.get_stage_display()},
        )
    return redirect(_back(request, fallback))


@cluster_view("collaborations.manage")
@require_POST
def next_step(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    opportunity = access_opportunity(access, pk)
    form = NextStepForm(request.POST)
    if form.is_valid():
        try:
            services.opportunity_set_next_step(
                opportunity=opportunity,
                actor=request.user,
                next_step=form.cleaned_data["next_step"],
                next_step_on=form.cleaned_data["next_step_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The next step is saved."))
            return redirect("collaborations:detail", access.cluster.slug, opportunity.pk)
    return _detail(request, access, opportunity, status=400, step_form=form)


@cluster_view("collaborations.manage")
@require_POST
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    opportunity = access_opportunity(access, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.opportunity_add_note(
                opportunity=opportunity, actor=request.user, text=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The note is added."))
            return redirect("collaborations:detail", access.cluster.slug, opportunity.pk)
    return _detail(request, access, opportunity, status=400, note_form=form)
