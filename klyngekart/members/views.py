"""Member pages: list, detail, create, edit, status changes and contacts.

Import and export live in views_io.py. Views stay thin: a form, one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from klyngekart.accounts.access import ClusterAccess, cluster_view
from klyngekart.core.audit_text import describe_all
from klyngekart.members import register, selectors, services
from klyngekart.members.access import access_contact, access_membership
from klyngekart.members.forms import (
    CompanyForm,
    ContactForm,
    MemberCreateForm,
    MemberFilterForm,
    MembershipForm,
    MembershipStatusForm,
    RegisterRefreshForm,
    add_service_errors,
)

PAGE_SIZE = 25
# Sortable columns of the list: (column id, ascending key, descending key).
SORTABLE_COLUMNS = (
    ("name", "name", "-name"),
    ("org_number", "org_number", "org_number"),
    ("employees", "employees", "-employees"),
    ("joined_on", "joined_on", "-joined_on"),
)


def _access(request: HttpRequest) -> ClusterAccess:
    return request.access  # type: ignore[attr-defined,no-any-return]


def _sort_state(current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the sort key its header link sets, and its aria-sort value."""
    state = {}
    for column, ascending, descending in SORTABLE_COLUMNS:
        if current == ascending:
            state[column] = {"next": descending, "aria": "ascending"}
        elif current == descending:
            state[column] = {"next": ascending, "aria": "descending"}
        else:
            state[column] = {"next": ascending, "aria": "none"}
    return state


@cluster_view("members.view")
def member_list(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    form = MemberFilterForm(request.GET or None)
    filters = form.filters()
    memberships = selectors.membership_list(cluster=access.cluster, **filters)
    paginator = Paginator(memberships, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "ellipsis": Paginator.ELLIPSIS,
        "sort": _sort_state(filters.get("sort", selectors.DEFAULT_SORT)),
        "filtered": any(key != "sort" for key in filters),
    }
    template = "members/list.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


@cluster_view("members.view_own")
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    membership = access_membership(access, pk, "members.view_own")
    detail = selectors.membership_detail(membership=membership)
    return render(
        request,
        "members/detail.html",
        {
            # The cluster's own record: the membership, with its facts about the company.
            "membership": detail.membership,
            "contacts": detail.contacts,
            # Contact changes on this page are all about this membership's company.
            "history": describe_all(
                detail.history, company_names=lambda _ids: {membership.pk: detail.membership.name}
            ),
            "can_change": access.can("members.change"),
            "can_change_company": access.can("members.change_own"),
            "register_enabled": register.enabled(),
        },
    )


@cluster_view("members.view_own")
def my_company(request: HttpRequest) -> HttpResponse:
    """Where a company contact lands: their own company's page (or a choice, if they have several)."""
    access = _access(request)
    memberships = list(
        selectors.membership_list(cluster=access.cluster).filter(company_id__in=access.company_ids)
    )
    if not memberships:
        raise Http404("No company")
    if len(memberships) == 1:
        return redirect("members:detail", access.cluster.slug, memberships[0].pk)
    return render(request, "members/my_company.html", {"memberships": memberships})


# The name of the "Hent fra Enhetsregisteret" button on the add-member form.
REGISTER_LOOKUP = "register_lookup"


def _register_fill(request: HttpRequest) -> MemberCreateForm:
    """The add-member form after "Hent fra Enhetsregisteret": what the user typed, with the
    register's facts over the company fields it states. When the register is off, does not
    answer, or has no such company, the form keeps what was typed and says so."""
    data = request.POST
    lookup: dict[str, Any] = {}
    try:
        entry = register.lookup(data.get("org_number"))
    except ValidationError as error:
        form = MemberCreateForm.with_register_facts(data, {})
        lookup = {"problem": " ".join(error.messages), "color": "danger"}
    except register.RegisterUnavailable as error:
        form = MemberCreateForm.with_register_facts(data, {})
        lookup = {"problem": str(error), "color": "warning"}
    except register.RegisterNotFound as error:
        form = MemberCreateForm.with_register_facts(data, {})
        lookup = {"problem": str(error), "color": "danger"}
    else:
        form = MemberCreateForm.with_register_facts(data, {"org_number": entry.org_number, **entry.facts()})
        lookup = {"entry": entry}
    form.lookup.update(lookup)
    return form


@cluster_view("members.change")
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    if request.method == "POST" and REGISTER_LOOKUP in request.POST:
        form = _register_fill(request)
    else:
        form = MemberCreateForm(request.POST or None)
    if request.method == "POST" and REGISTER_LOOKUP not in request.POST and form.is_valid():
        try:
            membership = services.membership_create(
                cluster=access.cluster,
                actor=request.user,
                company=form.company_data(),
                membership=form.membership_data(),
                contacts=form.contacts_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Looked up in the register a moment ago: its standing (bankrupt, deleted) is recorded
            # at once, so the member page warns about it. No new request to the register here.
            entry = register.cached(membership.company.org_number or "")
            if entry is not None:
                services.company_register_standing(membership=membership, actor=request.user, entry=entry)
            messages.success(request, _("%(name)s is now a member.") % {"name": membership.name})
            return redirect("members:detail", access.cluster.slug, membership.pk)
    form.lookup.update({"enabled": register.enabled(), "url": request.path})
    template = "members/create.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#member-form"
    return render(request, template, {"form": form})


@cluster_view("members.change")
@require_http_methods(["GET", "POST"])
def member_register_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Oppdater fra Enhetsregisteret": look the company up, show what the register states that
    differs from this cluster's record and its standing, and apply what the user confirms."""
    access = _access(request)
    membership = access_membership(access, pk, "members.change")
    entry: register.RegisterEntry | None = None
    problem = ""
    if not membership.company.org_number:
        problem = _(
            "Only a company with a Norwegian organisation number can be looked up in Enhetsregisteret."
        )
    else:
        try:
            # Asked afresh when the page is opened; the confirmation applies what was shown then.
            entry = register.lookup(membership.company.org_number, fresh=request.method == "GET")
        except (register.RegisterError, ValidationError) as error:
            problem = str(error) if isinstance(error, register.RegisterError) else " ".join(error.messages)
    differences = selectors.register_differences(membership=membership, entry=entry) if entry else []
    form = RegisterRefreshForm(
        request.POST if entry is not None and request.method == "POST" else None,
        choices=[(row.field, row.label) for row in differences],
    )
    if entry is not None and request.method == "POST" and form.is_valid():
        try:
            changed = services.company_register_refresh(
                membership=membership,
                actor=request.user,
                entry=entry,
                fields=form.cleaned_data["fields_to_apply"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if changed:
                messages.success(request, _("The member is updated from Enhetsregisteret."))
            else:
                messages.success(
                    request, _("The lookup in Enhetsregisteret is recorded; no facts were changed.")
                )
            return redirect("members:detail", access.cluster.slug, membership.pk)
    return render(
        request,
        "members/register_refresh.html",
        {
            "membership": membership,
            "entry": entry,
            "problem": problem,
            "differences": differences,
            "form": form,
        },
    )


@cluster_view("members.change_own")
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The cluster team edits its own record of the company and the membership; a company contact
    states the company's facts, which reach the clusters that trust that contact (see
    ``services.company_update_shared``)."""
    access = _access(request)
    membership = access_membership(access, pk, "members.change_own")
    data = request.POST or None
    company_form = CompanyForm(data, prefix="company", initial=CompanyForm.company_initial(membership))
    membership_form: MembershipForm | None = None
    if access.can("members.change"):
        membership_form = MembershipForm(
            data, prefix="membership", initial=MembershipForm.membership_initial(membership)
        )
    forms_ok = company_form.is_valid() and (membership_form is None or membership_form.is_valid())
    if request.method == "POST" and forms_ok:
        try:
            if access.is_company_role:
                services.company_update_shared(
                    membership=membership, actor=request.user, data=company_form.cleaned_data
                )
            else:
                services.membership_facts_update(
                    membership=membership, actor=request.user, data=company_form.cleaned_data
                )
        except ValidationError as error:
            add_service_errors(company_form, error)
        if membership_form is not None and not company_form.errors:
            try:
                services.membership_update(
                    membership=membership, actor=request.user, data=membership_form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(membership_form, error)
        if not company_form.errors and not (membership_form and membership_form.errors):
            messages.success(request, _("The changes are saved."))
            return redirect("members:detail", access.cluster.slug, membership.pk)
    return render(
        request,
        "members/edit.html",
        {
            "membership": membership,
            "company_form": company_form,
            "membership_form": membership_form,
            "is_company_role": access.is_company_role,
        },
    )


@cluster_view("members.change")
@require_http_methods(["GET", "POST"])
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    membership = access_membership(access, pk, "members.change")
    form = MembershipStatusForm(request.POST or None, current=membership.status)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(
                membership=membership,
                actor=request.user,
                left_on=form.cleaned_data["on"],
                status=form.cleaned_data["status"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The membership of %(name)s is now %(status)s.")
                % {"name": membership.name, "status": membership.get_status_display().lower()},
            )
            return redirect("members:detail", access.cluster.slug, membership.pk)
    return render(request, "members/end.html", {"membership": membership, "form": form})


@cluster_view("members.change")
@require_http_methods(["GET", "POST"])
def contact_form(request: HttpRequest, pk: int, contact_pk: int | None = None) -> HttpResponse:
    access = _access(request)
    membership = access_membership(access, pk, "members.change")
    contact = access_contact(membership, contact_pk) if contact_pk else None
    initial: dict[str, Any] = ContactForm.initial_for(contact) if contact else {}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if contact is None:
                services.contact_create(membership=membership, actor=request.user, data=form.cleaned_data)
            else:
                services.contact_update(contact=contact, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contact is saved."))
            return redirect("members:detail", access.cluster.slug, membership.pk)
    return render(
        request, "members/contact_form.html", {"membership": membership, "contact": contact, "form": form}
    )


@cluster_view("members.change")
@require_http_methods(["GET", "POST"])
def contact_delete(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    access = _access(request)
    membership = access_membership(access, pk, "members.change")
    contact = access_contact(membership, contact_pk)
    if request.method == "POST":
        services.contact_delete(contact=contact, actor=request.user)
        messages.success(request, _("The contact is removed."))
        return redirect("members:detail", access.cluster.slug, membership.pk)
    return render(request, "members/contact_delete.html", {"membership": membership, "contact": contact})
