"""Imports of files as people have them: semicolons, Windows-1252, Excel dates, duplicates, bad rows."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from openpyxl import Workbook

from klyngekart.core.models import AuditLog, Cluster
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.core.tests.factories import ClusterFactory
from klyngekart.landscape.importing import import_profiles
from klyngekart.landscape.models import ClusterProfile, Label, TagKind
from klyngekart.landscape.tests.factories import make_profile

pytestmark = pytest.mark.django_db

NORWEGIAN_CSV = (
    "Navn;Akronym;Land;Fylke;By;Nettside;Etablert;Program;Merke;Gyldig til;Sektorer;Beskrivelse\r\n"
    "Sjømatklyngen Vest;SKV;Norge;Vestland;Bergen;www.sjomat-vest.example;2012;Arena Pro;Gull;31.12.2030;"
    '"Fishing and fishing products; NACE 10; Havvind";Sjømat og havbruk på Vestlandet\r\n'
    "Baltic Wood Cluster;;Latvia;Kurzeme;Liepāja;https://balticwood.example/;2015;;bronse;2020-01-31;"
    "Wood products;\r\n"
)


def _run(content: bytes, filename: str = "klynger.csv", *, owner=None, dry_run=False):  # type: ignore[no-untyped-def]
    return import_profiles(actor=None, owner=owner, filename=filename, content=content, dry_run=dry_run)


def test_a_norwegian_excel_csv_in_windows_1252_with_semicolons() -> None:
    report = _run(NORWEGIAN_CSV.encode("cp1252", errors="replace"))
    assert report.ok, report.errors
    assert (report.created, report.updated) == (2, 0)
    profile = ClusterProfile.objects.get(name="Sjømatklyngen Vest")
    assert (profile.country, profile.programme, profile.label) == ("NO", "arena_pro", Label.GOLD)
    assert profile.label_valid_until == datetime.date(2030, 12, 31)
    assert profile.website == "https://www.sjomat-vest.example"
    assert profile.source == "klynger.csv" and profile.record_date is not None
    tags = set(profile.tags.values_list("kind", "code"))
    # A known sector, a NACE division, and an unknown sector kept as a tag.
    assert tags == {(TagKind.CATEGORY, "fishing"), (TagKind.NACE, "10"), (TagKind.SECTOR_TAG, "Havvind")}
    wood = ClusterProfile.objects.get(name="Baltic Wood Cluster")
    assert wood.label_state() == "expired"


def test_utf8_with_bom_and_commas_and_english_columns() -> None:
    text = "\ufeffname,country,website,label,label_valid_until,members_sme,management_fte\n"
    text += 'Aerospace Valley,FR,aerospace-valley.example,silver,2031-03-01,410,"4,5"\n'
    report = _run(text.encode("utf-8"))
    assert report.ok, report.errors
    profile = ClusterProfile.objects.get()
    assert (profile.members_sme, str(profile.management_fte)) == (410, "4.50")


def test_an_xlsx_with_excel_dates_and_a_json_file() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Country", "Label", "Valid until", "Record date", "Technology areas"])
    sheet.append(
        [
            "Hydrogen Hub",
            "Germany",
            "Bronze",
            datetime.date(2029, 6, 30),
            45292,
            "green-renewable-energy; digital-iot-sensors",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = _run(buffer.getvalue(), "klynger.xlsx")
    assert report.ok, report.errors
    hub = ClusterProfile.objects.get(name="Hydrogen Hub")
    assert hub.label_valid_until == datetime.date(2029, 6, 30)
    assert hub.record_date == datetime.date(2024, 1, 1)  # Excel's serial 45292
    assert set(hub.tags.filter(kind="area").values_list("code", flat=True)) == {
        "green-renewable-energy",
        "digital-iot-sensors",
    }

    data = {
        "clusters": [
            {"name": "Mobility Lab", "country": "SE", "sectors": ["Automotive", "Mobility technologies"]}
        ]
    }
    report = _run(json.dumps(data).encode(), "clusters.json")
    assert report.ok, report.errors
    assert set(ClusterProfile.objects.get(name="Mobility Lab").tags.values_list("code", flat=True)) == {
        "automotive",
        "mobility",
    }


def test_upsert_by_website_then_by_name_and_country() -> None:
    by_site = make_profile(name="Old name", website="https://www.ocean.example/", founded=2001)
    by_name = make_profile(name="Energy Valley", country="NL", website="")
    text = (
        "name;country;website;founded\n"
        "Ocean Cluster;NO;http://ocean.example;2005\n"
        "ENERGY VALLEY;Netherlands;;2009\n"
        "New One;DK;;\n"
    )
    report = _run(text.encode())
    assert report.ok, report.errors
    assert (report.created, report.updated) == (1, 2)
    by_site.refresh_from_db()
    by_name.refresh_from_db()
    assert (by_site.name, by_site.founded) == ("Ocean Cluster", 2005)
    assert by_name.founded == 2009
    assert ClusterProfile.objects.count() == 3


def test_bad_rows_and_duplicates_write_nothing_and_say_where() -> None:
    make_profile(name="Existing", website="https://existing.example")
    text = (
        "name;country;website;founded;label;label_valid_until;technology_areas\n"
        "Good;NO;good.example;2010;gold;2030-01-01;\n"
        ";NO;;;;;\n"
        "Nowhere Cluster;Atlantis;;;;;\n"
        "Copy;NO;https://GOOD.example/;;;;\n"
        "Bad;SE;;1850;platinum;soon;quantum-stuff\n"
    )
    report = _run(text.encode())
    assert not report.ok
    problems = {(error.row, error.field) for error in report.errors}
    assert {
        (3, "name"),
        (4, "country"),
        (5, "website"),
        (6, "founded"),
        (6, "label"),
        (6, "label_valid_until"),
        (6, "technology_areas"),
    } <= problems
    assert ClusterProfile.objects.count() == 1  # all or nothing


def test_a_dry_run_writes_nothing() -> None:
    report = _run(NORWEGIAN_CSV.encode("utf-8"), dry_run=True)
    assert report.ok and report.created == 2 and not report.written
    assert not ClusterProfile.objects.exists()


def test_a_managers_import_owns_its_records_and_cannot_change_anothers() -> None:
    home: Cluster = ClusterFactory(slug="home")  # type: ignore[assignment]
    away: Cluster = ClusterFactory(slug="away")  # type: ignore[assignment]
    theirs = make_profile(name="Theirs", website="https://theirs.example", owner_cluster=away)
    platform = make_profile(name="Platform's", website="https://platform.example")
    text = "name;country;website\nMine;NO;mine.example\n"
    assert _run(text.encode(), owner=home).ok
    assert ClusterProfile.objects.get(name="Mine").owner_cluster == home
    with scopes_disabled():
        assert AuditLog.objects.filter(cluster=home, action="landscape.import.completed").count() == 1

    for other in (theirs, platform):
        report = _run(f"name;country;website\nChanged;NO;{other.website}\n".encode(), owner=home)
        assert not report.ok and report.errors[0].field == "name"
        other.refresh_from_db()
        assert other.name != "Changed"
    # Its own record it may update; a platform admin's import (owner None) may update any.
    assert _run(b"name;country;website\nMine renamed;NO;mine.example\n", owner=home).ok
    assert _run(f"name;country;website\nChanged;NO;{theirs.website}\n".encode()).ok
    theirs.refresh_from_db()
    assert (theirs.name, theirs.owner_cluster) == ("Changed", away)


def test_a_file_that_is_not_a_list_is_refused_as_a_whole() -> None:
    for content, name in ((b"", "x.csv"), (b"{not json", "x.json"), (b"hello;world\n1;2\n", "x.csv")):
        report = _run(content, name)
        assert not report.ok and report.errors[0].row == 0 and report.errors[0].field == "file"


def test_the_headers_of_eccp_and_esca_style_exports() -> None:
    text = (
        "Cluster organisation name,Country,Web page,Year of establishment,Sectoral industries,"
        "Number of SMEs,R&D and education,Cluster management staff (FTE),Label level,Label expiry date\n"
        'Valencia Ceramics Cluster,Spain,www.ceramics.example,2004,"Vulcanised and fired materials; '
        'Construction products and services",85,6,2.5,ESCA Silver Label,30/09/2027\n'
    )
    report = _run(text.encode("utf-8"), "eccp-export.csv")
    assert report.ok, report.errors
    assert not report.ignored_columns
    profile = ClusterProfile.objects.get()
    assert (profile.country, profile.founded, profile.members_sme, profile.members_research) == (
        "ES",
        2004,
        85,
        6,
    )
    assert (profile.label, profile.label_valid_until) == (Label.SILVER, datetime.date(2027, 9, 30))
    tags = set(profile.tags.values_list("kind", "code"))
    # A category we name differently stays as the sector the file wrote.
    assert tags == {
        (TagKind.SECTOR_TAG, "Vulcanised and fired materials"),
        (TagKind.CATEGORY, "construction"),
    }


def test_a_name_in_capitals_with_norwegian_letters_finds_its_record() -> None:
    existing = make_profile(name="Ålesund Øko Klynge", country="NO", website="")
    report = _run("name;country;founded\nÅLESUND ØKO KLYNGE;NO;2011\n".encode())
    assert report.ok and (report.created, report.updated) == (0, 1)
    existing.refresh_from_db()
    assert existing.founded == 2011
