"""The fixed vocabularies of the directory: countries, programmes, labels and sectors.

Country names are proper names in each language, so they are translated (Tyskland, Germany).
The numeric code is ISO 3166-1 numeric, the ``id`` that Natural Earth's TopoJSON (world-atlas)
gives each country; the map joins on it. Kosovo has no ISO code and is drawn by its name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override


@dataclass(frozen=True)
class Country:
    code: str
    numeric: str
    name: Promise


COUNTRIES: tuple[Country, ...] = (
    Country("AL", "008", _("Albania")),
    Country("AD", "020", _("Andorra")),
    Country("AT", "040", _("Austria")),
    Country("BA", "070", _("Bosnia and Herzegovina")),
    Country("BE", "056", _("Belgium")),
    Country("BG", "100", _("Bulgaria")),
    Country("BY", "112", _("Belarus")),
    Country("CH", "756", _("Switzerland")),
    Country("CY", "196", _("Cyprus")),
    Country("CZ", "203", _("Czechia")),
    Country("DE", "276", _("Germany")),
    Country("DK", "208", _("Denmark")),
    Country("EE", "233", _("Estonia")),
    Country("ES", "724", _("Spain")),
    Country("FI", "246", _("Finland")),
    Country("FR", "250", _("France")),
    Country("GB", "826", _("United Kingdom")),
    Country("GR", "300", _("Greece")),
    Country("HR", "191", _("Croatia")),
    Country("HU", "348", _("Hungary")),
    Country("IE", "372", _("Ireland")),
    Country("IS", "352", _("Iceland")),
    Country("IT", "380", _("Italy")),
    Country("LI", "438", _("Liechtenstein")),
    Country("LT", "440", _("Lithuania")),
    Country("LU", "442", _("Luxembourg")),
    Country("LV", "428", _("Latvia")),
    Country("MC", "492", _("Monaco")),
    Country("MD", "498", _("Moldova")),
    Country("ME", "499", _("Montenegro")),
    Country("MK", "807", _("North Macedonia")),
    Country("MT", "470", _("Malta")),
    Country("NL", "528", _("Netherlands")),
    Country("NO", "578", _("Norway")),
    Country("PL", "616", _("Poland")),
    Country("PT", "620", _("Portugal")),
    Country("RO", "642", _("Romania")),
    Country("RS", "688", _("Serbia")),
    Country("SE", "752", _("Sweden")),
    Country("SI", "705", _("Slovenia")),
    Country("SK", "703", _("Slovakia")),
    Country("SM", "674", _("San Marino")),
    Country("TR", "792", _("Turkey")),
    Country("UA", "804", _("Ukraine")),
    Country("XK", "", _("Kosovo")),
)
COUNTRY_BY_CODE = {country.code: country for country in COUNTRIES}
# Other names people write in a sheet, beyond the English and Norwegian names.
_COUNTRY_ALIASES = {
    "uk": "GB",
    "greatbritain": "GB",
    "england": "GB",
    "scotland": "GB",
    "czechrepublic": "CZ",
    "holland": "NL",
    "deutschland": "DE",
    "sverige": "SE",
    "suomi": "FI",
    "danmark": "DK",
    "österreich": "AT",
    "schweiz": "CH",
    "españa": "ES",
    "türkiye": "TR",
    "macedonia": "MK",
    "storbritannia": "GB",
}


def _key(value: str) -> str:
    return re.sub(r"[^0-9a-zæøåäöüéèçñ]", "", value.casefold())


def _country_names() -> dict[str, str]:
    names = dict(_COUNTRY_ALIASES)
    for language in ("en", "nb"):
        with override(language):
            names.update({_key(str(country.name)): country.code for country in COUNTRIES})
    return names


def parse_country(value: str) -> str | None:
    """An ISO 3166 alpha-2 code from a code or an English or Norwegian name, or None."""
    text = value.strip()
    if len(text) == 2 and text.upper() in COUNTRY_BY_CODE:
        return text.upper()
    return _country_names().get(_key(text))


def country_name(code: str) -> str:
    country = COUNTRY_BY_CODE.get(code)
    return str(country.name) if country else code


# Norway's national cluster programme (Klyngeprogrammet) and its levels; other countries'
# programmes are kept by the name the record gives them.
NORWEGIAN_PROGRAMMES: dict[str, Promise] = {
    "arena": _("Arena"),
    "arena_pro": _("Arena Pro"),
    "nce": _("Norwegian Centres of Expertise (NCE)"),
    "gce": _("Global Centres of Expertise (GCE)"),
}
_PROGRAMME_WORDS = {
    "arena": "arena",
    "arenapro": "arena_pro",
    "nce": "nce",
    "norwegiancentresofexpertise": "nce",
    "norwegiancentreofexpertise": "nce",
    "gce": "gce",
    "globalcentresofexpertise": "gce",
    "globalcentreofexpertise": "gce",
}


def parse_programme(value: str) -> str:
    """Norway's levels by their code or name; anything else is kept as written."""
    text = value.strip()
    return _PROGRAMME_WORDS.get(_key(text), text)


def programme_name(value: str) -> str:
    label = NORWEGIAN_PROGRAMMES.get(value)
    return str(label) if label is not None else value


# The European Cluster Collaboration Platform's sectoral industries (after the European Cluster
# Observatory's categories) and its emerging industries. Codes are stable; the names translate.
CATEGORIES: dict[str, Promise] = {
    "aerospace": _("Aerospace vehicles and defence"),
    "agricultural": _("Agricultural inputs and services"),
    "apparel": _("Apparel"),
    "automotive": _("Automotive"),
    "biopharmaceuticals": _("Biopharmaceuticals"),
    "business_services": _("Business services"),
    "chemicals": _("Chemical products"),
    "communications": _("Communications equipment and services"),
    "construction": _("Construction products and services"),
    "distribution": _("Distribution and electronic commerce"),
    "education": _("Education and knowledge creation"),
    "electric_power": _("Electric power generation and transmission"),
    "environmental_services": _("Environmental services"),
    "financial_services": _("Financial services"),
    "fishing": _("Fishing and fishing products"),
    "food": _("Food processing and manufacturing"),
    "forestry": _("Forestry"),
    "furniture": _("Furniture"),
    "tourism": _("Hospitality and tourism"),
    "it": _("Information technology and analytical instruments"),
    "lighting": _("Lighting and electrical equipment"),
    "livestock": _("Livestock processing"),
    "marketing_design": _("Marketing, design and publishing"),
    "medical_devices": _("Medical devices"),
    "metalworking": _("Metalworking technology"),
    "mining": _("Mining"),
    "oil_gas": _("Oil and gas production and transportation"),
    "paper": _("Paper and packaging"),
    "performing_arts": _("Performing arts"),
    "plastics": _("Plastics"),
    "production_technology": _("Production technology and heavy machinery"),
    "textiles": _("Textile manufacturing"),
    "transport": _("Transportation and logistics"),
    "metal_manufacturing": _("Upstream metal manufacturing"),
    "water_transport": _("Water transportation"),
    "wood": _("Wood products"),
}
EMERGING: dict[str, Promise] = {
    "advanced_packaging": _("Advanced packaging"),
    "blue_growth": _("Blue growth industries"),
    "creative": _("Creative industries"),
    "digital": _("Digital industries"),
    "environmental": _("Environmental industries"),
    "experience": _("Experience industries"),
    "logistical": _("Logistical services"),
    "medical": _("Medical devices (emerging)"),
    "mobility": _("Mobility technologies"),
    "personalised_health": _("Personalised health"),
}


def _names(table: dict[str, Promise]) -> dict[str, str]:
    names = {_key(code): code for code in table}
    for language in ("en", "nb"):
        with override(language):
            names.update({_key(str(label)): code for code, label in table.items()})
    return names


def parse_category(value: str) -> str | None:
    return _names(CATEGORIES).get(_key(value))


def parse_emerging(value: str) -> str | None:
    return _names(EMERGING).get(_key(value))


NACE_PATTERN = re.compile(r"^(?:nace\s*(?:rev\.?\s*2)?\s*)?(?:[a-u]\s*)?(\d{2})(?:[.\d]*)$", re.IGNORECASE)


def parse_nace_division(value: str) -> str | None:
    """A NACE division ("28") from "28", "C28", "NACE 28.1" or "nace C28"; else None."""
    match = NACE_PATTERN.match(value.strip())
    return match.group(1) if match else None


# NACE Rev. 2 divisions -> the sectoral category above that holds most of their activity, where
# one clearly does (a published profile's sectors are derived from its members' NACE codes,
# klyngekart/partners/publication.py). A division missing here is published as a division only.
NACE_CATEGORY: dict[str, str] = {
    "01": "agricultural",
    "02": "forestry",
    "03": "fishing",
    "05": "mining",
    "06": "oil_gas",
    "07": "mining",
    "08": "mining",
    "09": "oil_gas",
    "10": "food",
    "11": "food",
    "13": "textiles",
    "14": "apparel",
    "16": "wood",
    "17": "paper",
    "18": "marketing_design",
    "19": "oil_gas",
    "20": "chemicals",
    "21": "biopharmaceuticals",
    "22": "plastics",
    "24": "metal_manufacturing",
    "25": "metalworking",
    "26": "it",
    "27": "lighting",
    "28": "production_technology",
    "29": "automotive",
    "30": "aerospace",
    "31": "furniture",
    "32": "medical_devices",
    "35": "electric_power",
    "36": "environmental_services",
    "37": "environmental_services",
    "38": "environmental_services",
    "39": "environmental_services",
    "41": "construction",
    "42": "construction",
    "43": "construction",
    "46": "distribution",
    "47": "distribution",
    "49": "transport",
    "50": "water_transport",
    "51": "transport",
    "52": "transport",
    "53": "transport",
    "55": "tourism",
    "56": "tourism",
    "58": "marketing_design",
    "61": "communications",
    "62": "it",
    "63": "it",
    "64": "financial_services",
    "65": "financial_services",
    "66": "financial_services",
    "69": "business_services",
    "70": "business_services",
    "71": "business_services",
    "72": "education",
    "73": "marketing_design",
    "74": "marketing_design",
    "79": "tourism",
    "85": "education",
    "90": "performing_arts",
}
