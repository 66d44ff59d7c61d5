"""Fictional but plausible cluster profiles for the demo (300) and the scale data (3,000).

Deterministic: the same seed gives the same directory. Every profile is marked ``fictional`` and
its website is under .example (RFC 2606), so none can be mistaken for a real cluster."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils.text import slugify

from klyngekart.landscape.models import ClusterProfile, Label, TagKind
from klyngekart.landscape.reference import CATEGORIES, EMERGING
from klyngekart.landscape.services import ProfileData, profiles_bulk_create
from klyngekart.landscape.vocabulary import area_codes

DEMO_COUNT = 300
SCALE_COUNT = 3000
SOURCE = "Klyngekart demo data (fictional)"

# (country, region, NUTS code, cities): a few regions of each country, weighted by how many
# cluster organisations the country has.
PLACES: list[tuple[str, str, str, tuple[str, ...], int]] = [
    ("NO", "Vestland", "NO0A", ("Bergen", "Førde", "Stord"), 5),
    ("NO", "Trøndelag", "NO06", ("Trondheim", "Steinkjer"), 4),
    ("NO", "Rogaland", "NO0A", ("Stavanger", "Haugesund"), 4),
    ("NO", "Nordland", "NO07", ("Bodø", "Mo i Rana", "Narvik"), 3),
    ("NO", "Oslo", "NO08", ("Oslo",), 4),
    ("NO", "Møre og Romsdal", "NO0A", ("Ålesund", "Molde"), 3),
    ("NO", "Agder", "NO09", ("Kristiansand", "Arendal"), 2),
    ("SE", "Västra Götaland", "SE23", ("Göteborg", "Borås"), 4),
    ("SE", "Skåne", "SE22", ("Malmö", "Lund"), 3),
    ("SE", "Stockholm", "SE11", ("Stockholm",), 4),
    ("DK", "Midtjylland", "DK04", ("Aarhus", "Herning"), 3),
    ("DK", "Hovedstaden", "DK01", ("København",), 3),
    ("FI", "Uusimaa", "FI1B", ("Helsinki", "Espoo"), 3),
    ("FI", "Pirkanmaa", "FI19", ("Tampere",), 2),
    ("DE", "Bayern", "DE2", ("München", "Nürnberg", "Regensburg"), 6),
    ("DE", "Baden-Württemberg", "DE1", ("Stuttgart", "Karlsruhe", "Freiburg"), 6),
    ("DE", "Nordrhein-Westfalen", "DEA", ("Köln", "Dortmund", "Aachen"), 5),
    ("DE", "Hamburg", "DE6", ("Hamburg",), 3),
    ("FR", "Auvergne-Rhône-Alpes", "FRK", ("Lyon", "Grenoble"), 5),
    ("FR", "Occitanie", "FRJ", ("Toulouse", "Montpellier"), 4),
    ("FR", "Bretagne", "FRH", ("Rennes", "Brest"), 3),
    ("ES", "Cataluña", "ES51", ("Barcelona", "Tarragona"), 5),
    ("ES", "País Vasco", "ES21", ("Bilbao", "San Sebastián"), 4),
    ("IT", "Lombardia", "ITC4", ("Milano", "Bergamo"), 4),
    ("IT", "Emilia-Romagna", "ITH5", ("Bologna", "Modena"), 3),
    ("AT", "Oberösterreich", "AT31", ("Linz",), 3),
    ("AT", "Steiermark", "AT22", ("Graz",), 2),
    ("NL", "Noord-Brabant", "NL41", ("Eindhoven", "Tilburg"), 3),
    ("NL", "Zuid-Holland", "NL33", ("Rotterdam", "Delft"), 3),
    ("BE", "Vlaanderen", "BE2", ("Gent", "Antwerpen"), 3),
    ("PL", "Mazowieckie", "PL9", ("Warszawa",), 3),
    ("PL", "Śląskie", "PL22", ("Katowice", "Gliwice"), 3),
    ("CZ", "Jihomoravský kraj", "CZ06", ("Brno",), 2),
    ("PT", "Norte", "PT11", ("Porto", "Braga"), 3),
    ("IE", "Southern", "IE05", ("Cork", "Limerick"), 2),
    ("EE", "Harjumaa", "EE00", ("Tallinn",), 2),
    ("LT", "Vilniaus apskritis", "LT01", ("Vilnius",), 1),
    ("IS", "Höfuðborgarsvæðið", "IS00", ("Reykjavík",), 1),
    ("HU", "Közép-Magyarország", "HU1", ("Budapest",), 2),
    ("SI", "Zahodna Slovenija", "SI04", ("Ljubljana",), 1),
    ("GR", "Kentriki Makedonia", "EL52", ("Thessaloniki",), 1),
    ("RO", "Nord-Vest", "RO11", ("Cluj-Napoca",), 2),
]
PROGRAMMES: dict[str, list[tuple[str, str]]] = {
    "NO": [("arena", ""), ("arena_pro", ""), ("nce", ""), ("gce", "")],
    "DE": [("go-cluster", "Exzellenz"), ("Spitzencluster", "")],
    "FR": [("Pôles de compétitivité", "")],
    "SE": [("Vinnväxt", "")],
    "ES": [("AEI – Agrupaciones Empresariales Innovadoras", "")],
    "DK": [("Klyngeudvikling Danmark", "National klyngeorganisation")],
    "AT": [("Cluster-Plattform Österreich", "")],
    "PL": [("Krajowe Klastry Kluczowe", "")],
    "IT": [("Cluster Tecnologici Nazionali", "")],
}
THEMES: list[tuple[str, str, tuple[str, ...]]] = [
    # (name word, category, competence areas it is strong in: prefixes of our taxonomy codes)
    ("Maritime", "water_transport", ("green", "tech")),
    ("Ocean Technology", "oil_gas", ("tech", "digital")),
    ("Seafood", "fishing", ("operations", "green")),
    ("Aquaculture", "fishing", ("green", "tech")),
    ("Food", "food", ("operations", "market")),
    ("Automotive", "automotive", ("tech", "digital")),
    ("Aerospace", "aerospace", ("tech", "management")),
    ("Health Tech", "medical_devices", ("digital", "tech")),
    ("Life Science", "biopharmaceuticals", ("tech", "management")),
    ("Energy", "electric_power", ("green", "tech")),
    ("Hydrogen", "electric_power", ("green", "tech")),
    ("Smart Materials", "plastics", ("tech", "green")),
    ("Wood", "wood", ("green", "operations")),
    ("Digital", "it", ("digital", "management")),
    ("AI", "it", ("digital",)),
    ("Logistics", "transport", ("operations", "digital")),
    ("Tourism", "tourism", ("market", "management")),
    ("Creative", "marketing_design", ("market", "digital")),
    ("Construction", "construction", ("green", "operations")),
    ("Metal", "metalworking", ("tech", "operations")),
    ("Textile", "textiles", ("green", "market")),
    ("Photonics", "lighting", ("tech",)),
    ("Cleantech", "environmental_services", ("green",)),
    ("Agrifood", "agricultural", ("green", "market")),
]
PATTERNS = [
    "{theme} Cluster {place}",
    "{place} {theme} Cluster",
    "{theme} Valley {place}",
    "{place} {theme} Network",
    "{theme} Alliance {place}",
    "{place} {theme} Hub",
    "Cluster {theme} {place}",
]


def _acronym(name: str) -> str:
    return "".join(word[0] for word in name.replace("-", " ").split() if word[0].isalpha()).upper()[:8]


def generate(count: int, *, seed: int = 15, today: date | None = None, prefix: str = "") -> list[ProfileData]:
    """``count`` fictional profiles. Names are unique within one call (a number is added where
    a pattern repeats), and every website is distinct."""
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    today = today or date(2026, 1, 1)
    places = [place for place in PLACES for _ in range(place[4])]
    codes = area_codes()
    emerging = list(EMERGING)
    categories = list(CATEGORIES)
    seen: dict[str, int] = {}
    items = []
    for index in range(count):
        country, region, nuts, cities, _weight = rng.choice(places)
        city = rng.choice(cities)
        theme, category, strengths = rng.choice(THEMES)
        name = rng.choice(PATTERNS).format(theme=theme, place=rng.choice((city, region)))
        name = f"{prefix}{name}"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name} {seen[name]}"
        label = rng.choices([Label.NONE, Label.BRONZE, Label.SILVER, Label.GOLD], weights=[45, 35, 12, 8])[0]
        valid_until = None
        if label != Label.NONE:
            # About one label in five has run out: the directory shows it as expired.
            valid_until = today + timedelta(days=rng.randint(-700, 900))
        programme, level = ("", "")
        if country in PROGRAMMES and rng.random() < 0.7:
            programme, level = rng.choice(PROGRAMMES[country])
        sme = rng.randint(8, 180)
        tags: list[tuple[str, str]] = [(TagKind.CATEGORY, category)]
        tags += [(TagKind.CATEGORY, code) for code in rng.sample(categories, rng.randint(0, 2))]
        tags += [(TagKind.NACE, f"{rng.choice([10, 20, 22, 25, 26, 28, 29, 30, 33, 62, 71, 72]):02d}")]
        if rng.random() < 0.5:
            tags.append((TagKind.EMERGING, rng.choice(emerging)))
        if rng.random() < 0.15:
            tags.append(
                (TagKind.SECTOR_TAG, rng.choice(["Circular economy", "Arctic", "Offshore wind", "Batteries"]))
            )
        strong = [code for code in codes if code.startswith(strengths)] or codes
        tags += [(TagKind.AREA, code) for code in rng.sample(strong, min(len(strong), rng.randint(2, 5)))]
        slug = slugify(name)[:50] or f"cluster-{index}"
        items.append(
            ProfileData(
                fields={
                    "name": name,
                    "acronym": _acronym(name),
                    "country": country,
                    "region": region,
                    "nuts": nuts,
                    "city": city,
                    "website": f"https://{slug}-{index}.example",
                    "founded": rng.randint(1995, 2023),
                    "programme": programme,
                    "programme_level": level,
                    "label": label,
                    "label_valid_until": valid_until,
                    "members_sme": sme,
                    "members_large": rng.randint(0, max(1, sme // 6)),
                    "members_research": rng.randint(1, 15),
                    "members_public": rng.randint(0, 8),
                    "management_fte": Decimal(rng.choice(["0.5", "1", "1.5", "2", "3", "4.5", "6"])),
                    "description": (
                        f"A fictional cluster of {theme.lower()} companies, research groups and public "
                        f"partners around {city}, made for the Klyngekart demo."
                    ),
                    "source": SOURCE,
                    "record_date": today - timedelta(days=rng.randint(0, 400)),
                    "fictional": True,
                },
                tags=tags,
            )
        )
    return items


def load_demo_directory(*, count: int = DEMO_COUNT, seed: int = 15) -> int:
    """The demo's directory, once: nothing is added when fictional demo profiles exist."""
    if ClusterProfile.objects.filter(fictional=True, source=SOURCE).exists():
        return 0
    return profiles_bulk_create(generate(count, seed=seed))


def load_scale_directory(*, count: int = SCALE_COUNT, seed: int = 1) -> int:
    """The scale data's directory: ``count`` more profiles, named apart from the demo's."""
    return profiles_bulk_create(generate(count, seed=seed + 1000, prefix="Scale "))
