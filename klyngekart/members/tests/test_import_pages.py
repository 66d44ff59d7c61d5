import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.importing import ImportReport
from klyngekart.members.models import Membership, PendingImport
from klyngekart.members.tests.conftest import DATA

pytestmark = pytest.mark.django_db


def url(world, path: str = "") -> str:
    return f"/c/{world.cluster.slug}/members/{path}"


def upload(client, world, name: str, content: bytes | None = None):
    data = (DATA / name).read_bytes() if content is None else content
    return client.post(url(world, "import/"), {"file": SimpleUploadedFile(name, data)})


def token_in(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "no confirm form on the page"
    return match.group(1)


def count(world) -> int:
    with scope(world.cluster):
        return Membership.objects.count()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("manager", 200),
        ("staff", 200),
        ("advisor", 403),
        ("board", 403),
        ("contact", 403),
        ("member", 403),
    ],
)
def test_who_may_import(world, login, role, status):
    assert login(world.users[role]).get(url(world, "import/")).status_code == status


def test_upload_shows_a_preview_then_confirm_imports_and_redirects(world, login):
    client = login(world.users["manager"])
    before = count(world)

    preview = upload(client, world, "excel_nb_semicolon_cp1252.csv")

    body = preview.content.decode()
    assert preview.status_code == 200
    assert "Fjordkraft Ørsta AS" in body
    assert "Import 3 members" in body
    assert count(world) == before  # the dry run writes nothing

    done = client.post(url(world, "import/confirm/"), {"token": token_in(preview)})

    assert done.status_code == 302
    assert done["Location"] == url(world)
    assert count(world) == before + 3
    assert "Imported 3 members." in client.get(url(world)).content.decode()


def test_a_file_with_problems_shows_every_row_and_offers_no_import(world, login):
    response = upload(login(world.users["staff"]), world, "bad_rows.csv")

    body = response.content.decode()
    assert "4 rows have problems" in body
    assert 'name="token"' not in body
    assert "99.999" in body


def test_problems_name_the_column_as_the_file_heads_it(world, login):
    content = b"Orgnr;Bedriftsnavn;Hjemmeside\n123;Fjordlaks AS;ikke en adresse\n"
    response = upload(login(world.users["staff"]), world, "members.csv", content)

    cells = re.findall(r"<td>([^<]*)</td>", response.content.decode())
    assert "Orgnr" in cells
    assert "Hjemmeside" in cells
    assert "org_number" not in cells and "website" not in cells


def test_a_problem_in_a_column_the_file_lacks_gets_the_fields_label():
    report = ImportReport(ok=False, created=0, updated=0, errors=[], rows=[], columns={"Orgnr": "org_number"})
    assert report.column_name("org_number") == "Orgnr"
    assert report.column_name("contact_email") == "Contact email"
    assert report.column_name("__all__") == "–"


def test_a_binary_file_gets_a_file_level_message(world, login):
    body = upload(login(world.users["staff"]), world, "picture_renamed.csv").content.decode()
    assert "This is a PNG file" in body


def test_confirm_needs_the_token_from_this_session(world, login):
    client = login(world.users["manager"])
    token = token_in(upload(client, world, "utf8_bom_comma.csv"))

    forged = client.post(url(world, "import/confirm/"), {"token": token + "x"})
    assert forged.status_code == 302 and forged["Location"] == url(world, "import/")
    assert count(world) == 2

    # Someone else's session cannot use the token either.
    other = login(world.users["staff"])
    other.cookies.clear()
    other.force_login(world.users["staff"])
    assert other.post(url(world, "import/confirm/"), {"token": token}).status_code == 302
    assert count(world) == 2


def test_a_token_works_once(world, login):
    client = login(world.users["manager"])
    token = token_in(upload(client, world, "utf8_bom_comma.csv"))
    client.post(url(world, "import/confirm/"), {"token": token})

    again = client.post(url(world, "import/confirm/"), {"token": token})

    assert again.status_code == 302 and again["Location"] == url(world, "import/")
    assert count(world) == 4


def test_confirm_revalidates_against_changes_since_the_dry_run(world, login):
    from klyngekart.members.tests.conftest import make_company, make_membership

    client = login(world.users["manager"])
    token = token_in(upload(client, world, "utf8_bom_comma.csv"))
    make_membership(world.cluster, company=make_company(org_number="912345637"))

    response = client.post(url(world, "import/confirm/"), {"token": token})

    assert response.status_code == 200
    assert "already a member" in response.content.decode()
    assert count(world) == 3


def test_the_pending_file_is_kept_in_the_database_and_removed_after_import(world, login):
    client = login(world.users["manager"])
    token = token_in(upload(client, world, "utf8_bom_comma.csv"))
    with scopes_disabled():
        assert list(PendingImport.objects.values_list("token", flat=True)) == [token]

    client.post(url(world, "import/confirm/"), {"token": token})

    with scopes_disabled():
        assert not PendingImport.objects.exists()


def test_another_user_cannot_confirm_someone_elses_upload(world, login, client):
    token = token_in(upload(login(world.users["manager"]), world, "utf8_bom_comma.csv"))
    client.logout()
    staff = login(world.users["staff"])
    staff.post(url(world, "import/confirm/"), {"token": token})
    with scopes_disabled():
        assert PendingImport.objects.count() == 1
        assert not Membership.objects.filter(company__name__icontains="Nordlys").exists()


def test_the_template_has_the_norwegian_headers_and_imports_cleanly(world, login):
    from klyngekart.members.importing import import_members

    response = login(world.users["staff"]).get(url(world, "import/template.csv"))

    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbfOrganisasjonsnummer;Navn;N\xc3\xa6ringskode")
    report = import_members(
        cluster=world.cluster, actor=None, filename="mal.csv", content=response.content, dry_run=True
    )
    assert report.ok, report.errors
