"""People, roles and invitations (for managers), and the reports list with its jobs: what the
people and reports pages show and change, through the same services, audited."""

from __future__ import annotations

from typing import Any

import pytest

from klyngekart.accounts.models import ClusterRole, CompanyRole, Invitation
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.reports.models import ReportJob
from klyngekart.surveys.tests.results_world import build_round, release

pytestmark = pytest.mark.django_db


def _url(world: Any, rest: str) -> str:
    return f"/api/v1/clusters/{world.cluster.slug}/{rest}"


def _json(client: Any, method: str, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return getattr(client, method)(url, body, content_type="application/json", **headers)


def test_people_lists_the_team_and_company_roles_with_filters(client, world, bearer) -> None:
    headers = bearer(world.users["manager"])
    people = client.get(_url(world, "people"), **headers).json()
    by_email = {person["email"]: person for person in people["items"]}
    assert people["count"] == 6
    assert by_email[world.users["staff"].email]["role"] == "staff"
    contact = by_email[world.users["contact"].email]
    assert contact["role"] is None
    assert contact["companies"] == [
        {
            "org_number": world.membership.company.org_number,
            "company": world.membership.name,
            "role": "contact",
        }
    ]
    contacts = client.get(_url(world, "people"), {"role": "contact"}, **headers).json()
    assert [person["email"] for person in contacts["items"]] == [world.users["contact"].email]
    found = client.get(_url(world, "people"), {"q": "ADVISOR@"}, **headers).json()
    assert [person["email"] for person in found["items"]] == [world.users["advisor"].email]
    one = client.get(_url(world, f"people/{world.users['board'].pk}"), **headers)
    assert one.status_code == 200 and one.json()["role"] == "board"
    for role in ("staff", "advisor", "board", "contact", "member"):
        assert client.get(_url(world, "people"), **bearer(world.users[role])).status_code == 403


def test_people_of_another_cluster_are_not_found(client, world, other_world, bearer) -> None:
    headers = bearer(world.users["manager"])
    stranger = other_world.users["staff"].pk
    assert client.get(_url(world, f"people/{stranger}"), **headers).status_code == 404
    refused = _json(client, "patch", _url(world, f"people/{stranger}"), {"role": "board"}, headers)
    assert refused.status_code == 404
    assert client.delete(_url(world, f"people/{stranger}/team-role"), **headers).status_code == 404
    with scopes_disabled():
        assert ClusterRole.objects.get(user_id=stranger).role == "staff"


def test_a_manager_changes_and_removes_roles_as_the_page_does(client, world, bearer) -> None:
    headers = bearer(world.users["manager"])
    staff = world.users["staff"]
    changed = _json(client, "patch", _url(world, f"people/{staff.pk}"), {"role": "advisor"}, headers)
    assert changed.status_code == 200 and changed.json()["role"] == "advisor"
    unknown = _json(client, "patch", _url(world, f"people/{staff.pk}"), {"role": "owner"}, headers)
    assert unknown.status_code == 422
    # A company's person is not in the team: invited, not promoted.
    contact = world.users["contact"]
    outsider = _json(client, "patch", _url(world, f"people/{contact.pk}"), {"role": "staff"}, headers)
    assert outsider.status_code == 422 and outsider.json()["detail"][0]["loc"] == ["body", "payload", "role"]

    # The only manager stays one.
    manager = world.users["manager"]
    last = _json(client, "patch", _url(world, f"people/{manager.pk}"), {"role": "staff"}, headers)
    assert last.status_code == 422
    assert client.delete(_url(world, f"people/{manager.pk}/team-role"), **headers).status_code == 422

    assert client.delete(_url(world, f"people/{staff.pk}/team-role"), **headers).status_code == 204
    org_number = world.membership.company.org_number
    removed = client.delete(_url(world, f"people/{contact.pk}/companies/{org_number}"), **headers)
    assert removed.status_code == 204
    assert (
        client.delete(_url(world, f"people/{contact.pk}/companies/{org_number}"), **headers).status_code
        == 404
    )
    with scopes_disabled():
        assert not ClusterRole.objects.filter(user=staff).exists()
        assert not CompanyRole.objects.filter(user=contact, cluster=world.cluster).exists()
        actions = list(AuditLog.objects.filter(cluster=world.cluster).values_list("action", flat=True))
    assert actions.count("accounts.role.removed") == 2 and "accounts.role.changed" in actions


def test_invitations_are_made_listed_resent_and_withdrawn(client, world, bearer, mailoutbox) -> None:
    headers = bearer(world.users["manager"])
    org_number = world.membership.company.org_number
    made = _json(
        client,
        "post",
        _url(world, "invitations"),
        {"email": "Ny@Example.no", "role": "contact", "org_number": org_number},
        headers,
    )
    assert made.status_code == 201
    invitation = made.json()
    assert (invitation["email"], invitation["company"]) == ("ny@example.no", world.membership.name)
    missing = _json(
        client, "post", _url(world, "invitations"), {"email": "a@example.no", "role": "member"}, headers
    )
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == [
        "body",
        "payload",
        "org_number",
    ]
    foreign = _json(
        client,
        "post",
        _url(world, "invitations"),
        {"email": "b@example.no", "role": "member", "org_number": "999999999"},
        headers,
    )
    assert foreign.status_code == 422

    listed = client.get(_url(world, "invitations"), **headers).json()
    assert [item["id"] for item in listed["items"]] == [invitation["id"]]
    base = _url(world, f"invitations/{invitation['id']}")
    assert client.post(base + "/resend", **headers).status_code == 200
    assert client.post(base + "/revoke", **headers).status_code == 200
    assert client.post(base + "/revoke", **headers).status_code == 200  # withdrawn already: no change
    again = client.post(base + "/resend", **headers)
    assert again.status_code == 422 and again.json()["detail"][0]["loc"] == ["path", "role_invitation_id"]
    assert client.get(_url(world, "invitations"), **headers).json()["count"] == 0
    with scopes_disabled():
        assert Invitation.objects.get(pk=invitation["id"]).revoked_at is not None


def test_reports_list_order_read_and_download(client, world, other_world, bearer) -> None:
    released = release(build_round(world.cluster).round)
    headers = bearer(world.users["board"])
    ordered = _json(
        client,
        "post",
        _url(world, "reports"),
        {"round": released.pk, "format": "xlsx", "language": "en"},
        headers,
    )
    assert ordered.status_code == 202
    job = ordered.json()
    assert (job["status"], job["round"], job["download_url"]) == ("queued", released.pk, None)
    assert job["filename"].endswith(".xlsx")

    with scopes_disabled():
        ReportJob.objects.filter(pk=job["id"]).update(
            status="done", progress=100, content=b"PK-file", content_type="application/octet-stream"
        )
        foreign = ReportJob.objects.create(cluster=other_world.cluster, kind="needs", params={})
    listed = client.get(_url(world, "reports"), {"status": "done"}, **headers).json()
    assert [item["id"] for item in listed["items"]] == [job["id"]]
    assert client.get(_url(world, "reports"), {"round": released.pk + 1}, **headers).json()["count"] == 0
    one = client.get(_url(world, f"reports/{job['id']}"), **headers).json()
    assert one["download_url"].endswith(f"/api/v1/clusters/{world.cluster.slug}/reports/{job['id']}/download")
    file = client.get(_url(world, f"reports/{job['id']}/download"), **headers)
    assert file.status_code == 200 and file.content == b"PK-file"
    assert "attachment" in file["Content-Disposition"]
    assert client.get(_url(world, f"reports/{foreign.pk}"), **headers).status_code == 404
    assert client.get(_url(world, f"reports/{foreign.pk}/download"), **headers).status_code == 404
    assert client.get(_url(world, "reports"), **bearer(world.users["contact"])).status_code == 403


def test_a_report_is_refused_before_its_round_is_released(client, world, bearer) -> None:
    open_round = build_round(world.cluster).round
    headers = bearer(world.users["manager"])
    refused = _json(client, "post", _url(world, "reports"), {"round": open_round.pk}, headers)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "payload", "round"]
    unknown = _json(client, "post", _url(world, "reports"), {"round": 987654}, headers)
    assert unknown.status_code == 422
    wrong = _json(client, "post", _url(world, "reports"), {"round": open_round.pk, "format": "doc"}, headers)
    assert wrong.status_code == 422
    with scopes_disabled():
        assert not ReportJob.objects.exists()
    job_pending = client.get(_url(world, "reports/1/download"), **headers)
    assert job_pending.status_code == 404
