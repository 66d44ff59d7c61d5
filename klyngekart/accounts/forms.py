from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from klyngekart.accounts.models import ClusterRoleKind, User
from klyngekart.core.forms import DsForm
from klyngekart.core.models import Cluster


class ClusterRoleForm(DsForm):
    role = forms.ChoiceField(label=_("Role"), choices=ClusterRoleKind.choices)


class ProfileForm(DsForm):
    full_name = forms.CharField(label=_("Name"), max_length=150)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_("The language of the pages and of the emails you get from Klyngekart."),
    )


class InvitationSignupForm(DsForm):
    """The account for someone accepting an invitation: the email comes from the invitation."""

    full_name = forms.CharField(label=_("Your name"), max_length=150)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            # Validate against a user with the invited address and chosen name, so the
            # similarity validator can refuse a password that is the person's own email.
            candidate = User(email=self.email, full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ApiTokenForm(DsForm):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Power BI report”."),
    )


class ClusterSettingsForm(DsForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    anonymity_threshold = forms.IntegerField(label=_("Anonymity threshold (k)"))
    require_mfa = forms.BooleanField(
        label=_("Require two-factor authentication for the cluster's managers, staff, advisors and board"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        minimum = settings.KLYNGEKART_MIN_ANONYMITY_THRESHOLD
        field = self.fields["anonymity_threshold"]
        field.validators += [MinValueValidator(minimum), MaxValueValidator(50)]
        field.widget.attrs.update({"min": minimum, "max": 50})
        field.help_text = _(
            "No mean, count, chart or export row from anonymous answers is shown for a group of fewer "
            "respondents than this, so no one can work out what a small group answered. A higher number "
            "protects better but hides more results. It cannot be lower than %(minimum)s."
        ) % {"minimum": minimum}

    @staticmethod
    def initial_for(cluster: Cluster) -> dict[str, Any]:
        return {
            "name": cluster.name,
            "short_name": cluster.short_name,
            "description": cluster.description,
            "website": cluster.website,
            "city": cluster.city,
            "anonymity_threshold": cluster.anonymity_threshold,
            "require_mfa": cluster.require_mfa,
        }
