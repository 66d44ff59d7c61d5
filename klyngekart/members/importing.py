"""Import members from a CSV or XLSX file: validate every row, then write all rows or none.

Row numbers in the report are the spreadsheet's (the header is row 1), so a user can find the
cell in Excel. Problems with the file as a whole use row 0 and the field "file"."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.members.filereader import FileProblem, read_rows
from klyngekart.members.models import FACT_FIELDS, Company, Contact, Membership, SizeClass
from klyngekart.members.services import membership_create
from klyngekart.members.validators import normalise_org_number, validate_org_number
from klyngekart.taxonomy.nace import lookup_nace
from klyngekart.taxonomy.regions import parse_region

# Header spellings seen in members' own sheets and in Brønnøysund exports, after _header_key().
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "org_number": (
        "organisasjonsnummer",
        "orgnr",
        "orgnummer",
        "organisasjonsnr",
        "orgnumber",
        "organisationnumber",
        "organizationnumber",
    ),
    "name": ("navn", "bedrift", "bedriftsnavn", "firmanavn", "firma", "name", "company", "companyname"),
    "nace_code": ("næringskode", "næringskode1", "nace", "nacecode", "nacekode"),
    "employees": ("antallansatte", "ansatte", "employees", "numberofemployees"),
    "size_class": ("størrelse", "størrelsesklasse", "sizeclass"),
    "region": ("fylke", "region", "county"),
    "municipality": ("kommune", "municipality", "forretningsadressekommune"),
    "municipality_number": ("kommunenummer", "kommunenr", "forretningsadressekommunenummer"),
    "website": ("hjemmeside", "nettside", "nettsted", "website", "web"),
    "joined_on": ("innmeldt", "medlemsiden", "innmeldtdato", "joinedon", "membersince"),
    "tier": ("nivå", "medlemsnivå", "tier"),
    "annual_fee": ("kontingent", "årskontingent", "annualfee"),
    "notes": ("notat", "merknad", "notes"),
    "contact_name": ("kontaktperson", "contactname"),
    "contact_email": ("epost", "epostadresse", "email", "contactemail"),
    "contact_phone": ("telefon", "tlf", "mobil", "phone", "contactphone"),
}
_ALIAS_TO_FIELD = {alias: name for name, aliases in COLUMN_ALIASES.items() for alias in aliases}
# The header may sit below a title line or two, as in many hand-made sheets.
_HEADER_SEARCH_ROWS = 10

_SIZE_CLASS_WORDS = {
    "micro": SizeClass.MICRO,
    "mikro": SizeClass.MICRO,
    "small": SizeClass.SMALL,
    "liten": SizeClass.SMALL,
    "små": SizeClass.SMALL,
    "medium": SizeClass.MEDIUM,
    "mellomstor": SizeClass.MEDIUM,
    "mellomstore": SizeClass.MEDIUM,
    "large": SizeClass.LARGE,
    "stor": SizeClass.LARGE,
    "store": SizeClass.LARGE,
}

TEMPLATE_HEADERS = [
    "Organisasjonsnummer",
    "Navn",
    "Næringskode",
    "Antall ansatte",
    "Fylke",
    "Kommune",
    "Hjemmeside",
    "Innmeldt",
    "Nivå",
    "Kontingent",
    "Kontaktperson",
    "E-post",
    "Telefon",
]


# A problem's column on the page when the file has no header for its field (the service found it,
# or the file lacks the column). The API reports the field names themselves.
FIELD_LABELS: dict[str, Promise] = {
    "org_number": gettext_lazy("Organisation number"),
    "name": gettext_lazy("Name"),
    "nace_code": gettext_lazy("NACE code"),
    "employees": gettext_lazy("Employees"),
    "size_class": gettext_lazy("Size class"),
    "region": gettext_lazy("County"),
    "municipality": gettext_lazy("Municipality"),
    "municipality_number": gettext_lazy("Municipality number"),
    "website": gettext_lazy("Website"),
    "joined_on": gettext_lazy("Member since"),
    "tier": gettext_lazy("Tier"),
    "annual_fee": gettext_lazy("Annual fee"),
    "notes": gettext_lazy("Notes"),
    "contact_name": gettext_lazy("Contact name"),
    "contact_email": gettext_lazy("Contact email"),
    "contact_phone": gettext_lazy("Contact phone"),
    "file": gettext_lazy("File"),
}


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class ImportRow:
    """One data row as it will be written, for the preview."""

    row: int
    company: dict[str, Any]
    membership: dict[str, Any]
    contacts: list[dict[str, Any]]
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportReport:
    """``created`` counts the memberships written, or on a dry run those that would be. An import
    changes no existing record (a company already on the platform is only linked by its org
    number, and the file's facts become this cluster's own record), so ``updated`` is always 0;
    it stays for the API's shape."""

    ok: bool
    created: int
    updated: int
    errors: list[RowError]
    rows: list[ImportRow]
    written: bool = False
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)

    def column_name(self, field_name: str) -> str:
        """The header the user wrote for ``field_name`` ("Orgnr"), so they find the column in
        their own file; otherwise the field's label, or a dash for a problem with the whole row."""
        for header, name in self.columns.items():
            if name == field_name:
                return header
        label = FIELD_LABELS.get(field_name)
        return str(label) if label is not None else "–"


def _header_key(value: Any) -> str:
    return re.sub(r"[^0-9a-zæøå]", "", str(value or "").strip().casefold())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[int, str], list[str]] | None:
    """The index of the header row, its column -> field map, and the headers we ignore."""
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        mapping: dict[int, str] = {}
        ignored: list[str] = []
        for col, cell in enumerate(row):
            name = _ALIAS_TO_FIELD.get(_header_key(cell))
            if name and name not in mapping.values():
                mapping[col] = name
            elif _text(cell):
                ignored.append(_text(cell))
        if "org_number" in mapping.values() and "name" in mapping.values():
            return index, mapping, ignored
    return None


def _parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        return int(value)
    text = re.sub(r"[\s\u00a0]", "", str(value))
    if re.fullmatch(r"-?\d+([.,]0+)?", text):
        return int(re.split(r"[.,]", text)[0])
    raise ValueError


def _parse_decimal(value: Any) -> Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = str(value).casefold()
    text = re.sub(r"kr\.?|nok|,-|[\s\u00a0]", "", text)
    if "," in text and "." in text:
        text = text.replace(".", "")  # 12.500,50: Norwegian thousands separator and decimal comma
    text = text.replace(",", ".")
    try:
        result = Decimal(text)
    except InvalidOperation as error:
        raise ValueError from error
    if not result.is_finite():
        raise ValueError
    return result


def _parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return datetime.date(year, month, day)
    match = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return datetime.date(year, month, day)
    raise ValueError


def _size_class(value: str) -> str | None:
    """A size class from its code, a Norwegian or English word, or the label our export writes."""
    words = value.casefold().split()
    labels = {str(label).casefold(): code for code, label in SizeClass.choices}
    return labels.get(value.casefold()) or (_SIZE_CLASS_WORDS.get(words[0]) if words else None)


def _tidy_municipality(value: str) -> str:
    # Brønnøysund writes place names in capitals: BERGEN, NORD-AURDAL.
    return value.title() if value.isupper() else value


class _RowParser:
    def __init__(self, row_number: int) -> None:
        self.row = row_number
        self.errors: list[RowError] = []

    def error(self, field_name: str, message: str) -> None:
        self.errors.append(RowError(self.row, field_name, message))

    def parse(self, cells: dict[str, Any]) -> ImportRow:
        company: dict[str, Any] = {"country": "NO"}
        membership: dict[str, Any] = {}
        text = {name: _text(value) for name, value in cells.items()}

        org_number = normalise_org_number(text.get("org_number", ""))
        if not org_number:
            self.error("org_number", _("The organisation number is missing."))
        else:
            try:
                validate_org_number(org_number)
            except ValidationError as error:
                self.error("org_number", " ".join(error.messages))
        company["org_number"] = org_number

        name = text.get("name", "")
        if not name:
            self.error("name", _("The company name is missing."))
        elif len(name) > 200:
            self.error("name", _("The name is longer than 200 characters."))
        company["name"] = name

        if text.get("nace_code"):
            nace = lookup_nace(text["nace_code"])
            if nace is None:
                self.error("nace_code", _("Unknown NACE code “%(value)s”.") % {"value": text["nace_code"]})
            else:
                company["nace_code"] = nace.code

        if text.get("employees"):
            try:
                employees = _parse_int(cells["employees"])
                if employees < 0:
                    raise ValueError
                company["employees"] = employees
            except ValueError:
                self.error(
                    "employees",
                    _("“%(value)s” is not a number of employees.") % {"value": text["employees"]},
                )

        if text.get("size_class") and "employees" not in company:
            size = _size_class(text["size_class"])
            if size is None:
                self.error(
                    "size_class",
                    _("Unknown size class “%(value)s”: use micro, small, medium or large.")
                    % {"value": text["size_class"]},
                )
            else:
                company["size_class"] = size

        self._place(text, company)

        if text.get("website"):
            website = text["website"]
            if not re.match(r"https?://", website, re.IGNORECASE):
                website = f"https://{website}"
            try:
                URLValidator()(website)
                company["website"] = website
            except ValidationError:
                self.error("website", _("“%(value)s” is not a web address.") % {"value": text["website"]})

        if text.get("joined_on"):
            try:
                membership["joined_on"] = _parse_date(cells["joined_on"])
            except ValueError:
                self.error(
                    "joined_on",
                    _("“%(value)s” is not a date: write 2024-01-31 or 31.01.2024.")
                    % {"value": text["joined_on"]},
                )

        if text.get("annual_fee"):
            try:
                fee = _parse_decimal(cells["annual_fee"])
                if fee < 0 or fee >= 10**10:
                    raise ValueError
                membership["annual_fee"] = fee.quantize(Decimal("0.01"))
            except ValueError:
                self.error(
                    "annual_fee", _("“%(value)s” is not an amount in kroner.") % {"value": text["annual_fee"]}
                )

        if text.get("tier"):
            if len(text["tier"]) > 60:
                self.error("tier", _("The tier is longer than 60 characters."))
            membership["tier"] = text["tier"][:60]
        if text.get("notes"):
            membership["notes"] = text["notes"]

        return ImportRow(
            row=self.row,
            company=company,
            membership=membership,
            contacts=self._contacts(text),
            errors=self.errors,
        )

    def _place(self, text: dict[str, str], company: dict[str, Any]) -> None:
        if text.get("municipality"):
            municipality = _tidy_municipality(text["municipality"])
            if len(municipality) > 100:
                self.error("municipality", _("The municipality is longer than 100 characters."))
            company["municipality"] = municipality[:100]
        region = ""
        if text.get("region"):
            parsed = parse_region(text["region"])
            if parsed is None:
                self.error("region", _("Unknown county “%(value)s”.") % {"value": text["region"]})
            else:
                region = parsed
        if not region and len(text.get("municipality_number", "")) == 4:
            # A municipality number begins with its county's number (0301 Oslo, 4601 Bergen).
            region = parse_region(text["municipality_number"][:2]) or ""
        if region:
            company["region"] = region

    def _contacts(self, text: dict[str, str]) -> list[dict[str, Any]]:
        name, email, phone = (text.get(key, "") for key in ("contact_name", "contact_email", "contact_phone"))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.error("contact_email", _("“%(value)s” is not an email address.") % {"value": email})
        if len(phone) > 30:
            self.error("contact_phone", _("The phone number is longer than 30 characters."))
        if not name and (email or phone):
            self.error("contact_name", _("A contact needs a name."))
        if len(name) > 150:
            self.error("contact_name", _("The contact's name is longer than 150 characters."))
        if not name:
            return []
        return [{"name": name[:150], "email": email, "phone": phone[:30], "is_primary": True}]


def _file_error(message: str) -> ImportReport:
    return ImportReport(ok=False, created=0, updated=0, errors=[RowError(0, "file", message)], rows=[])


class _Rollback(Exception):
    pass


def import_members(
    *, cluster: Cluster, actor: Any, filename: str, content: bytes, dry_run: bool
) -> ImportReport:
    """Validate the whole file; unless ``dry_run``, write it in one transaction if it is clean."""
    max_bytes = settings.KLYNGEKART_IMPORT_MAX_BYTES
    max_rows = settings.KLYNGEKART_IMPORT_MAX_ROWS
    if len(content) > max_bytes:
        return _file_error(
            _("The file is too big: at most %(mb)s MB can be imported.") % {"mb": max_bytes // (1024 * 1024)}
        )
    try:
        rows = read_rows(filename=filename, content=content, max_rows=max_rows + _HEADER_SEARCH_ROWS)
    except FileProblem as problem:
        return _file_error(str(problem))

    header = _find_header(rows)
    if header is None:
        return _file_error(
            _(
                "No header row found. The first row must name the columns, with at least "
                "“Organisasjonsnummer” and “Navn”. Download the template to see the columns."
            )
        )
    header_index, mapping, ignored = header
    data_rows = [
        (index + 1, row)
        for index, row in enumerate(rows[header_index + 1 :], start=header_index + 1)
        if any(_text(cell) for cell in row)
    ]
    if not data_rows:
        return _file_error(_("The file has a header but no members."))
    if len(data_rows) > max_rows:
        return _file_error(
            _("The file has too many rows: at most %(max)s can be imported at once.") % {"max": max_rows}
        )

    parsed: list[ImportRow] = []
    for row_number, row in data_rows:
        cells = {name: row[col] if col < len(row) else None for col, name in mapping.items()}
        item = _RowParser(row_number).parse(cells)
        _check_models(cluster, item)
        parsed.append(item)

    with scope(cluster):
        _check_against_database(cluster, parsed)

    report = ImportReport(
        ok=not any(item.errors for item in parsed),
        created=len(parsed),
        updated=0,
        errors=[error for item in parsed for error in item.errors],
        rows=parsed,
        columns={str(rows[header_index][col]).strip(): name for col, name in mapping.items()},
        ignored_columns=ignored,
    )
    if not report.ok or dry_run:
        return report
    return _write(cluster=cluster, actor=actor, filename=filename, report=report)


# A model field's errors reported under the import's own field name (a contact's "email").
_CONTACT_FIELD_NAMES = {"name": "contact_name", "email": "contact_email", "phone": "contact_phone"}


def _facts(company: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in company.items() if name in FACT_FIELDS and value is not None}


def _check_models(cluster: Cluster, item: ImportRow) -> None:
    """The models' own validation of the row, as membership_create will run it, so the dry run
    refuses what the real import would (a web address over 200 characters passed the row check
    and failed the import). In memory: uniqueness and membership in the cluster are the
    database's, checked once for the whole file in _check_against_database."""
    exclude_keys = ["cluster", "company", "membership"]
    candidates: list[tuple[Any, dict[str, str]]] = [
        (Company(**{k: v for k, v in item.company.items() if v is not None}), {}),
        # The facts are the cluster's own record, on its membership (members/models.py, CompanyFacts).
        (Membership(cluster=cluster, **_facts(item.company), **item.membership), {}),
        *((Contact(cluster=cluster, **data), _CONTACT_FIELD_NAMES) for data in item.contacts),
    ]
    reported = {error.field for error in item.errors}
    for instance, names in candidates:
        try:
            instance.full_clean(exclude=exclude_keys, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                name = names.get(field_name, field_name)
                if name not in reported:  # the row check said it already, in its own words
                    item.errors.extend(RowError(item.row, name, message) for message in messages)
                    reported.add(name)


def _check_against_database(cluster: Cluster, parsed: list[ImportRow]) -> None:
    """Duplicates in the file and members already in this cluster. Whether a company is on the
    platform through another cluster is that cluster's business: the report does not say."""
    first_row: dict[str, int] = {}
    for item in parsed:
        org_number = item.company["org_number"]
        if not org_number:
            continue
        if org_number in first_row:
            item.errors.append(
                RowError(
                    item.row,
                    "org_number",
                    _("Organisation number %(org)s is also in row %(row)s.")
                    % {"org": org_number, "row": first_row[org_number]},
                )
            )
        else:
            first_row[org_number] = item.row
    numbers = list(first_row)
    members = set(
        Membership.objects.filter(cluster=cluster, company__org_number__in=numbers).values_list(
            "company__org_number", flat=True
        )
    )
    for item in parsed:
        org_number = item.company["org_number"]
        if org_number in members:
            item.errors.append(
                RowError(
                    item.row,
                    "org_number",
                    _("%(org)s is already a member of this cluster.") % {"org": org_number},
                )
            )


def _write(*, cluster: Cluster, actor: Any, filename: str, report: ImportReport) -> ImportReport:
    errors: list[RowError] = []
    try:
        with scope(cluster), transaction.atomic():
            for item in report.rows:
                try:
                    membership_create(
                        cluster=cluster,
                        actor=actor,
                        company=item.company,
                        membership=item.membership,
                        contacts=item.contacts,
                    )
                except ValidationError as error:
                    # A rule the row check does not know about (or a concurrent change): report it
                    # against the row and keep going, so the user sees every problem at once.
                    problems = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
                    for field_name, messages in problems.items():
                        errors.extend(RowError(item.row, field_name, message) for message in messages)
            if errors:
                raise _Rollback
            audit_log(
                cluster=cluster,
                actor=actor,
                action="members.import.completed",
                data={"filename": filename[:200], "created": report.created, "updated": report.updated},
            )
    except _Rollback:
        report.ok = False
        report.errors = errors
        return report
    report.written = True
    return report
