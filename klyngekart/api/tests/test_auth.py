from __future__ import annotations

import pytest

from klyngekart.accounts.tokens import api_token_create, api_token_revoke
from klyngekart.members.tests.factories import valid_org_number

pytestmark = pytest.mark.django_db


def test_no_header_is_401_with_a_json_reason(client, world):
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == {
        "detail": "Missing, revoked or invalid API token. Send it as 'Authorization: Bearer <token>'."
    }


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Bearer kk_not-a-real-token",
        "Token kk_abc",
        "Basic dXNlcjpwYXNz",
        "garbage",
        "Bearer ÿ",
    ],
)
def test_garbled_or_unknown_tokens_are_401(client, world, header):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert set(response.json()) == {"detail"}


def test_revoked_token_is_401(client, world):
    user = world.users["manager"]
    token, secret = api_token_create(user=user, name="Old script")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200

    api_token_revoke(token=token, user=user)

    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert (
        client.get(
            f"/api/v1/clusters/{world.cluster.slug}/members", HTTP_AUTHORIZATION=f"Bearer {secret}"
        ).status_code
        == 401
    )


def test_token_of_a_deactivated_user_is_401(client, world, bearer):
    user = world.users["staff"]
    headers = bearer(user)
    user.is_active = False
    user.save()

    assert client.get("/api/v1/me", **headers).status_code == 401


def test_a_session_login_is_not_an_api_login(client, world):
    client.force_login(world.users["manager"])

    assert client.get("/api/v1/me").status_code == 401


def test_posts_need_no_csrf_token_because_they_carry_a_bearer_token(world, bearer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/api/v1/clusters/{world.cluster.slug}/members",
        data={"org_number": valid_org_number(5_000_001), "name": "Ny Bedrift AS"},
        content_type="application/json",
        **bearer(world.users["manager"]),
    )

    assert response.status_code == 201, response.content
