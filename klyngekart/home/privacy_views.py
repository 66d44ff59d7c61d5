"""A person's own data (download as JSON, erase the account) and the platform admin's page to do
the same for anyone who asks by email (klyngekart/home/personal_data.py)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from klyngekart.core.downloads import attachment_header, readable_filename
from klyngekart.home.personal_data import person_erase, person_export, sole_manager_of
from klyngekart.home.platform_views import platform_admin_only


class ConfirmEmailForm(forms.Form):
    """Erasure cannot be undone: the person types the address it is about."""

    confirm = forms.CharField(
        label=gettext_lazy("Type the email address to confirm"), max_length=254, strip=True
    )

    def __init__(self, *args: object, email: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.email = email

    def clean_confirm(self) -> str:
        value = str(self.cleaned_data["confirm"])
        if value.lower() != self.email.lower():
            raise ValidationError(_("The address does not match."))
        return value


ERASED_PARTS = {
    "account": gettext_lazy("account"),
    "roles": gettext_lazy("roles"),
    "contacts": gettext_lazy("contact records"),
    "registrations": gettext_lazy("registrations"),
    "survey_invitations": gettext_lazy("survey invitations"),
    "role_invitations": gettext_lazy("role invitations"),
    "log_mentions": gettext_lazy("mentions in change logs"),
}


class PersonSearchForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"))


def _download(email: str) -> HttpResponse:
    data = json.dumps(person_export(email), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = attachment_header(
        readable_filename("personal-data", email, extension="json")
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    email = request.user.email  # type: ignore[union-attr]
    if request.GET.get("download"):
        return _download(email)
    form = ConfirmEmailForm(request.POST or None, email=email)
    sole = sole_manager_of(request.user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid() and not sole:
        try:
            person_erase(email, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Your account and the data that named you are erased."))
            return redirect("/")
    return render(
        request,
        "home/my_data.html",
        {"export": person_export(email), "form": form, "sole": sole},
    )


@platform_admin_only
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest) -> HttpResponse:
    search = PersonSearchForm(request.GET or None)
    email = search.cleaned_data["email"] if search.is_valid() else ""
    if email and request.GET.get("download"):
        return _download(email)
    form = ConfirmEmailForm(request.POST or None, email=email) if email else None
    if request.method == "POST" and form is not None and form.is_valid():
        done = person_erase(email, actor=request.user, allow_sole_manager=True)
        messages.success(
            request,
            _("The personal data of %(email)s is erased: %(parts)s.")
            % {
                "email": email,
                "parts": ", ".join(
                    f"{ERASED_PARTS[key]}: {count}" for key, count in done.counts.items() if count
                )
                or "–",
            },
        )
        return redirect("platform:people")
    return render(
        request,
        "home/platform/people.html",
        {"search": search, "email": email, "export": person_export(email) if email else None, "form": form},
    )
