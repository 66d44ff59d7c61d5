"""Forms for the member pages. Plain forms (not ModelForms) on purpose: services own the writes
and compare old with new values for the audit log, so a form must not change the instance first.
The fields themselves come from the models, so labels and validators stay in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klyngekart.accounts.models import ClusterRoleKind, CompanyRoleKind
from klyngekart.core.forms import DsForm
from klyngekart.core.forms import add_service_errors as add_service_errors  # for the members views
from klyngekart.members.models import Company, Contact, Membership, MembershipStatus, SizeClass
from klyngekart.members.selectors import SORTS
from klyngekart.members.validators import normalise_org_number, validate_org_number
from klyngekart.taxonomy.nace import lookup_nace, section_choices
from klyngekart.taxonomy.regions import REGION_CHOICES


def _formfield(db_field: Any, **kwargs: Any) -> forms.Field | None:
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


# The company's facts as a cluster records them on its membership (see members.models.FACT_FIELDS).
_company = forms.fields_for_model(
    Membership,
    fields=["name", "nace_code", "employees", "size_class", "municipality", "region", "website"],
    formfield_callback=_formfield,
)
_membership = forms.fields_for_model(Membership, fields=["tier", "annual_fee", "joined_on", "notes"])
_contact = forms.fields_for_model(Contact, fields=["name", "email", "phone", "title", "is_primary"])


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date_field(field: forms.Field) -> forms.Field:
    field.widget = DateInput()
    return field


class MemberFilterForm(DsForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, org number or municipality")}
        ),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    size_class = forms.ChoiceField(label=_("Size class"), required=False)
    nace_section = forms.ChoiceField(label=_("Industry (NACE section)"), required=False)
    region = forms.ChoiceField(label=_("County"), required=False)
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput, choices=[(key, key) for key in SORTS])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = str(_("All"))
        choices: dict[str, list[tuple[str, Any]]] = {
            "status": [("", everything), *MembershipStatus.choices],
            "size_class": [("", everything), *SizeClass.choices],
            "nace_section": section_choices(blank_label=everything),
            "region": [("", everything), *REGION_CHOICES],
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options

    def filters(self) -> dict[str, str]:
        """The selector's keyword arguments; an invalid value is dropped rather than failing the page."""
        names = ("q", "status", "size_class", "nace_section", "region", "sort")
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in names if cleaned.get(name)}


class CompanyForm(DsForm):
    name = _company["name"]
    nace_code = _company["nace_code"]
    employees = _company["employees"]
    size_class = _company["size_class"]
    municipality = _company["municipality"]
    region = _company["region"]
    website = _company["website"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nace_code"].help_text = _("For example 62.100 or 25.110 (SN2025).")
        self.fields["size_class"].help_text = _("Set from the number of employees when that is given.")

    def clean_nace_code(self) -> str:
        value = self.cleaned_data["nace_code"]
        if not value:
            return ""
        nace = lookup_nace(value)
        if nace is None:
            raise ValidationError(_("Unknown NACE code."))
        return nace.code

    @staticmethod
    def company_initial(membership: Membership) -> dict[str, Any]:
        """The cluster's own record of the company."""
        return {name: getattr(membership, name) for name in CompanyForm.base_fields}


class MembershipForm(DsForm):
    tier = _membership["tier"]
    annual_fee = _membership["annual_fee"]
    joined_on = _date_field(_membership["joined_on"])
    notes = _membership["notes"]

    @staticmethod
    def membership_initial(membership: Membership) -> dict[str, Any]:
        return {name: getattr(membership, name) for name in MembershipForm.base_fields}


class MemberCreateForm(CompanyForm, MembershipForm):
    """A new member: the company, the membership and, optionally, its main contact."""

    org_number = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        help_text=_(
            "Nine digits. What you enter about the company is this cluster's own record; "
            "other clusters the company is a member of do not see it."
        ),
    )
    contact_name = forms.CharField(label=_("Main contact"), required=False, max_length=150)
    contact_email = forms.EmailField(label=_("Main contact's email"), required=False)
    contact_phone = forms.CharField(label=_("Main contact's phone"), required=False, max_length=30)

    field_order = ["org_number", "name"]
    # The org number comes first, with "Hent fra Enhetsregisteret" right after it.
    template_name = "members/create_form.html"
    # What the template shows beside the lookup button (set by the view): whether the lookup is
    # on, where it posts, and its outcome (``entry``, or a ``problem`` and its alert ``color``).
    lookup: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lookup = {}

    @classmethod
    def with_register_facts(cls, data: Mapping[str, Any], facts: Mapping[str, Any]) -> MemberCreateForm:
        """An unbound form showing what the user typed, with the register's facts filled in over
        the company fields it states: the result of "Hent fra Enhetsregisteret"."""
        initial = {name: data.get(name) for name in cls.base_fields if data.get(name) not in (None, "")}
        initial.update(facts)
        return cls(initial=initial)

    def clean_org_number(self) -> str:
        value = normalise_org_number(self.cleaned_data["org_number"])
        validate_org_number(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("contact_email") or cleaned.get("contact_phone")) and not cleaned.get("contact_name"):
            self.add_error("contact_name", _("A contact needs a name."))
        return cleaned

    def company_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("org_number", *CompanyForm.base_fields)}

    def membership_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in MembershipForm.base_fields}

    def contacts_data(self) -> list[dict[str, Any]]:
        if not self.cleaned_data.get("contact_name"):
            return []
        return [
            {
                "name": self.cleaned_data["contact_name"],
                "email": self.cleaned_data["contact_email"],
                "phone": self.cleaned_data["contact_phone"],
                "is_primary": True,
            }
        ]


class RegisterRefreshForm(DsForm):
    """Which of the register's facts to apply: the ones that differ from this cluster's record,
    all chosen to begin with."""

    fields_to_apply = forms.MultipleChoiceField(
        label=_("Apply these facts from Enhetsregisteret"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"fields_to_apply": [name for name, _label in choices]})
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["fields_to_apply"]).choices = choices


class MembershipStatusForm(DsForm):
    status = forms.ChoiceField(
        label=_("New status"), choices=MembershipStatus.choices, widget=forms.RadioSelect
    )
    on = forms.DateField(
        label=_("With effect from"),
        widget=DateInput(),
        help_text=_("For an ended membership, the date it ended."),
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)
        # Offering the current status as a "change" only invites a no-op.
        choices = [choice for choice in MembershipStatus.choices if choice[0] != current]
        cast(forms.ChoiceField, self.fields["status"]).choices = choices
        if current == MembershipStatus.ACTIVE:
            self.initial.setdefault("status", MembershipStatus.LEFT)


class ContactForm(DsForm):
    name = _contact["name"]
    email = _contact["email"]
    phone = _contact["phone"]
    title = _contact["title"]
    is_primary = _contact["is_primary"]

    @staticmethod
    def initial_for(contact: Contact) -> dict[str, Any]:
        return {name: getattr(contact, name) for name in ContactForm.base_fields}


class ImportUploadForm(DsForm):
    file = forms.FileField(
        label=_("Member list"),
        help_text=_(
            "CSV (comma or semicolon separated) or Excel (.xlsx). Nothing is saved before you confirm."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,text/csv"}),
    )


class ImportConfirmForm(DsForm):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


# --- people: inviting someone into a cluster role or a member company's role ---------------

INVITE_ROLE_CHOICES = [
    (_("Cluster roles"), list(ClusterRoleKind.choices)),
    (_("Company roles"), list(CompanyRoleKind.choices)),
]


class MemberCompanyField(forms.ModelChoiceField):
    """A member company, shown by the name this cluster records for it (``cluster_name``, see
    members.roles.member_companies), never by another cluster's."""

    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "cluster_name", None) or obj.identifier)


class InviteForm(DsForm):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=INVITE_ROLE_CHOICES)
    company = MemberCompanyField(
        label=_("Member company"),
        queryset=Company.objects.none(),
        required=False,
        help_text=_("Only for the company roles: the member company the person acts for."),
    )

    def __init__(self, *args: Any, companies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if companies is not None:
            self.fields["company"].queryset = companies  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, company = data.get("role"), data.get("company")
        if role in CompanyRoleKind.values and company is None:
            self.add_error("company", _("Choose the member company for this role."))
        if role in ClusterRoleKind.values and company is not None:
            self.add_error("company", _("Leave the company empty for a cluster role."))
        return data
