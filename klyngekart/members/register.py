"""Enhetsregisteret: Brønnøysundregistrene's open register of Norwegian companies.

``lookup(org_number)`` reads one unit from ``{KLYNGEKART_BRREG_URL}/enheter/{org_number}`` with
the standard library, a short timeout and no credentials (the register is open). It answers a
``RegisterEntry`` (an active, bankrupt, winding-up or deleted company: deleted units answer
410 Gone with their deletion date), or raises ``RegisterNotFound`` (404) or
``RegisterUnavailable`` (turned off, unreachable, slow, or an answer we cannot read). Pages and the
API show the latter plainly and let the user type the facts in; nothing fails because of it.

After a failure the register counts as unavailable for a minute, so a page does not wait for the
timeout on every click while it is down. Entries are cached for ten minutes: the confirm step of a
refresh applies exactly what the user was shown without asking again."""

from __future__ import annotations

import datetime
import http.client
import json
import logging
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from klyngekart.members.models import RegisterStatus
from klyngekart.members.validators import normalise_org_number, validate_org_number
from klyngekart.taxonomy.nace import lookup_nace
from klyngekart.taxonomy.regions import ABROAD, COUNTIES

logger = logging.getLogger(__name__)

ENTRY_SECONDS = 600
DOWN_SECONDS = 60
_DOWN_KEY = "members:brreg:down"
# Largest answer read: a unit is a few kilobytes.
_MAX_BYTES = 256 * 1024
# Legal forms written in capitals in a company's name (AS, ASA, NUF ...).
_LEGAL_FORMS = frozenset(
    {
        "AS",
        "ASA",
        "ANS",
        "DA",
        "SA",
        "NUF",
        "BA",
        "KS",
        "IKS",
        "SF",
        "HF",
        "KF",
        "ENK",
        "FLI",
        "STI",
        "SE",
        "BBL",
    }
)
_SMALL_WORDS = frozenset({"og", "i", "på", "for", "av", "til", "med", "under", "ved"})
_COUNTY_CODES = {code for code, _name in COUNTIES}


class RegisterError(Exception):
    """Why a lookup gave no entry, in words for the user."""

    message: Any = ""

    def __str__(self) -> str:
        return str(self.message)


class RegisterUnavailable(RegisterError):
    message = _("Enhetsregisteret is not answering right now; please fill in the details yourself.")


class RegisterNotFound(RegisterError):
    message = _(
        "Enhetsregisteret has no company with this organisation number. If it is the number of a "
        "sub-unit (a branch), use the number of the company it belongs to."
    )


@dataclass(frozen=True)
class RegisterEntry:
    """One company as Enhetsregisteret states it, in the shape of our company facts."""

    org_number: str
    status: str
    status_on: datetime.date | None = None
    name: str = ""
    legal_form: str = ""
    nace_code: str = ""
    # The register's code and description as given, also when the code is not in our list.
    nace_stated: str = ""
    address: str = ""
    municipality: str = ""
    region: str = ""
    employees: int | None = None
    website: str = ""

    @property
    def is_deleted(self) -> bool:
        return self.status == RegisterStatus.DELETED

    @property
    def warning(self) -> bool:
        return self.status != RegisterStatus.ACTIVE

    def get_status_display(self) -> str:
        return str(RegisterStatus(self.status).label)

    def facts(self) -> dict[str, Any]:
        """The company facts the register states (see members.models.FACT_FIELDS). What it leaves
        out (no head count registered, no website) is not a statement that there is none."""
        stated: dict[str, Any] = {
            "name": self.name,
            "nace_code": self.nace_code,
            "employees": self.employees,
            "municipality": self.municipality,
            "region": self.region,
            "website": self.website,
        }
        return {name: value for name, value in stated.items() if value not in ("", None)}


def enabled() -> bool:
    return bool(settings.KLYNGEKART_BRREG_ENABLED)


def available() -> bool:
    """Turned on, and not found down within the last minute."""
    return enabled() and not cache.get(_DOWN_KEY)


def _entry_key(org_number: str) -> str:
    return f"members:brreg:entry:{org_number}"


def clean_org_number(value: object) -> str:
    """The nine digits, or a ValidationError saying what is wrong (format or check digit)."""
    digits = normalise_org_number(value)
    validate_org_number(digits)
    return digits


def lookup(org_number: object, *, fresh: bool = False) -> RegisterEntry:
    """The company ``org_number`` in Enhetsregisteret. ``fresh`` skips the ten-minute cache."""
    digits = clean_org_number(org_number)
    if not enabled():
        raise RegisterUnavailable()
    if not fresh:
        cached = cache.get(_entry_key(digits))
        if isinstance(cached, RegisterEntry):
            return cached
    if cache.get(_DOWN_KEY):
        raise RegisterUnavailable()
    status, body = _fetch(digits)
    if status == 404:
        raise RegisterNotFound()
    if status == 410:
        entry = _deleted_entry(digits, body)
    elif status == 200:
        entry = _entry(digits, body)
    else:
        _mark_down(f"HTTP {status}")
        raise RegisterUnavailable()
    cache.set(_entry_key(digits), entry, ENTRY_SECONDS)
    return entry


def _mark_down(reason: str) -> None:
    logger.warning("Enhetsregisteret unavailable: %s", reason)
    cache.set(_DOWN_KEY, True, DOWN_SECONDS)


def _fetch(org_number: str) -> tuple[int, dict[str, Any]]:
    """The status and JSON body of the register's answer; RegisterUnavailable if there is none."""
    url = f"{settings.KLYNGEKART_BRREG_URL.rstrip('/')}/enheter/{org_number}"
    request = urllib.request.Request(  # noqa: S310  # the base URL is a setting, always http(s)
        url, headers={"Accept": "application/json", "User-Agent": "Klyngekart"}
    )
    if not url.startswith(("https://", "http://")):
        raise RegisterUnavailable()
    try:
        with urllib.request.urlopen(request, timeout=settings.KLYNGEKART_BRREG_TIMEOUT) as response:  # noqa: S310
            status, raw = response.status, response.read(_MAX_BYTES)
    except urllib.error.HTTPError as error:
        status = error.code
        try:
            raw = error.read(_MAX_BYTES)
        except (OSError, http.client.HTTPException):
            raw = b""
        finally:
            error.close()
        if status in (404, 410):
            return status, _json(raw)
        _mark_down(f"HTTP {status}")
        raise RegisterUnavailable() from error
    except (OSError, http.client.HTTPException, ValueError) as error:
        # URLError, timeouts and refused connections are all OSErrors.
        _mark_down(repr(error))
        raise RegisterUnavailable() from error
    if status != 200:
        return status, {}
    body = _json(raw)
    if not body:
        _mark_down("unreadable answer")
        raise RegisterUnavailable()
    return status, body


def _json(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw.decode("utf-8")) if raw else {}
    except (UnicodeDecodeError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _deleted_entry(org_number: str, body: dict[str, Any]) -> RegisterEntry:
    return RegisterEntry(
        org_number=org_number, status=RegisterStatus.DELETED, status_on=_date(body.get("slettedato"))
    )


def _status(body: dict[str, Any]) -> tuple[str, datetime.date | None]:
    if body.get("slettedato"):
        return RegisterStatus.DELETED, _date(body.get("slettedato"))
    if body.get("konkurs"):
        return RegisterStatus.BANKRUPT, _date(body.get("konkursdato"))
    if body.get("underTvangsavviklingEllerTvangsopplosning"):
        return RegisterStatus.FORCED_DISSOLUTION, None
    if body.get("underAvvikling"):
        return RegisterStatus.WINDING_UP, _date(body.get("underAvviklingDato"))
    return RegisterStatus.ACTIVE, None


def _tidy_word(word: str, *, first: bool, legal_forms: bool = True) -> str:
    if legal_forms and word in _LEGAL_FORMS:
        return word
    if not first and word.lower() in _SMALL_WORDS:
        return word.lower()
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def tidy_name(value: str) -> str:
    """'HAVBRUKSTEKNIKK OG SØNN AS' -> 'Havbruksteknikk og Sønn AS'. The register writes names in
    capitals; a name already in mixed case is left as it is."""
    text = " ".join((value or "").split())
    if not text or not text.isupper():
        return text
    words = text.split(" ")
    return " ".join(_tidy_word(word, first=index == 0) for index, word in enumerate(words))


def _tidy_place(value: str) -> str:
    text = " ".join((value or "").split())
    if not text.isupper():
        return text
    words = text.split(" ")
    return " ".join(_tidy_word(word, first=index == 0, legal_forms=False) for index, word in enumerate(words))


def _website(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    if not re.match(r"^https?://", text, flags=re.IGNORECASE):
        text = f"https://{text}"
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        return ""
    return text if len(text) <= 200 else ""


def _employees(body: dict[str, Any]) -> int | None:
    count = body.get("antallAnsatte")
    if body.get("harRegistrertAntallAnsatte") is False:
        return None
    return count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None


def _address(place: dict[str, Any]) -> str:
    lines = [str(line).strip() for line in place.get("adresse") or [] if str(line).strip()]
    town = " ".join(
        part
        for part in (str(place.get("postnummer") or ""), _tidy_place(str(place.get("poststed") or "")))
        if part
    )
    if place.get("landkode") not in (None, "", "NO") and place.get("land"):
        town = ", ".join(part for part in (town, str(place["land"])) if part)
    return ", ".join([*lines, town] if town else lines)[:300]


def _region(place: dict[str, Any]) -> str:
    if place.get("landkode") not in (None, "", "NO"):
        return ABROAD
    number = str(place.get("kommunenummer") or "")
    return number[:2] if number[:2] in _COUNTY_CODES else ""


def _entry(org_number: str, body: dict[str, Any]) -> RegisterEntry:
    status, status_on = _status(body)
    # A company's business address; a unit without one (some associations) has a postal one.
    place = body.get("forretningsadresse") or body.get("postadresse") or {}
    if not isinstance(place, dict):
        place = {}
    industry = body.get("naeringskode1") or {}
    if not isinstance(industry, dict):
        industry = {}
    stated_code = str(industry.get("kode") or "")
    nace = lookup_nace(stated_code) if stated_code else None
    legal_form = body.get("organisasjonsform") or {}
    return RegisterEntry(
        org_number=org_number,
        status=status,
        status_on=status_on,
        name=tidy_name(str(body.get("navn") or ""))[:200],
        legal_form=str(legal_form.get("beskrivelse") or "") if isinstance(legal_form, dict) else "",
        nace_code=nace.code if nace else "",
        nace_stated=" ".join(part for part in (stated_code, str(industry.get("beskrivelse") or "")) if part),
        address=_address(place),
        municipality=_tidy_place(str(place.get("kommune") or ""))[:100],
        region=_region(place),
        employees=_employees(body),
        website=_website(body.get("hjemmeside")),
    )


def cached(org_number: str) -> RegisterEntry | None:
    """The entry looked up for ``org_number`` within the last ten minutes, without asking again."""
    entry = cache.get(_entry_key(org_number)) if org_number else None
    return entry if isinstance(entry, RegisterEntry) else None
