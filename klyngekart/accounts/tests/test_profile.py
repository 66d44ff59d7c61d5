from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from klyngekart.accounts.models import ApiToken, hash_secret
from klyngekart.accounts.tests.helpers import make_user

PROFILE = "/accounts/profile/"


def test_profile_needs_login(db, client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_shows_roles_and_security_links(world, login):
    page = login(world.users["contact"]).get(PROFILE)
    assert page.status_code == 200
    body = page.content.decode()
    assert world.membership.company.name in body
    assert world.cluster.name in body
    for name in ("account_change_password", "account_email", "mfa_index"):
        assert reverse(name) in body
    manager_page = login(world.users["manager"]).get(PROFILE).content.decode()
    assert reverse("cluster:home", args=[world.cluster.slug]) in manager_page


def test_language_preference_persists_and_switches_the_page(world, login):
    user = world.users["staff"]
    client = login(user)
    assert client.get(PROFILE).wsgi_request.LANGUAGE_CODE == "nb"
    response = client.post(PROFILE, {"full_name": "Siri Stab", "language": "en"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    assert user.full_name == "Siri Stab"
    page = client.get(PROFILE)
    assert page.wsgi_request.LANGUAGE_CODE == "en"
    assert b'<html lang="en"' in page.content
    assert b"Your profile" in page.content
    # A new session (another device, no cookie) still gets the saved language.
    client.logout()
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    fresh = login(user).get(PROFILE)
    assert b'<html lang="en"' in fresh.content
    # And switching back in the profile wins over the cookie set earlier.
    client.post(PROFILE, {"full_name": "Siri Stab", "language": "nb"})
    user.refresh_from_db()
    assert user.language == "nb"
    assert b'<html lang="nb"' in client.get(PROFILE).content


def test_profile_refuses_an_unknown_language(world, login):
    user = world.users["staff"]
    response = login(user).post(PROFILE, {"full_name": "X", "language": "sv"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.language == "nb"


def test_api_token_is_shown_once_and_stored_hashed(world, login):
    user = world.users["staff"]
    client = login(user)
    response = client.post(reverse("accounts:token_create"), {"name": "Power BI"})
    assert response.status_code == 200
    body = response.content.decode()
    token = ApiToken.objects.get(user=user)
    secret = body.split('id="kk-new-token" type="text" value="')[1].split('"')[0]
    assert secret.startswith("kk_")
    assert token.token_hash == hash_secret(secret)
    listing = client.get(PROFILE).content.decode()
    assert "Power BI" in listing
    assert token.hint in listing
    assert secret not in listing


def test_api_token_revoke_only_own(world, login):
    owner = world.users["staff"]
    client = login(owner)
    client.post(reverse("accounts:token_create"), {"name": "Eget"})
    token = ApiToken.objects.get(user=owner)
    other = login(make_user(email="annen@example.no"))
    assert other.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client = login(owner)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert f"<code>{token.hint}" not in client.get(PROFILE).content.decode()


def test_token_needs_a_name(world, login):
    response = login(world.users["staff"]).post(reverse("accounts:token_create"), {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
