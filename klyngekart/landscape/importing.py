"""Import cluster profiles from CSV, XLSX or JSON: validate every row, then write all or nothing.

The file is read by the member register's reader (``members.filereader``: comma or semicolon,
UTF-8 with or without BOM or Windows-1252, XLSX size-checked before it is parsed); numbers and
dates are parsed as the member import parses them. Rows are matched to the directory by website
(normalised: no scheme, no "www.", no trailing slash), else by name and country: a match is
updated, anything else is created. A cluster manager's import owns what it creates and may update
only its own cluster's records; a platform admin's import may update any record and creates
records that the platform keeps. The columns are documented in docs/landscape-import.md.

Row numbers are the spreadsheet's (the header is row 1; for JSON the first object is row 2), and
problems with the file as a whole have row 0 and the field "file"."""

from __future__ import annotations

import datetime
import json
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.landscape.models import ClusterProfile, Label, TagKind, name_key, website_key
from klyngekart.landscape.reference import (
    parse_category,
    parse_country,
    parse_emerging,
    parse_nace_division,
    parse_programme,
)
from klyngekart.landscape.services import profile_save
from klyngekart.landscape.vocabulary import area_codes
from klyngekart.members.filereader import FileProblem, decode_text, read_rows

# The member import's parsers: the same numbers, amounts and dates in the same spellings.
from klyngekart.members.importing import _header_key, _parse_date, _parse_decimal, _parse_int, _text
from klyngekart.taxonomy.validators import clean_area_codes

logger = logging.getLogger(__name__)

COLUMNS = [
    "name",
    "acronym",
    "country",
    "region",
    "city",
    "website",
    "founded",
    "programme",
    "label",
    "label_valid_until",
    "sectors",
    "description",
]
OPTIONAL_COLUMNS = [
    "nuts",
    "programme_level",
    "emerging_industries",
    "technology_areas",
    "members_sme",
    "members_large",
    "members_research",
    "members_public",
    "management_fte",
    "source",
    "record_date",
    "fictional",
]
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "navn",
        "klyngenavn",
        "clustername",
        "cluster",
        "klynge",
        "organisation",
        "organisationname",
        # The ECCP's and ESCA's lists.
        "clusterorganisation",
        "clusterorganisationname",
        "nameofclusterorganisation",
    ),
    "acronym": ("acronym", "akronym", "forkortelse", "kortnavn", "shortname"),
    "country": ("country", "land", "countrycode", "landkode"),
    "region": ("region", "fylke", "county", "nutsregion"),
    "nuts": ("nuts", "nutscode", "nutskode", "nuts2", "nuts3"),
    "city": ("city", "by", "sted", "town", "kommune"),
    "website": ("website", "nettside", "nettsted", "hjemmeside", "web", "url", "homepage", "webpage"),
    "founded": (
        "founded",
        "etablert",
        "stiftet",
        "grunnlagt",
        "foundingyear",
        "yearfounded",
        "etableringsår",
        "yearofestablishment",
        "yearofcreation",
        "establishmentyear",
    ),
    "programme": ("programme", "program", "klyngeprogram", "nationalprogramme", "programmename"),
    "programme_level": ("programmelevel", "level", "nivå", "programnivå"),
    "label": (
        "label",
        "merke",
        "escalabel",
        "escamerke",
        "clusterlabel",
        "merkenivå",
        "labellevel",
        "labeltype",
    ),
    "label_valid_until": (
        "labelvaliduntil",
        "validuntil",
        "gyldigtil",
        "merkegyldigtil",
        "labelexpiry",
        "labelexpirydate",
        "expirydate",
        "labelvalidity",
        "validity",
    ),
    "sectors": (
        "sectors",
        "sector",
        "sektorer",
        "sektor",
        "bransjer",
        "bransje",
        "industries",
        "sectoralindustries",
        "sectoralindustry",
    ),
    "emerging_industries": ("emergingindustries", "emerging", "nyenæringer", "framvoksendenæringer"),
    "technology_areas": (
        "technologyareas",
        "technologyarea",
        "teknologiområder",
        "kompetanseområder",
        "competenceareas",
        "areas",
    ),
    "members_sme": ("memberssme", "smes", "sme", "smb", "smbmedlemmer", "numberofsmes", "numberofsmemembers"),
    "members_large": ("memberslarge", "largecompanies", "storebedrifter", "numberoflargecompanies"),
    "members_research": (
        "membersresearch",
        "researcheducation",
        "researchandeducation",
        "forskningogutdanning",
        "fou",
        "rdandeducation",
        "numberofresearchorganisations",
    ),
    "members_public": (
        "memberspublic",
        "public",
        "offentlige",
        "offentlig",
        "numberofpublicbodies",
        "publicauthorities",
    ),
    "management_fte": (
        "managementfte",
        "fte",
        "årsverk",
        "administrasjonårsverk",
        "clustermanagementstafffte",
        "managementstafffte",
    ),
    "description": ("description", "beskrivelse", "om", "shortdescription"),
    "source": ("source", "kilde"),
    "record_date": ("recorddate", "dato", "registrert", "recorded", "date"),
    "fictional": ("fictional", "fiktiv"),
}
_ALIAS_TO_FIELD = {alias: name for name, aliases in COLUMN_ALIASES.items() for alias in aliases}
_HEADER_SEARCH_ROWS = 10
_LABEL_WORDS = {
    "none": Label.NONE,
    "ingen": Label.NONE,
    "no": Label.NONE,
    "nei": Label.NONE,
    "-": Label.NONE,
    "bronze": Label.BRONZE,
    "bronse": Label.BRONZE,
    "silver": Label.SILVER,
    "sølv": Label.SILVER,
    "gold": Label.GOLD,
    "gull": Label.GOLD,
}
_TRUE_WORDS = {"1", "true", "yes", "ja", "x", "sann"}
# Excel counts days from 30 December 1899; a bare serial number in a CSV is a date from Excel.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_TEXT_LIMITS = {
    "name": 200,
    "acronym": 40,
    "region": 120,
    "nuts": 5,
    "city": 100,
    "programme": 120,
    "programme_level": 60,
    "source": 200,
}


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class ImportRow:
    row: int
    fields: dict[str, Any]
    tags: dict[str, list[tuple[str, str]]]  # column -> tags it sets
    errors: list[RowError] = field(default_factory=list)
    existing_id: int | None = None

    @property
    def name(self) -> str:
        return str(self.fields.get("name", ""))


@dataclass
class ImportReport:
    ok: bool
    created: int
    updated: int
    errors: list[RowError]
    rows: list[ImportRow]
    written: bool = False
    columns: dict[str, str] = field(default_factory=dict)  # the file's header -> our field
    ignored_columns: list[str] = field(default_factory=list)

    def column_name(self, field_name: str) -> str:
        """The header the user wrote for ``field_name`` ("Nettside"), so they find the column in
        their own file; our column name when the file has none for it."""
        for header, name in self.columns.items():
            if name == field_name:
                return header
        return field_name


def _file_error(message: str) -> ImportReport:
    return ImportReport(ok=False, created=0, updated=0, errors=[RowError(0, "file", message)], rows=[])


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [_text(item) for item in value if _text(item)]
    return [part.strip() for part in re.split(r"[;\n|]", _text(value)) if part.strip()]


def _date(value: Any) -> datetime.date:
    if isinstance(value, int | float) and not isinstance(value, bool) or re.fullmatch(r"\d{5}", _text(value)):
        serial = int(float(_text(value)))
        if 20000 <= serial <= 80000:
            return _EXCEL_EPOCH + datetime.timedelta(days=serial)
    return _parse_date(value)


def _label(value: str) -> str | None:
    words = re.findall(r"[\wæøå-]+", value.casefold())
    if not words:
        return Label.NONE
    found = {_LABEL_WORDS[word] for word in words if word in _LABEL_WORDS}
    return found.pop() if len(found) == 1 else None


class _RowParser:
    def __init__(self, row_number: int, present: set[str]) -> None:
        self.row = row_number
        self.present = present
        self.errors: list[RowError] = []

    def error(self, name: str, message: str) -> None:
        self.errors.append(RowError(self.row, name, message))

    def parse(self, cells: dict[str, Any], *, source: str, today: datetime.date) -> ImportRow:
        text = {name: _text(value) if not isinstance(value, list) else "" for name, value in cells.items()}
        fields: dict[str, Any] = {}
        for name in ("name", "acronym", "region", "nuts", "city", "programme_level", "description", "source"):
            if name in self.present:
                value = text.get(name, "")
                limit = _TEXT_LIMITS.get(name)
                if limit and len(value) > limit:
                    self.error(name, _("Longer than %(limit)s characters.") % {"limit": limit})
                fields[name] = value[:limit] if limit else value
        if not fields.get("name"):
            self.error("name", _("The cluster's name is missing."))
        if "nuts" in fields:
            fields["nuts"] = fields["nuts"].upper().replace(" ", "")
            if fields["nuts"] and not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{0,3}", fields["nuts"]):
                self.error(
                    "nuts",
                    _("“%(value)s” is not a NUTS code such as NO0A or DE21.") % {"value": text["nuts"]},
                )
        self._country(text, fields)
        self._website(text, fields)
        self._programme(text, fields)
        self._label(cells, text, fields, today)
        self._numbers(cells, text, fields)
        if "record_date" in self.present and text.get("record_date"):
            try:
                fields["record_date"] = _date(cells["record_date"])
            except ValueError:
                self.error(
                    "record_date",
                    _("“%(value)s” is not a date: write 2024-01-31 or 31.01.2024.")
                    % {"value": text["record_date"]},
                )
        fields.setdefault("record_date", today)
        if not fields.get("source"):
            fields["source"] = source[:200]
        if "fictional" in self.present:
            fields["fictional"] = text.get("fictional", "").casefold() in _TRUE_WORDS
        return ImportRow(row=self.row, fields=fields, tags=self._tags(cells), errors=self.errors)

    def _country(self, text: dict[str, str], fields: dict[str, Any]) -> None:
        value = text.get("country", "")
        if not value:
            self.error("country", _("The country is missing."))
            return
        code = parse_country(value)
        if code is None:
            self.error(
                "country",
                _("Unknown country “%(value)s”: write a code such as NO or a name such as Norway.")
                % {"value": value},
            )
        else:
            fields["country"] = code

    def _website(self, text: dict[str, str], fields: dict[str, Any]) -> None:
        if "website" not in self.present:
            return
        website = text.get("website", "")
        if website and not re.match(r"https?://", website, re.IGNORECASE):
            website = f"https://{website}"
        if website:
            try:
                URLValidator()(website)
            except ValidationError:
                self.error("website", _("“%(value)s” is not a web address.") % {"value": text["website"]})
                return
            if len(website) > 200:
                self.error("website", _("Longer than %(limit)s characters.") % {"limit": 200})
                return
        fields["website"] = website

    def _programme(self, text: dict[str, str], fields: dict[str, Any]) -> None:
        if "programme" in self.present:
            programme = parse_programme(text.get("programme", ""))
            if len(programme) > 120:
                self.error("programme", _("Longer than %(limit)s characters.") % {"limit": 120})
            fields["programme"] = programme[:120]

    def _label(
        self, cells: dict[str, Any], text: dict[str, str], fields: dict[str, Any], today: datetime.date
    ) -> None:
        if "label" in self.present:
            label = _label(text.get("label", ""))
            if label is None:
                self.error(
                    "label",
                    _("Unknown label “%(value)s”: use none, bronze, silver or gold.")
                    % {"value": text["label"]},
                )
            else:
                fields["label"] = label
        if "label_valid_until" in self.present:
            fields["label_valid_until"] = None
            if text.get("label_valid_until"):
                try:
                    fields["label_valid_until"] = _date(cells["label_valid_until"])
                except ValueError:
                    self.error(
                        "label_valid_until",
                        _("“%(value)s” is not a date: write 2024-01-31 or 31.01.2024.")
                        % {"value": text["label_valid_until"]},
                    )

    def _numbers(self, cells: dict[str, Any], text: dict[str, str], fields: dict[str, Any]) -> None:
        for name in ("founded", "members_sme", "members_large", "members_research", "members_public"):
            if name not in self.present:
                continue
            fields[name] = None
            if not text.get(name):
                continue
            try:
                number = _parse_int(cells[name])
                if number < 0:
                    raise ValueError
            except ValueError:
                self.error(name, _("“%(value)s” is not a whole number.") % {"value": text[name]})
                continue
            if name == "founded" and not 1900 <= number <= today_year():
                self.error(name, _("%(value)s is not a founding year.") % {"value": number})
                continue
            fields[name] = number
        if "management_fte" in self.present:
            fields["management_fte"] = None
            if text.get("management_fte"):
                try:
                    fte = _parse_decimal(cells["management_fte"])
                    if fte < 0 or fte >= 1000:
                        raise ValueError
                    fields["management_fte"] = fte.quantize(Decimal("0.01"))
                except ValueError:
                    self.error(
                        "management_fte",
                        _("“%(value)s” is not a number of full-time equivalents.")
                        % {"value": text["management_fte"]},
                    )

    def _tags(self, cells: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
        tags: dict[str, list[tuple[str, str]]] = {}
        if "sectors" in self.present:
            sectors: list[tuple[str, str]] = []
            for value in _list(cells.get("sectors")):
                if code := parse_category(value):
                    sectors.append((TagKind.CATEGORY, code))
                elif code := parse_nace_division(value):
                    sectors.append((TagKind.NACE, code))
                elif code := parse_emerging(value):
                    sectors.append((TagKind.EMERGING, code))
                elif len(value) > 120:
                    self.error("sectors", _("A sector is longer than %(limit)s characters.") % {"limit": 120})
                else:
                    # An unknown sector is kept as the tag it is, so nothing typed is lost.
                    sectors.append((TagKind.SECTOR_TAG, value))
            tags["sectors"] = sectors
        if "emerging_industries" in self.present:
            emerging: list[tuple[str, str]] = []
            for value in _list(cells.get("emerging_industries")):
                code = parse_emerging(value)
                if code is None:
                    self.error(
                        "emerging_industries", _("Unknown emerging industry “%(value)s”.") % {"value": value}
                    )
                else:
                    emerging.append((TagKind.EMERGING, code))
            tags["emerging_industries"] = emerging
        if "technology_areas" in self.present:
            try:
                codes = clean_area_codes(_list(cells.get("technology_areas")), area_codes())
            except ValidationError as error:
                self.error("technology_areas", " ".join(error.messages))
                codes = []
            tags["technology_areas"] = [(TagKind.AREA, code) for code in codes]
        return tags


def today_year() -> int:
    return timezone.localdate().year


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[int, str], list[str]] | None:
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        mapping: dict[int, str] = {}
        ignored: list[str] = []
        for col, cell in enumerate(row):
            name = _ALIAS_TO_FIELD.get(_header_key(cell))
            if name and name not in mapping.values():
                mapping[col] = name
            elif _text(cell):
                ignored.append(_text(cell))
        if "name" in mapping.values() and "country" in mapping.values():
            return index, mapping, ignored
    return None


def _json_rows(content: bytes) -> list[list[Any]]:
    """A JSON file as rows: a list of objects, or an object with the list under "clusters",
    "items" or "data". The first row is the union of the keys, in the order they first appear."""
    try:
        data = json.loads(decode_text(content))
    except (ValueError, RecursionError) as error:
        raise FileProblem(
            _("This JSON file could not be read: %(error)s") % {"error": str(error)[:200]}
        ) from error
    if isinstance(data, dict):
        data = next(
            (
                data[key]
                for key in ("clusters", "items", "data", "results")
                if isinstance(data.get(key), list)
            ),
            None,
        )
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise FileProblem(_("The JSON file must hold a list of objects, one per cluster."))
    keys = list(dict.fromkeys(key for item in data for key in item))
    return [keys, *([item.get(key) for key in keys] for item in data)]


def _read(filename: str, content: bytes, max_rows: int) -> list[list[Any]]:
    stripped = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if filename.lower().endswith(".json") or stripped[:1] in (b"[", b"{"):
        return _json_rows(content)
    return read_rows(filename=filename, content=content, max_rows=max_rows)


def import_profiles(
    *, actor: Any, owner: Cluster | None, filename: str, content: bytes, dry_run: bool
) -> ImportReport:
    """Validate the whole file; unless ``dry_run``, write it in one transaction if it is clean.

    ``owner`` is the cluster a manager imports for; None is a platform admin's import."""
    max_bytes = settings.KLYNGEKART_IMPORT_MAX_BYTES
    max_rows = settings.KLYNGEKART_IMPORT_MAX_ROWS
    if len(content) > max_bytes:
        return _file_error(
            _("The file is too big: at most %(mb)s MB can be imported.") % {"mb": max_bytes // (1024 * 1024)}
        )
    try:
        rows = _read(filename, content, max_rows + _HEADER_SEARCH_ROWS)
    except FileProblem as problem:
        return _file_error(str(problem))
    header = _find_header(rows)
    if header is None:
        return _file_error(
            _(
                "No header row found. The first row must name the columns, with at least “name” and "
                "“country” (or “navn” and “land”)."
            )
        )
    header_index, mapping, ignored = header
    data_rows = [
        (index + 1, row)
        for index, row in enumerate(rows[header_index + 1 :], start=header_index + 1)
        if any(_text(cell) if not isinstance(cell, list) else cell for cell in row)
    ]
    if not data_rows:
        return _file_error(_("The file has a header but no clusters."))
    if len(data_rows) > max_rows:
        return _file_error(
            _("The file has too many rows: at most %(max)s can be imported at once.") % {"max": max_rows}
        )

    present = set(mapping.values())
    today = timezone.localdate()
    parsed = []
    for row_number, row in data_rows:
        cells = {name: row[col] if col < len(row) else None for col, name in mapping.items()}
        parsed.append(_RowParser(row_number, present).parse(cells, source=filename or "import", today=today))
    _match(parsed, owner=owner)
    errors = [error for item in parsed for error in item.errors]
    report = ImportReport(
        ok=not errors,
        created=sum(1 for item in parsed if item.existing_id is None),
        updated=sum(1 for item in parsed if item.existing_id is not None),
        errors=errors,
        rows=parsed,
        columns={str(rows[header_index][col]).strip(): name for col, name in mapping.items()},
        ignored_columns=ignored,
    )
    if not report.ok or dry_run:
        return report
    return _write(report, actor=actor, owner=owner, filename=filename)


def _key(item: ImportRow) -> tuple[str, str]:
    site = website_key(item.fields.get("website", ""))
    if site:
        return ("website", site)
    return ("name", f"{name_key(item.name)}|{item.fields.get('country', '')}")


def _match(parsed: list[ImportRow], *, owner: Cluster | None) -> None:
    """Duplicates within the file, then the existing record each row updates, with one query
    for the websites and one for the names. A manager's import may update only its cluster's."""
    first_row: dict[tuple[str, str], int] = {}
    for item in parsed:
        if item.errors and not item.name:
            continue
        key = _key(item)
        if key in first_row:
            item.errors.append(
                RowError(
                    item.row,
                    "website" if key[0] == "website" else "name",
                    _("The same cluster is also in row %(row)s.") % {"row": first_row[key]},
                )
            )
        else:
            first_row[key] = item.row
    sites = [value for kind, value in first_row if kind == "website"]
    by_site: dict[str, dict[str, Any]] = {
        profile["website_key"]: dict(profile)
        for profile in ClusterProfile.objects.filter(website_key__in=sites).values(
            "id", "website_key", "owner_cluster_id", "source_cluster_id"
        )
    }
    names = {name_key(item.name) for item in parsed if item.name}
    countries = {item.fields.get("country") for item in parsed if item.fields.get("country")}
    by_name: dict[str, dict[str, Any]] = {}
    for profile in (
        ClusterProfile.objects.filter(name_key__in=names, country__in=countries)
        .values("id", "name_key", "country", "owner_cluster_id", "source_cluster_id")
        .order_by("id")
    ):
        by_name.setdefault(f"{profile['name_key']}|{profile['country']}", dict(profile))
    for item in parsed:
        kind, value = _key(item)
        existing = by_site.get(value) if kind == "website" else None
        existing = existing or by_name.get(f"{name_key(item.name)}|{item.fields.get('country', '')}")
        if existing is None:
            continue
        item.existing_id = existing["id"]
        if existing["source_cluster_id"] is not None:
            # A cluster on this installation publishes it from its own data: no file overwrites it.
            item.errors.append(
                RowError(
                    item.row,
                    "name",
                    _(
                        "%(name)s is published by a cluster on this installation from its own data "
                        "and cannot be imported over."
                    )
                    % {"name": item.name},
                )
            )
        elif owner is not None and existing["owner_cluster_id"] != owner.pk:
            item.errors.append(
                RowError(
                    item.row,
                    "name",
                    _(
                        "%(name)s is kept by someone else in the directory and cannot be changed by this "
                        "cluster."
                    )
                    % {"name": item.name},
                )
            )


class _Rollback(Exception):
    pass


def _write(report: ImportReport, *, actor: Any, owner: Cluster | None, filename: str) -> ImportReport:
    errors: list[RowError] = []
    try:
        with transaction.atomic():
            for item in report.rows:
                if item.existing_id is not None:
                    profile = ClusterProfile.objects.select_for_update().get(pk=item.existing_id)
                    kept = [(tag.kind, tag.code) for tag in profile.tags.all()]
                else:
                    profile = ClusterProfile(owner_cluster=owner)
                    kept = []
                for name, value in item.fields.items():
                    setattr(profile, name, value)
                tags = _merged_tags(kept, item.tags)
                try:
                    profile_save(profile=profile, tags=tags)
                except ValidationError as error:
                    problems = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
                    for name, messages in problems.items():
                        errors.extend(RowError(item.row, name, message) for message in messages)
            if errors:
                raise _Rollback
            data = {"filename": filename[:200], "created": report.created, "updated": report.updated}
            if owner is not None:
                with scope(owner):
                    audit_log(cluster=owner, actor=actor, action="landscape.import.completed", data=data)
            else:
                logger.info("landscape import by platform admin %s: %s", getattr(actor, "pk", None), data)
    except _Rollback:
        report.ok = False
        report.errors = errors
        return report
    report.written = True
    return report


_COLUMN_KINDS = {
    "sectors": {TagKind.CATEGORY, TagKind.NACE, TagKind.SECTOR_TAG},
    "emerging_industries": {TagKind.EMERGING},
    "technology_areas": {TagKind.AREA},
}


def _merged_tags(kept: list[tuple[str, str]], new: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The file's tags replace the kinds its columns carry; the record keeps the others."""
    replaced = set().union(*(_COLUMN_KINDS[column] for column in new)) if new else set()
    if "sectors" in new and "emerging_industries" not in new:
        replaced.add(TagKind.EMERGING)  # the sectors column carries the emerging industries it names
    return [tag for tag in kept if tag[0] not in replaced] + [tag for column in new for tag in new[column]]
