"""allauth's pages, over HTTP, inside our layout."""

from __future__ import annotations

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.urls import reverse

from klyngekart.accounts.tests.factories import PASSWORD
from klyngekart.accounts.tests.helpers import find, make_user


def test_login_page_uses_our_layout_and_offers_no_sign_up(db, client):
    page = client.get(reverse("account_login"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'class="kk-header"' in body
    assert 'class="ds-input"' in body
    assert 'class="ds-button" data-variant="primary"' in body
    assert reverse("account_signup") not in body
    assert f'<a class="ds-link" href="{reverse("account_reset_password")}">' in body


def test_sign_up_is_closed(db, client):
    response = client.post(
        reverse("account_signup"),
        {"email": "ny@example.no", "password1": "Fjordlys-2025", "password2": "Fjordlys-2025"},
    )
    assert response.status_code == 200
    assert b"ds-heading" in response.content
    from klyngekart.accounts.models import User

    assert not User.objects.filter(email="ny@example.no").exists()


def test_login_with_email_and_password(db, client):
    user = make_user(email="person@example.no")
    response = client.post(reverse("account_login"), {"login": "Person@Example.no", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).wsgi_request.user == user


def test_wrong_password_is_refused_on_the_page(db, client):
    make_user(email="person@example.no")
    response = client.post(
        reverse("account_login"), {"login": "person@example.no", "password": "feil-passord"}
    )
    assert response.status_code == 200
    assert b"ds-alert" in response.content
    assert not response.wsgi_request.user.is_authenticated


def test_unverified_email_cannot_log_in(db, client):
    from allauth.account.models import EmailAddress

    user = make_user(email="uverifisert@example.no")
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    sent = client.get(response["Location"])
    assert sent.status_code == 200
    assert b"kk-header" in sent.content
    assert len(mail.outbox) == 1
    confirm_path = find(r"https?://[^/]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body)
    confirm_page = client.get(confirm_path)
    assert confirm_page.status_code == 200
    assert b"ds-button" in confirm_page.content
    client.post(confirm_path)
    assert EmailAddress.objects.get(user=user).verified


def test_password_reset_by_email(db, client):
    user = make_user(email="glemsk@example.no")
    page = client.get(reverse("account_reset_password"))
    assert page.status_code == 200
    assert b"ds-input" in page.content
    response = client.post(reverse("account_reset_password"), {"email": "glemsk@example.no"})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert len(mail.outbox) == 1
    link = find(r"https?://[^/]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body)
    from_key = client.get(link, follow=True)
    assert from_key.status_code == 200
    set_password_url = from_key.redirect_chain[-1][0] if from_key.redirect_chain else link
    assert b'name="password1"' in from_key.content
    done = client.post(set_password_url, {"password1": "Nytt-fjell-2025", "password2": "Nytt-fjell-2025"})
    assert done.status_code == 302
    assert client.get(done["Location"]).status_code == 200
    user.refresh_from_db()
    assert user.check_password("Nytt-fjell-2025")
    client.logout()
    login = client.post(reverse("account_login"), {"login": user.email, "password": "Nytt-fjell-2025"})
    assert login.status_code == 302


def test_password_reset_for_unknown_address_reveals_nothing(db, client):
    response = client.post(reverse("account_reset_password"), {"email": "ingen@example.no"})
    assert response.status_code == 302
    assert all("/password/reset/key/" not in message.body for message in mail.outbox)


def test_bad_reset_key_says_so(db, client):
    page = client.get("/accounts/password/reset/key/1-feil/", follow=True)
    assert page.status_code == 200
    assert b"ds-heading" in page.content


def test_logout(world, login):
    client = login(world.users["staff"])
    assert client.get(reverse("account_logout")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not client.get(reverse("start")).wsgi_request.user.is_authenticated


def test_manage_pages_render_in_our_layout(world, login):
    client = login(world.users["staff"])
    for name in ("account_change_password", "account_email", "mfa_index"):
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        assert b"kk-header" in page.content
        assert b"ds-heading" in page.content


def test_password_change(world, login):
    user = world.users["staff"]
    client = login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Nytt-fjell-2025", "password2": "Nytt-fjell-2025"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Nytt-fjell-2025")


def current_code(secret: str) -> str:
    counter = next(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counter))


def test_login_asks_for_the_authenticator_code(world, client):
    user = world.users["manager"]
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    step = client.get(response["Location"])
    assert step.status_code == 200
    assert b"kk-header" in step.content
    assert not step.wsgi_request.user.is_authenticated
    done = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert done.status_code == 302
    assert client.get(reverse("accounts:profile")).wsgi_request.user == user


def reauthenticate(client, next_url: str) -> None:  # type: ignore[no-untyped-def]
    """allauth asks for the password again before security changes; answer it."""
    response = client.get(next_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"kk-header" in page.content
    client.post(response["Location"], {"password": PASSWORD})


def test_mfa_pages_for_a_user_with_totp(world, client):
    user = world.users["manager"]
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    index = client.get(reverse("mfa_index"))
    assert index.status_code == 200
    assert reverse("mfa_deactivate_totp").encode() in index.content
    reauthenticate(client, reverse("mfa_view_recovery_codes"))
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200
    assert b"ds-input" in codes.content
    deactivate = client.get(reverse("mfa_deactivate_totp"))
    assert deactivate.status_code == 200
    assert b"ds-button" in deactivate.content


def test_activate_totp_through_the_pages(world, client):
    from allauth.mfa.models import Authenticator

    user = world.users["staff"]
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    reauthenticate(client, reverse("mfa_activate_totp"))
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert b"data:image/svg+xml" in page.content
    secret = find(r'id="authenticator_secret"[^>]*value="([A-Z2-7=]+)"', page.content.decode())
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
