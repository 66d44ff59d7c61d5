import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from klyngekart.core.tenancy import scope
from klyngekart.members.exporting import export_csv, export_queryset, safe_csv_cell
from klyngekart.members.importing import import_members
from klyngekart.members.selectors import membership_list
from klyngekart.members.tests.conftest import make_company, make_contact, make_membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile(world):
    membership = make_membership(
        world.cluster,
        company=make_company(name='=HYPERLINK("http://evil.example","Klikk")', municipality="@SUM(A1)"),
        annual_fee=Decimal("12500.50"),
        tier="-1+1",
    )
    make_contact(membership, name="+47 Kari", phone="+4799999999", is_primary=True)
    return membership


def csv_rows(response) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8")), delimiter=";"))


def test_csv_export_is_utf8_with_bom_and_semicolons_and_follows_the_filters(world, login, hostile):
    response = login(world.users["manager"]).get(
        f"/c/{world.cluster.slug}/members/export/", {"format": "csv", "q": "HYPERLINK"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert len(rows) == 2  # header + the one member matching the search


def test_csv_export_defuses_formulas(world, login, hostile):
    response = login(world.users["manager"]).get(f"/c/{world.cluster.slug}/members/export/", {"q": "HYPER"})
    row = csv_rows(response)[1]

    assert row[1] == '\'=HYPERLINK("http://evil.example","Klikk")'
    assert row[6] == "'@SUM(A1)"
    assert row[11] == "'-1+1"
    assert row[12] == "12500,50"
    assert row[13] == "'+47 Kari"
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_safe_csv_cell_prefixes_every_formula_start(value):
    assert safe_csv_cell(value) == "'" + value


def test_xlsx_export_keeps_text_as_text(world, login, hostile):
    response = login(world.users["advisor"]).get(
        f"/c/{world.cluster.slug}/members/export/", {"format": "xlsx", "q": "HYPER"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cell = sheet.cell(row=2, column=2)
    assert cell.value == '=HYPERLINK("http://evil.example","Klikk")'
    assert cell.data_type == "s"  # stored as a string, so no spreadsheet runs it
    assert sheet.cell(row=2, column=13).value == 12500.5
    assert sheet.max_row == 2


def test_an_export_can_be_imported_into_another_cluster(world, other_world):
    make_contact(world.membership, name="Kari Nordmann", email="kari@example.no", is_primary=True)
    with scope(world.cluster):
        content = export_csv(export_queryset(membership_list(cluster=world.cluster)))

    report = import_members(
        cluster=other_world.cluster, actor=None, filename="eksport.csv", content=content, dry_run=True
    )

    assert report.ok, report.errors
    # Both companies exist on the platform already: they are linked by org number, and the
    # report does not say so (that is the other cluster's business).
    assert (report.created, report.updated) == (2, 0)


def test_export_reads_contacts_without_a_query_per_member(world, django_assert_max_num_queries):
    for _ in range(10):
        make_contact(make_membership(world.cluster), is_primary=True)
    with scope(world.cluster), django_assert_max_num_queries(2):
        export_csv(export_queryset(membership_list(cluster=world.cluster)))


@pytest.mark.parametrize("role", ["board", "contact", "member"])
def test_roles_without_export_rights_get_403(world, login, role):
    response = login(world.users[role]).get(f"/c/{world.cluster.slug}/members/export/")
    assert response.status_code == 403
