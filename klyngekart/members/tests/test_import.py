import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.importing import import_members
from klyngekart.members.models import Company, Contact, Membership
from klyngekart.members.tests.conftest import DATA, make_company, make_membership

pytestmark = pytest.mark.django_db


def run(world, name: str, *, dry_run: bool = True, content: bytes | None = None):
    data = (DATA / name).read_bytes() if content is None else content
    return import_members(
        cluster=world.cluster, actor=world.users["manager"], filename=name, content=data, dry_run=dry_run
    )


def errors_of(report) -> set[tuple[int, str]]:
    return {(error.row, error.field) for error in report.errors}


def member_count(world) -> int:
    with scope(world.cluster):
        return Membership.objects.count()


def test_a_norwegian_excel_file_in_windows_1252_with_semicolons_is_imported(world):
    report = run(world, "excel_nb_semicolon_cp1252.csv", dry_run=False)

    assert report.errors == []
    assert report.ok and report.written
    assert (report.created, report.updated) == (3, 0)
    with scope(world.cluster):
        member = Membership.objects.select_related("company").get(company__org_number="912345602")
        contact = Contact.objects.get(membership=member)
    company = member.company
    assert company.name == "Fjordkraft Ørsta AS"
    assert company.municipality == "Ørsta"
    assert company.region == "15"
    assert company.nace_code == "25.110"
    assert company.nace_section == "C"
    assert company.website == "https://www.fjordkraft-orsta.no"
    assert member.joined_on == datetime.date(2024, 1, 31)
    assert member.annual_fee == Decimal("12500.00")
    assert (contact.name, contact.email, contact.is_primary) == ("Åse Bøe", "ase@fjordkraft-orsta.no", True)
    with scope(world.cluster):
        second = Membership.objects.get(company__org_number="912345610")
    assert second.annual_fee == Decimal("25000.50")
    assert second.joined_on == datetime.date(2023, 6, 1)
    assert second.company.region == "15"  # "15" as a county number


def test_a_utf8_file_with_bom_commas_and_english_headers_is_imported(world):
    report = run(world, "utf8_bom_comma.csv", dry_run=False)

    assert report.ok, report.errors
    with scope(world.cluster):
        member = Membership.objects.select_related("company").get(company__org_number="912345637")
    # The quoted comma stays in the name and the BOM does not leak into the first header.
    assert member.company.name == "Nordlys Data, Tromsø"
    assert member.company.region == "55"
    assert member.company.size_class == "micro"
    assert report.columns["org_number"] == "org_number"


def test_a_bronnoysund_download_is_read_as_it_is(world):
    report = run(world, "bronnoysund_enhetsregisteret.csv", dry_run=False)

    assert report.ok, report.errors
    with scope(world.cluster):
        ocean = Membership.objects.select_related("company").get(company__org_number="912345653").company
        engineers = Membership.objects.select_related("company").get(company__org_number="912345661").company
    assert ocean.municipality == "Ålesund"
    assert ocean.region == "15"  # from municipality number 1508
    assert ocean.nace_code == "03.211"
    assert ocean.employees == 35
    assert engineers.region == "46"
    assert engineers.employees is None
    # The description column of the NACE code is not mistaken for the code.
    assert "Næringskode 1.beskrivelse" in report.ignored_columns


def test_every_bad_row_is_reported_with_its_row_and_column(world):
    report = run(world, "bad_rows.csv", dry_run=False)

    assert not report.ok
    assert not report.written
    assert errors_of(report) == {
        (3, "org_number"),  # check digit
        (4, "org_number"),  # too short
        (5, "org_number"),  # missing
        (6, "name"),
        (6, "nace_code"),
        (6, "employees"),
        (6, "joined_on"),
        (6, "contact_email"),
    }
    messages = {(e.row, e.field): e.message for e in report.errors}
    assert "check digit" in messages[(3, "org_number")]
    assert "nine digits" in messages[(4, "org_number")]
    assert "99.999" in messages[(6, "nace_code")]
    # Nothing is written, not even the good row 2.
    with scopes_disabled():
        assert not Company.objects.filter(org_number="912345688").exists()


def test_duplicates_within_the_file_are_reported_on_the_later_row(world):
    report = run(world, "duplicates.csv")

    assert errors_of(report) == {(4, "org_number")}
    assert "row 2" in report.errors[0].message


def test_a_company_already_in_the_cluster_is_reported(world):
    make_membership(world.cluster, company=make_company(org_number="912345718"))

    report = run(world, "duplicates.csv")

    assert (2, "org_number") in errors_of(report)
    assert any("already a member" in e.message for e in report.errors if e.row == 2)


def test_a_company_from_another_cluster_is_linked_and_neither_read_nor_overwritten(world, other_world):
    shared = make_company(org_number="912345602", name="Fjordkraft Ørsta (registrert)", municipality="")
    theirs = make_membership(other_world.cluster, company=shared)

    report = run(world, "excel_nb_semicolon_cp1252.csv", dry_run=False)

    assert report.ok, report.errors
    assert (report.created, report.updated) == (3, 0)
    shared.refresh_from_db()
    assert (shared.name, shared.municipality) == ("Fjordkraft Ørsta (registrert)", "")
    with scopes_disabled():
        assert Membership.objects.filter(company=shared).count() == 2
        ours = Membership.objects.get(cluster=world.cluster, company=shared)
        theirs.refresh_from_db()
    assert (ours.municipality, theirs.municipality) == ("Ørsta", "")
    assert ours.name != theirs.name == "Fjordkraft Ørsta (registrert)"


def test_one_bad_row_writes_nothing_even_when_not_a_dry_run(world):
    good = (DATA / "excel_nb_semicolon_cp1252.csv").read_bytes()
    bad = good + "912345734;Dårlig;62.100;mange;;;;;;;;;\r\n".encode("cp1252")
    before = member_count(world)

    report = run(world, "mixed.csv", dry_run=False, content=bad)

    assert not report.ok
    assert errors_of(report) == {(5, "employees")}
    assert member_count(world) == before
    with scopes_disabled():
        assert not Company.objects.filter(org_number="912345602").exists()
        assert not AuditLog.objects.filter(action="members.import.completed").exists()


def test_a_dry_run_counts_but_writes_nothing(world):
    before = member_count(world)

    report = run(world, "excel_nb_semicolon_cp1252.csv", dry_run=True)

    assert report.ok and not report.written
    assert report.created == 3
    assert [row.row for row in report.rows] == [2, 3, 4]
    assert member_count(world) == before


def test_the_completed_import_is_in_the_audit_log(world):
    run(world, "utf8_bom_comma.csv", dry_run=False)

    with scope(world.cluster):
        entry = AuditLog.objects.get(action="members.import.completed")
        created = AuditLog.objects.filter(action="members.membership.created").count()
    assert entry.data == {"filename": "utf8_bom_comma.csv", "created": 2, "updated": 0}
    assert entry.actor == world.users["manager"]
    assert created == 2


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", None, "empty"),
        ("picture_renamed.csv", None, "PNG"),
        ("report.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF"),
        ("members.xlsx", b"Organisasjonsnummer;Navn\n", ".xlsx"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), ".xls"),
        ("no_header.csv", None, "header"),
        ("only_header.csv", b"orgnr;navn\n\n", "no members"),
        ("binary.csv", bytes(range(256)) * 20, "not a CSV"),
    ],
)
def test_files_that_cannot_be_imported_get_one_clear_file_error(world, name, content, expected):
    report = run(world, name, content=content)

    assert not report.ok
    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.row, error.field) == (0, "file")
    assert expected in error.message


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(world, settings):
    settings.KLYNGEKART_IMPORT_MAX_BYTES = 1024
    report = run(world, "big.csv", content=b"orgnr;navn\n" + b"912345602;A\n" * 200)

    assert errors_of(report) == {(0, "file")}
    assert "too big" in report.errors[0].message


def test_a_file_with_too_many_rows_is_refused(world, settings):
    settings.KLYNGEKART_IMPORT_MAX_ROWS = 2
    report = run(world, "excel_nb_semicolon_cp1252.csv")

    assert errors_of(report) == {(0, "file")}
    assert "too many rows" in report.errors[0].message


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_excel_workbook_with_a_title_row_numbers_floats_and_dates_is_imported(world):
    content = xlsx_bytes(
        [
            ["Medlemsliste for klyngen"],
            ["Org. nr.", "Firmanavn", "NACE", "Ansatte", "Innmeldt", "Kontingent", "Region"],
            # openpyxl gives Excel dates as naive datetimes: a spreadsheet has no time zone.
            [912345696, "Excel Industri AS", 62.1, 30.0, datetime.datetime(2022, 5, 17), 15000, "Agder"],  # noqa: DTZ001
            [],
            ["912345718", "Tomrom Etter AS", "25.110", None, "17.05.2022", "7 500,00", None],
        ]
    )

    report = run(world, "medlemmer.xlsx", content=content, dry_run=False)

    assert report.ok, report.errors
    assert [row.row for row in report.rows] == [3, 5]
    with scope(world.cluster):
        first = Membership.objects.select_related("company").get(company__org_number="912345696")
        second = Membership.objects.get(company__org_number="912345718")
    assert first.company.employees == 30
    assert first.company.region == "42"
    assert first.joined_on == datetime.date(2022, 5, 17)
    assert first.annual_fee == Decimal("15000.00")
    assert second.annual_fee == Decimal("7500.00")


def test_row_numbers_in_an_excel_file_point_at_the_spreadsheet_rows(world):
    content = xlsx_bytes([["orgnr", "navn"], ["912345696", "God AS"], ["912345690", "Feil AS"]])

    report = run(world, "m.xlsx", content=content)

    assert errors_of(report) == {(3, "org_number")}


def test_a_renamed_zip_that_is_not_a_workbook_is_a_file_error(world):
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    report = run(world, "members.xlsx", content=buffer.getvalue())

    assert errors_of(report) == {(0, "file")}


def test_the_dry_run_finds_what_only_the_models_refuse(world, english):
    """The row check knew some lengths, not all: a 230-character web address and a 260-character
    email passed the dry run, and the real import then failed on them."""
    from klyngekart.members.tests.factories import valid_org_number

    website = "www.fjordkraft.no/" + "a" * 212
    email = "kari@" + "b" * 251 + ".no"
    content = "\r\n".join(
        [
            "Organisasjonsnummer;Navn;Hjemmeside;Kontaktperson;E-post;Nivå",
            f"{valid_org_number(8_200_001)};Lang Adresse AS;{website};Kari;kari@example.no;Gull",
            f"{valid_org_number(8_300_001)};Lang Epost AS;;Kari;{email};Gull",
            f"{valid_org_number(8_400_001)};Kort AS;www.kort.no;Ola;ola@kort.no;Sølv",
        ]
    ).encode("utf-8")
    before = member_count(world)

    dry = run(world, "medlemmer.csv", content=content)
    real = run(world, "medlemmer.csv", content=content, dry_run=False)

    assert not dry.ok
    assert errors_of(dry) == {(2, "website"), (3, "contact_email")}
    assert "at most 200 characters" in next(e.message for e in dry.errors if e.field == "website")
    assert errors_of(real) == errors_of(dry) and not real.written
    assert member_count(world) == before
