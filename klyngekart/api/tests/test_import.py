from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.members.models import Company, Membership
from klyngekart.members.tests.factories import valid_org_number
from klyngekart.members.tests.test_damaged_files import DAMAGED_UTF16

pytestmark = pytest.mark.django_db

NEW_A = valid_org_number(8_000_001)
NEW_B = valid_org_number(8_100_001)


def csv_file(*rows: str, name: str = "medlemmer.csv") -> SimpleUploadedFile:
    lines = ["Organisasjonsnummer;Navn;Næringskode;Antall ansatte", *rows]
    # Excel's Norwegian CSV export: semicolons, Windows-1252.
    return SimpleUploadedFile(name, "\r\n".join(lines).encode("cp1252"), content_type="text/csv")


def post_import(client, headers, upload, dry_run: str | None = None, slug: str = "alfa"):  # type: ignore[no-untyped-def]
    url = f"/api/v1/clusters/{slug}/members/import"
    if dry_run is not None:
        url += f"?dry_run={dry_run}"
    return client.post(url, {"file": upload}, **{"HTTP_ACCEPT_LANGUAGE": "en", **headers})


def cluster_members(world) -> set[str | None]:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        return set(
            Membership.objects.filter(cluster=world.cluster).values_list("company__org_number", flat=True)
        )


def test_dry_run_reports_what_would_happen_and_writes_nothing(client, world, bearer):
    before = cluster_members(world)
    upload = csv_file(f"{NEW_A};Havbruk Sør AS;03.110;12", f"{NEW_B};Kjølteknikk AS;10.201;60")

    response = post_import(client, bearer(world.users["manager"]), upload, dry_run="true")

    assert response.status_code == 200, response.content
    assert response.json() == {"ok": True, "created": 2, "updated": 0, "errors": []}
    assert cluster_members(world) == before
    assert not Company.objects.filter(org_number__in=[NEW_A, NEW_B]).exists()


def test_dry_run_is_the_default(client, world, bearer):
    response = post_import(
        client, bearer(world.users["staff"]), csv_file(f"{NEW_A};Havbruk Sør AS;03.110;12")
    )

    assert response.json()["ok"] is True
    assert not Company.objects.filter(org_number=NEW_A).exists()


def test_real_run_writes_every_row_and_audits_it(client, world, other_world, bearer):
    shared = other_world.membership.company
    upload = csv_file(f"{NEW_A};Havbruk Sør AS;03.110;12", f"{shared.org_number};{shared.name};;")

    response = post_import(client, bearer(world.users["staff"]), upload, dry_run="false")

    # The company that another cluster has is linked, not counted apart: that is not ours to tell.
    assert response.json() == {"ok": True, "created": 2, "updated": 0, "errors": []}
    assert {NEW_A, shared.org_number} <= cluster_members(world)
    with scopes_disabled():
        membership = Membership.objects.get(cluster=world.cluster, company__org_number=NEW_A)
    assert (membership.name, membership.employees, membership.size_class) == ("Havbruk Sør AS", 12, "small")
    with scopes_disabled():
        entry = AuditLog.objects.get(cluster=world.cluster, action="members.import.completed")
    assert entry.actor == world.users["staff"]
    assert entry.data["filename"] == "medlemmer.csv"


def test_one_bad_row_writes_nothing_even_without_dry_run(client, world, bearer):
    before = cluster_members(world)
    upload = csv_file(
        f"{NEW_A};Havbruk Sør AS;03.110;12",
        "123456789;Feil Nummer AS;03.110;5",
        f"{NEW_B};Ukjent Næring AS;99.999;5",
    )

    response = post_import(client, bearer(world.users["manager"]), upload, dry_run="false")

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    assert [(error["row"], error["field"]) for error in body["errors"]] == [
        (3, "org_number"),
        (4, "nace_code"),
    ]
    assert all(error["message"] for error in body["errors"])
    assert cluster_members(world) == before
    assert not Company.objects.filter(org_number__in=[NEW_A, NEW_B]).exists()


def test_an_existing_member_is_a_row_error(client, world, bearer):
    member = world.membership.company
    upload = csv_file(f"{member.org_number};{member.name};;")

    body = post_import(client, bearer(world.users["manager"]), upload, dry_run="false").json()

    assert body["ok"] is False
    assert body["errors"] == [
        {
            "row": 2,
            "field": "org_number",
            "message": f"{member.org_number} is already a member of this cluster.",
        }
    ]


def test_a_file_that_is_not_a_member_list_is_a_file_error(client, world, bearer):
    upload = SimpleUploadedFile("notes.csv", b"just;some;words\nand;more;here\n", content_type="text/csv")

    body = post_import(client, bearer(world.users["manager"]), upload, dry_run="false").json()

    assert body["ok"] is False
    assert [(error["row"], error["field"]) for error in body["errors"]] == [(0, "file")]


def test_missing_file_is_422(client, world, bearer):
    response = client.post("/api/v1/clusters/alfa/members/import", {}, **bearer(world.users["manager"]))

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["file", "file"]


@pytest.mark.parametrize("role", ["advisor", "board", "contact"])
def test_import_is_403_for_roles_that_cannot_import(client, world, bearer, role):
    response = post_import(client, bearer(world.users[role]), csv_file(f"{NEW_A};Havbruk Sør AS;;"), "false")

    assert response.status_code == 403
    assert not Company.objects.filter(org_number=NEW_A).exists()


def test_import_into_another_cluster_is_404(client, world, other_world, bearer):
    response = post_import(
        client, bearer(world.users["manager"]), csv_file(f"{NEW_A};Havbruk Sør AS;;"), "false", slug="beta"
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert not Company.objects.filter(org_number=NEW_A).exists()


@pytest.mark.parametrize("content", DAMAGED_UTF16.values(), ids=DAMAGED_UTF16.keys())
def test_a_damaged_utf16_file_is_reported_as_a_file_problem(client, world, bearer, content):
    upload = SimpleUploadedFile("medlemmer.csv", content, content_type="text/csv")
    response = post_import(client, bearer(world.users["manager"]), upload, dry_run="false")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    assert body["errors"][0]["field"] == "file"
    assert "damaged near character" in body["errors"][0]["message"]
