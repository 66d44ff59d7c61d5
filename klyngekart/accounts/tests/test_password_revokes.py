"""A new password ends every other way in: a reset (the forgotten-password mail) or a change
revokes the user's API tokens and logs out the user's other sessions. A reset is what someone
does when they fear their account is in other hands, and a token left valid kept it there."""

from __future__ import annotations

from django.core import mail
from django.test import Client
from django.urls import reverse

from klyngekart.accounts.models import ApiToken
from klyngekart.accounts.tests.factories import PASSWORD
from klyngekart.accounts.tests.helpers import find, make_user
from klyngekart.accounts.tokens import api_token_authenticate, api_token_create

NEW_PASSWORD = "Nytt-fjell-2025"


def _signed_in_elsewhere(user) -> Client:  # type: ignore[no-untyped-def]
    other = Client()
    other.force_login(user)
    assert other.get(reverse("accounts:profile")).status_code == 200
    return other


def _still_signed_in(client: Client) -> bool:
    return bool(client.get(reverse("accounts:profile")).wsgi_request.user.is_authenticated)


def test_a_password_reset_revokes_the_api_tokens_and_ends_other_sessions(db, client) -> None:
    user = make_user(email="glemsk@example.no")
    bystander = make_user(email="annen@example.no")
    _token, secret = api_token_create(user=user, name="Power BI")
    _other, other_secret = api_token_create(user=bystander, name="Annen")
    elsewhere = _signed_in_elsewhere(user)

    client.post(reverse("account_reset_password"), {"email": user.email})
    link = find(r"https?://[^/]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body)
    from_key = client.get(link, follow=True)
    set_password_url = from_key.redirect_chain[-1][0] if from_key.redirect_chain else link
    done = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert api_token_authenticate(secret) is None
    assert ApiToken.objects.get(user=user).revoked_at is not None
    assert not _still_signed_in(elsewhere)
    # Nobody else's tokens.
    assert api_token_authenticate(other_secret) == bystander


def test_a_password_change_revokes_the_api_tokens_and_keeps_only_this_session(db, client, english) -> None:
    user = make_user(email="bytter@example.no")
    _token, secret = api_token_create(user=user, name="Skript")
    elsewhere = _signed_in_elsewhere(user)
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert api_token_authenticate(secret) is None
    page = client.get(response["Location"]).content.decode()
    assert "Your API token was revoked with the old password" in page
    assert _still_signed_in(client)
    assert not _still_signed_in(elsewhere)
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 401
