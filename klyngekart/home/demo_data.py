"""The fictional demo cluster: an aquaculture and maritime cluster on the west coast.

Every company here is invented. Names are written to sound like Norwegian firms so the demo
feels real, org numbers are generated (valid MOD11, fixed seed), and websites live under
example.no, which is reserved and never resolves to anyone's business.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

SEED = 20250611
PASSWORD = "klyngekart-demo"  # noqa: S105 - published on purpose: the demo logins are public
EMAIL_DOMAIN = "demo.klyngekart.no"

CLUSTER = {
    "slug": "demo",
    "name": "Demo Havbruk og Maritim Klynge",
    "short_name": "Demo Havbruk",
    "city": "Bergen",
    "website": "https://klynge.example.no",
    "description": (
        "Demo Havbruk og Maritim Klynge samler oppdrettere, sjømatprodusenter, verft, "
        "utstyrsleverandører, teknologiselskaper og kompetansemiljøer langs kysten fra Rogaland "
        "til Troms. Sammen utvikler vi kompetansen som trengs for en bærekraftig havbruksnæring "
        "og en grønnere maritim sektor: fiskehelse og velferd, digital drift og fjernstyring, "
        "elektrifisering av fartøy og anlegg, og sikker drift til havs. Klyngen er forankret i "
        "Bergen og Vestland og har medlemmer fra små gründerbedrifter til store konsern."
    ),
}


@dataclass(frozen=True)
class DemoCompany:
    name: str
    nace: str
    employees: int
    municipality: str
    region: str


# name, NACE (SN2025), employees, municipality, county. Mostly micro and small firms, as in a
# real cluster, with a handful of medium and large anchors.
COMPANIES: list[DemoCompany] = [
    DemoCompany("Fjordlaks Oppdrett AS", "03.211", 48, "Austevoll", "46"),
    DemoCompany("Vestkyst Marin Elektronikk AS", "26.510", 34, "Bergen", "46"),
    DemoCompany("Havbris Settefisk AS", "03.212", 22, "Kvinnherad", "46"),
    DemoCompany("Nordvik Sjømat AS", "10.202", 140, "Bømlo", "46"),
    DemoCompany("Skjærgård Fôr og Ernæring AS", "10.912", 310, "Bergen", "46"),
    DemoCompany("Bølgetopp Skipsdesign AS", "71.129", 12, "Ålesund", "15"),
    DemoCompany("Sunnmøre Skipsverft AS", "30.110", 420, "Ulstein", "15"),
    DemoCompany("Kystnett Teknologi AS", "62.100", 8, "Bergen", "46"),
    DemoCompany("Straumøy Brønnbåt AS", "50.202", 36, "Øygarden", "46"),
    DemoCompany("Lofotskjær Fiskeforedling AS", "10.203", 65, "Vestvågøy", "18"),
    DemoCompany("Tareskog Biomarin AS", "72.100", 6, "Bodø", "18"),
    DemoCompany("Polarlys Havbruk AS", "03.211", 95, "Senja", "55"),
    DemoCompany("Frøyværing Notservice AS", "03.300", 17, "Frøya", "50"),
    DemoCompany("Hitra Havbrukstjenester AS", "03.300", 28, "Hitra", "50"),
    DemoCompany("Stordbyen Stålkonstruksjon AS", "25.110", 55, "Stord", "46"),
    DemoCompany("Fitjar Fortøyning AS", "13.940", 14, "Fitjar", "46"),
    DemoCompany("Marøy Sensorikk AS", "26.510", 9, "Bergen", "46"),
    DemoCompany("Dypvann Undervannsrobotikk AS", "28.290", 24, "Bergen", "46"),
    DemoCompany("Kvitsøy Havbruk AS", "03.211", 31, "Kvitsøy", "11"),
    DemoCompany("Karmsund Maritime Service AS", "33.150", 72, "Karmøy", "11"),
    DemoCompany("Haugaland Elektro Marin AS", "27.110", 43, "Haugesund", "11"),
    DemoCompany("Ryfylke Rensefisk AS", "03.212", 11, "Hjelmeland", "11"),
    DemoCompany("Stavanger Havdata AS", "62.200", 19, "Stavanger", "11"),
    DemoCompany("Romsdal Sjømat AS", "10.203", 88, "Molde", "15"),
    DemoCompany("Averøy Fiskehelse AS", "72.100", 7, "Averøy", "15"),
    DemoCompany("Herøy Propell og Thruster AS", "28.290", 160, "Herøy", "15"),
    DemoCompany("Hareid Vinsj AS", "33.120", 26, "Hareid", "15"),
    DemoCompany("Smøla Tareforedling AS", "32.990", 5, "Smøla", "15"),
    DemoCompany("Kristiansund Offshore Logistikk AS", "52.220", 58, "Kristiansund", "15"),
    DemoCompany("Vega Skjellsjø AS", "03.211", 4, "Vega", "18"),
    DemoCompany("Helgeland Havbrukslogistikk AS", "50.202", 21, "Alstahaug", "18"),
    DemoCompany("Meløy Smoltproduksjon AS", "03.212", 38, "Meløy", "18"),
    DemoCompany("Saltstraumen Marin Analyse AS", "71.129", 3, "Bodø", "18"),
    DemoCompany("Trondheimsleia Automasjon AS", "33.200", 46, "Trondheim", "50"),
    DemoCompany("Nidaros Sjøsikkerhet AS", "85.592", 8, "Trondheim", "50"),
    DemoCompany("Namsen Fôrlogistikk AS", "52.240", 15, "Namsos", "50"),
    DemoCompany("Tromsø Fisketeknologi AS", "62.100", 12, "Tromsø", "55"),
    DemoCompany("Skjervøy Kaiservice AS", "52.220", 9, "Skjervøy", "55"),
    DemoCompany("Ishavskyst Sjømateksport AS", "46.322", 27, "Tromsø", "55"),
    DemoCompany("Senja Notvask AS", "03.300", 6, "Senja", "55"),
    DemoCompany("Askøy Marin Hydraulikk AS", "33.120", 18, "Askøy", "46"),
    DemoCompany("Bjørnafjorden Havmøller AS", "71.121", 13, "Bjørnafjorden", "46"),
    DemoCompany("Alver Merdteknikk AS", "22.230", 33, "Alver", "46"),
    DemoCompany("Sotra Kystrederi AS", "50.202", 64, "Øygarden", "46"),
    DemoCompany("Bergenhus Sjømatanalyse AS", "72.100", 16, "Bergen", "46"),
    DemoCompany("Nordhordland Kystkompetanse AS", "85.592", 4, "Alver", "46"),
    DemoCompany("Kinn Fartøyelektrifisering AS", "27.110", 22, "Kinn", "46"),
    DemoCompany("Sunnfjord Smoltanlegg AS", "03.221", 19, "Sunnfjord", "46"),
    DemoCompany("Hardanger Skipsreparasjon AS", "33.150", 41, "Kvinnherad", "46"),
    DemoCompany("Bømlo Brønnbåtdesign AS", "71.129", 7, "Bømlo", "46"),
    DemoCompany("Havstrøm Digital AS", "62.100", 5, "Bergen", "46"),
    DemoCompany("Fjordfart Maritim Rådgivning AS", "70.200", 3, "Bergen", "46"),
    DemoCompany("Kystlys Navigasjon AS", "26.300", 11, "Ålesund", "15"),
    DemoCompany("Vestlandsverftet AS", "30.110", 265, "Stord", "46"),
    DemoCompany("Nordsjø Kranservice AS", "33.200", 29, "Øygarden", "46"),
    DemoCompany("Storholmen Leppefisk AS", "03.212", 8, "Austevoll", "46"),
    DemoCompany("Solund Villfisk og Skalldyr AS", "46.322", 6, "Solund", "46"),
    DemoCompany("Oslofjord Havbruksfinans AS", "70.200", 9, "Oslo", "03"),
    DemoCompany("Blåkant Programvare AS", "62.200", 52, "Oslo", "03"),
    DemoCompany("Gulen Fartøyutleie AS", "77.340", 4, "Gulen", "46"),
    DemoCompany("Måløy Fiskemottak AS", "10.202", 74, "Kinn", "46"),
    DemoCompany("Atlanterhavet Laks AS", "03.211", 280, "Averøy", "15"),
    DemoCompany("Rørvik Havbruksteknikk AS", "33.200", 14, "Nærøysund", "50"),
    DemoCompany("Finnsnes Sjøkabel AS", "27.110", 2, "Senja", "55"),
]

# The company whose contact and member user get demo logins. It must stay an active member.
LOGIN_COMPANY = "Fjordlaks Oppdrett AS"
# Memberships that end or pause, so the status filters and "left this year" have something to show.
LEFT = ("Saltstraumen Marin Analyse AS", "Finnsnes Sjøkabel AS", "Gulen Fartøyutleie AS", "Vega Skjellsjø AS")
PAUSED = ("Smøla Tareforedling AS", "Oslofjord Havbruksfinans AS", "Senja Notvask AS")
# Joined this calendar year, so "new members this year" is never zero in the demo.
NEW_THIS_YEAR = (
    "Havstrøm Digital AS",
    "Rørvik Havbruksteknikk AS",
    "Storholmen Leppefisk AS",
    "Kystlys Navigasjon AS",
)

FIRST_NAMES = [
    "Ingrid", "Kari", "Silje", "Marte", "Ida", "Nora", "Hanne", "Tone", "Sigrid", "Eli", "Randi", "Guro",
    "Ola", "Lars", "Jonas", "Per", "Knut", "Eirik", "Magnus", "Håkon", "Sindre", "Terje", "Øyvind", "Arne",
]  # fmt: skip
LAST_NAMES = [
    "Solheim", "Vik", "Lunde", "Aasen", "Myklebust", "Hammersland", "Nesse", "Tveit", "Bjørkli", "Sæther",
    "Grønås", "Rolfsnes", "Kvamme", "Eide", "Haugland", "Strand", "Halvorsen", "Brekke", "Dale", "Moen",
]  # fmt: skip
TITLES = ["Daglig leder", "HR-leder", "Driftsleder", "Teknisk sjef", "Kvalitetsleder", "Markedssjef"]


@dataclass(frozen=True)
class DemoUser:
    key: str
    full_name: str
    role: str  # a ClusterRoleKind, a CompanyRoleKind, or "admin" for the platform admin

    @property
    def email(self) -> str:
        return f"{self.key}@{EMAIL_DOMAIN}"


USERS = [
    DemoUser("manager", "Ingrid Solheim", "manager"),
    DemoUser("staff", "Jonas Vik", "staff"),
    DemoUser("advisor", "Marte Lunde", "advisor"),
    DemoUser("board", "Per Aasen", "board"),
    DemoUser("contact", "Silje Myklebust", "contact"),
    DemoUser("member", "Ola Hammersland", "member"),
    DemoUser("admin", "Klyngekart drift", "admin"),
]


_NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})


def tier_and_fee(employees: int) -> tuple[str, int]:
    """Membership tiers are the cluster's own words, so they stay in Norwegian."""
    if employees < 10:
        return "Basis", 5_000
    if employees < 50:
        return "Basis", 12_000
    if employees < 250:
        return "Utvidet", 30_000
    return "Strategisk partner", 80_000


def ascii_words(text: str, joiner: str = "-") -> str:
    """'Skjærgård Fôr' -> 'skjaergard-for': for example.no host names and e-mail addresses."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_NORWEGIAN_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return joiner.join(text.split())


def slugify_company(name: str) -> str:
    return ascii_words(name.removesuffix(" AS"))


# --- internal mapping: the demo's competence rounds and membership strategies --------------------

# The cluster's own area, added to the default set: in an aquaculture cluster fish health is a
# competence of its own, and the demo shows that a cluster can add areas.
FISH_HEALTH_AREA = {
    "name_nb": "Fiskehelse og fiskevelferd",
    "name_en": "Fish health and welfare",
    "description_nb": (
        "Forebygging og behandling av sykdom og lus, velferdsindikatorer, biosikkerhet og "
        "regelverket for dyrevelferd i oppdrett."
    ),
    "description_en": (
        "Preventing and treating disease and sea lice, welfare indicators, biosecurity and the "
        "animal welfare rules for fish farming."
    ),
    "group": "other",
}

# Short, ordinary challenges with nothing in them that points at a person or a company.
CHALLENGES_NB = [
    "Vanskelig å finne tid til opplæring i travle perioder.",
    "Vi mangler folk som kan bruke dataene fra sensorene på anleggene.",
    "Nye krav til klima- og miljørapportering kommer fortere enn vi rekker å lære dem.",
    "Det er krevende å rekruttere fagfolk hit til distriktet.",
    "Mye av kunnskapen sitter hos noen få erfarne medarbeidere.",
    "Elektrifisering av båter og flåter krever kompetanse vi ikke har i dag.",
    "Vi trenger bedre opplæring i de digitale verktøyene vi allerede har kjøpt.",
    "Kursene ligger ofte langt unna og tar mye reisetid.",
    "Fiskevelferd blir stadig viktigere, men få av oss har fagbakgrunn i det.",
    "Automatisering endrer arbeidsoppgavene raskere enn opplæringen henger med.",
    "Vi er for små til å ha noen som følger opp kompetanse på fulltid.",
    "Internasjonalt salg er en flaskehals når vi skal vokse.",
    "Informasjonssikkerhet er lite kjent blant dem som jobber i produksjonen.",
    "Det mangler en plan for hvem som skal lære hva.",
    "Vanskelig å prioritere kompetanseutvikling når marginene er små.",
    "Vi trenger flere med fagbrev i akvakultur.",
    "Skiftordningen gjør det vanskelig å delta på felles opplæring.",
    "Nye regler for HMS og beredskap krever jevnlig oppfriskning.",
    "Unge ansatte slutter fordi de ikke ser en vei videre i bedriften.",
    "Vi har lite erfaring med å søke støtte til forskning og utvikling.",
]
CHALLENGES_EN = [
    "Hard to find time for training in busy periods.",
    "Electrification projects need skills we do not have yet.",
    "Too much knowledge sits with a few experienced colleagues.",
]

GOAL_TEXTS = {
    "competence": "Styrke kompetansen i driften, særlig på digitale verktøy og dataanalyse.",
    "network": "Bli bedre kjent med andre bedrifter i verdikjeden og dele erfaringer.",
    "rd_innovation": "Komme i gang med et innovasjonsprosjekt sammen med andre medlemmer og FoU-miljøer.",
    "market_access": "Finne nye kunder og samarbeidspartnere i Norge.",
    "international": "Forberede eksport og møte internasjonale kunder på messer.",
    "recruitment": "Bli mer synlige for studenter og fagarbeidere vi trenger å rekruttere.",
    "visibility": "Vise frem det vi gjør for bærekraftig havbruk og grønnere maritim drift.",
}
EXPECTATIONS = [
    "Kurs og samlinger i regionen, gjerne korte og praktiske.",
    "Hjelp til å finne partnere og søke prosjektmidler.",
    "Faglige nettverksmøter for driftsledere et par ganger i året.",
    "Felles opplæring i HMS og beredskap for mindre bedrifter.",
    "En oversikt over kompetansetilbud hos universiteter og fagskoler.",
    "Møteplasser med kunder og leverandører i resten av verdikjeden.",
    "Informasjon om nye krav til rapportering på klima og miljø.",
]
INVOLVED = [
    "Daglig leder og driftsleder.",
    "Ledergruppen, med innspill fra tillitsvalgte.",
    "HR-leder og daglig leder.",
    "Daglig leder.",
    "Teknisk sjef og kvalitetsleder.",
]
REVIEWS = [
    "Samlingene om elektrifisering ga oss kontakter vi bruker i dag.",
    "Vi fikk mindre tid til klyngen enn planlagt, men kursene var nyttige.",
    "Nettverket har vært verdifullt, særlig møtene med andre oppdrettere.",
]
