"""The cluster manager's page for people, roles and invitations (/c/<slug>/people/).

It sits with the member register because it manages the people of member companies as well as
the cluster's own team: ``accounts`` keeps the roles, ``members.roles`` knows their companies."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klyngekart.accounts import selectors, services
from klyngekart.accounts.access import cluster_view
from klyngekart.accounts.forms import ClusterRoleForm
from klyngekart.accounts.models import CompanyRole
from klyngekart.members import roles
from klyngekart.members.forms import InviteForm


def _people_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    cluster = request.cluster  # type: ignore[attr-defined]
    companies = roles.member_companies(cluster=cluster)
    team = list(selectors.cluster_roles(cluster=cluster))
    context: dict[str, Any] = {
        "cluster_roles": [
            (role, ClusterRoleForm(initial={"role": role.role}, prefix=f"r{role.pk}")) for role in team
        ],
        "company_roles": roles.company_roles(cluster=cluster),
        "invitations": roles.open_invitations(cluster=cluster),
        "history": selectors.role_history(cluster=cluster, limit=30),
        "invite_form": InviteForm(companies=companies),
    }
    context.update(extra)
    return context


def _company_name(company_role: CompanyRole) -> str:
    """The name the cluster records for the role's company (members.roles.company_roles adds it)."""
    return str(getattr(company_role, "company_name", "") or company_role.company.identifier)


def _back(request: HttpRequest) -> HttpResponse:
    return redirect("people:list", request.cluster.slug)  # type: ignore[attr-defined]


@cluster_view("people.manage")
def people_list(request: HttpRequest) -> HttpResponse:
    return render(request, "members/people.html", _people_context(request))


@require_POST
@cluster_view("people.manage")
def invite(request: HttpRequest) -> HttpResponse:
    cluster = request.cluster  # type: ignore[attr-defined]
    form = InviteForm(request.POST, companies=roles.member_companies(cluster=cluster))
    if form.is_valid():
        try:
            invitation, _secret = services.invitation_create(
                cluster=cluster,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                company=form.cleaned_data["company"],
                invited_by=request.user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request, _("An invitation is on its way to %(email)s.") % {"email": invitation.email}
            )
            return _back(request)
    return render(request, "members/people.html", _people_context(request, invite_form=form), status=400)


@require_POST
@cluster_view("people.manage")
def role_change(request: HttpRequest, pk: int) -> HttpResponse:
    role = selectors.access_cluster_role(cluster=request.cluster, pk=pk)  # type: ignore[attr-defined]
    form = ClusterRoleForm(request.POST, prefix=f"r{role.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles in the list."))
        return _back(request)
    try:
        services.cluster_role_change(role=role, new_role=form.cleaned_data["role"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is now %(role)s.") % {"name": role.user, "role": role.get_role_display().lower()},
        )
    return _back(request)


@cluster_view("people.manage")
def role_remove(request: HttpRequest, pk: int) -> HttpResponse:
    role = selectors.access_cluster_role(cluster=request.cluster, pk=pk)  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            services.cluster_role_remove(role=role, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(name)s no longer has a role in the cluster.") % {"name": role.user}
            )
        return _back(request)
    return render(
        request,
        "members/role_remove.html",
        {"person": role.user, "role_label": role.get_role_display(), "company_name": None},
    )


@cluster_view("people.manage")
def company_role_remove(request: HttpRequest, pk: int) -> HttpResponse:
    company_role = roles.access_company_role(cluster=request.cluster, pk=pk)  # type: ignore[attr-defined]
    if request.method == "POST":
        services.company_role_remove(company_role=company_role, actor=request.user)
        messages.success(
            request,
            _("%(name)s no longer has a role in %(company)s.")
            % {"name": company_role.user, "company": _company_name(company_role)},
        )
        return _back(request)
    return render(
        request,
        "members/role_remove.html",
        {
            "person": company_role.user,
            "role_label": company_role.get_role_display(),
            "company_name": _company_name(company_role),
        },
    )


@require_POST
@cluster_view("people.manage")
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.access_invitation(cluster=request.cluster, pk=pk)  # type: ignore[attr-defined]
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
        )
    return _back(request)


@require_POST
@cluster_view("people.manage")
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.access_invitation(cluster=request.cluster, pk=pk)  # type: ignore[attr-defined]
    try:
        services.invitation_resend(invitation=invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s is sent again with a new link.") % {"email": invitation.email},
        )
    return _back(request)
