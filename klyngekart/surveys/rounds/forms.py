"""Forms of the round pages. The services check everything again: the API has no form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from klyngekart.core.forms import DsForm
from klyngekart.members.filereader import FileProblem, read_rows
from klyngekart.members.forms import DateInput
from klyngekart.members.models import Membership, MembershipStatus
from klyngekart.surveys.models import Audience, SurveyVersion, VersionStatus
from klyngekart.surveys.rounds.addresses import MAX_INVITATIONS, AddressList, parse_addresses, too_many

ALL = "all"
CHOSEN = "chosen"


def parse_reminder_days(text: str) -> list[int]:
    """ "3, 7" (or "3 7", "3;7") as [3, 7]."""
    parts = [part for part in text.replace(";", ",").replace(" ", ",").split(",") if part]
    try:
        return [int(part) for part in parts]
    except ValueError as error:
        raise ValidationError(_("Write whole numbers of days separated by commas, e.g. 3, 7.")) from error


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.survey.title} (v{obj.number})"


class MembershipChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class RoundForm(DsForm):
    survey_version = VersionChoiceField(
        label=_("Survey"),
        queryset=None,
        help_text=_("Only published survey versions can be sent."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("E.g. “Competence mapping 2026”."))
    opens_on = forms.DateField(label=_("Opens"), widget=DateInput())
    closes_on = forms.DateField(label=_("Closes"), widget=DateInput())
    audience = forms.ChoiceField(
        label=_("Who answers"), choices=Audience.choices, initial=Audience.EMPLOYEES, widget=forms.RadioSelect
    )
    which = forms.ChoiceField(
        label=_("Member companies"),
        choices=[(ALL, _("All active members")), (CHOSEN, _("Only the members I choose below"))],
        initial=ALL,
        widget=forms.RadioSelect,
    )
    companies = MembershipChoiceField(
        label=_("Chosen members"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reminder_days = forms.CharField(
        label=_("Reminder days"),
        required=False,
        initial="3, 7",
        help_text=_("Days after opening when those who have not answered get a reminder, e.g. 3, 7."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Querysets are built here, inside the cluster scope of the view that made the form.
        self.fields["survey_version"].queryset = SurveyVersion.objects.filter(  # type: ignore[attr-defined]
            status=VersionStatus.PUBLISHED
        ).select_related("survey")
        self.fields["companies"].queryset = (  # type: ignore[attr-defined]
            Membership.objects.filter(status=MembershipStatus.ACTIVE).order_by("name")
        )
        self.fields["opens_on"].initial = timezone.localdate()

    def clean_reminder_days(self) -> list[int]:
        return parse_reminder_days(self.cleaned_data.get("reminder_days") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("which") == CHOSEN and not data.get("companies"):
            self.add_error("companies", _("Choose at least one member company."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "survey_version": data["survey_version"],
            "title": data["title"],
            "opens_on": data["opens_on"],
            "closes_on": data["closes_on"],
            "audience": data["audience"],
            "companies": ALL if data["which"] == ALL else list(data["companies"]),
            "reminder_days": data["reminder_days"],
        }


def _row_text(cells: list[Any]) -> str:
    """A file's row as one line of cells separated by tabs, as if pasted from Excel."""
    return "\t".join(str(cell).strip() for cell in cells if cell is not None and str(cell).strip())


class InvitationListForm(DsForm):
    file = forms.FileField(
        label=_("File with email addresses"),
        required=False,
        help_text=_("CSV, Excel (.xlsx) or a text file with one address per line."),
    )
    addresses = forms.CharField(
        label=_("Or paste the addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Paste from Outlook, Excel or a list: one or more per line, separated by commas, "
            "semicolons or tabs. Names are fine, e.g. Ola Nordmann <ola@bedrift.no>."
        ),
    )
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
        self.fields["language"].initial = current if current in dict(settings.LANGUAGES) else "nb"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload:
            content = upload.read(settings.KLYNGEKART_IMPORT_MAX_BYTES + 1)
            if len(content) > settings.KLYNGEKART_IMPORT_MAX_BYTES:
                self.add_error("file", _("The file is too large."))
                return data
            try:
                rows = read_rows(filename=upload.name or "", content=content, max_rows=MAX_INVITATIONS)
            except FileProblem as problem:
                self.add_error("file", str(problem))
                return data
        else:
            rows = [[line] for line in (data.get("addresses") or "").splitlines()]
        lines = [_row_text(row) for row in rows]
        parsed = parse_addresses(lines)
        if too_many(lines, parsed):
            self.add_error(None, _("At most %(max)s addresses at a time.") % {"max": MAX_INVITATIONS})
        elif not parsed.addresses and not parsed.problems:
            self.add_error(None, _("Upload a file or paste at least one address."))
        elif upload and parsed.problems:
            # The file's lines go into the text box, to correct there or to send the valid ones:
            # a file input cannot be filled in again.
            self.data = {**self.data.dict(), "addresses": "\n".join(lines)}  # type: ignore[attr-defined]
        data["parsed"] = parsed
        return data

    @property
    def parsed(self) -> AddressList:
        parsed: AddressList = self.cleaned_data["parsed"]
        return parsed

    @property
    def skip_invalid(self) -> bool:
        """The user chose, after seeing the problems, to invite the valid addresses only."""
        return self.data.get("skip_invalid") == "1"


class ExtendForm(DsForm):
    """A later closing date for an open round."""

    closes_on = forms.DateField(
        label=_("New closing date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "The round takes answers until the end of this day. Results are released when it closes."
        ),
    )


class OpenLinkForm(DsForm):
    """On or off: the value of the page's button (one button per state)."""

    ON = "on"
    OFF = "off"
    enabled = forms.TypedChoiceField(
        label=_("Open link"),
        choices=[(ON, _("On")), (OFF, _("Off"))],
        coerce=lambda value: value == OpenLinkForm.ON,
        widget=forms.HiddenInput,
    )


class HeldDecisionForm(DsForm):
    """Approve or reject some of a round's held batches (checkboxes in the page's table)."""

    APPROVE = "approve"
    REJECT = "reject"
    ids = forms.MultipleChoiceField(
        label=_("Held answers"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the held answers to approve or reject.")},
    )
    action = forms.ChoiceField(label=_("Decision"), choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))])

    def __init__(self, *args: Any, rows: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(str(row.id), str(row.id)) for row in rows]  # type: ignore[attr-defined]
