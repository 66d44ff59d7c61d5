from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from klyngekart.accounts.models import ClusterRole, Invitation, User
from klyngekart.accounts.tests.factories import PASSWORD
from klyngekart.accounts.tests.helpers import make_user
from klyngekart.core.tenancy import scopes_disabled


def url(secret: str) -> str:
    return reverse("accounts:invitation_accept", args=[secret])


def test_new_person_creates_account_and_is_logged_in(world, invite, client):
    _invitation, secret = invite("ny@example.no", "staff")
    page = client.get(url(secret))
    assert page.status_code == 200
    assert b"ny@example.no" in page.content
    response = client.post(
        url(secret),
        {
            "full_name": "Nora Ny",
            "language": "en",
            "password1": "Fjordlys-2025-tur",
            "password2": "Fjordlys-2025-tur",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cluster:home", args=[world.cluster.slug])
    user = User.objects.get(email="ny@example.no")
    assert user.full_name == "Nora Ny"
    assert user.language == "en"
    assert user.check_password("Fjordlys-2025-tur")
    assert EmailAddress.objects.get(user=user).verified
    with scopes_disabled():
        assert ClusterRole.objects.get(user=user).role == "staff"
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert home.wsgi_request.user == user


def test_weak_or_mismatched_password_is_refused(world, invite, client):
    _invitation, secret = invite("ny@example.no", "staff")
    weak = client.post(
        url(secret), {"full_name": "Nora", "language": "nb", "password1": "12345", "password2": "12345"}
    )
    assert weak.status_code == 400
    assert b"ds-validation-message" in weak.content
    mismatch = client.post(
        url(secret),
        {
            "full_name": "Nora",
            "language": "nb",
            "password1": "Fjordlys-2025-tur",
            "password2": "Fjordlys-2025-tut",
        },
    )
    assert mismatch.status_code == 400
    assert not User.objects.filter(email="ny@example.no").exists()


def test_existing_account_is_asked_to_log_in_and_come_back(world, invite, client):
    make_user(email="kjent@example.no")
    _invitation, secret = invite("kjent@example.no", "board")
    page = client.get(url(secret))
    assert page.status_code == 200
    login_url = reverse("account_login") + "?" + urlencode({"next": url(secret)})
    assert login_url.encode() in page.content
    assert b'name="password1"' not in page.content
    # Logging in with next= brings the person back to the invitation.
    response = client.post(login_url, {"login": "kjent@example.no", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == url(secret)


def test_logged_in_invitee_confirms_and_gets_the_role(world, invite, login, english):
    user = make_user(email="kjent@example.no")
    _invitation, secret = invite("kjent@example.no", "advisor")
    client = login(user)
    page = client.get(url(secret))
    assert page.status_code == 200
    assert b"Accept the invitation" in page.content
    with scopes_disabled():
        assert not ClusterRole.objects.filter(user=user).exists()
    response = client.post(url(secret))
    assert response.status_code == 302
    with scopes_disabled():
        assert ClusterRole.objects.get(user=user).role == "advisor"


def test_logged_in_as_someone_else_is_told_and_not_given_the_role(world, invite, login):
    _invitation, secret = invite("riktig@example.no", "staff")
    other = make_user(email="feil@example.no")
    client = login(other)
    page = client.get(url(secret))
    assert page.status_code == 403
    posted = client.post(url(secret))
    assert posted.status_code == 403
    with scopes_disabled():
        assert not ClusterRole.objects.filter(user=other).exists()


def test_expired_used_and_unknown_links_say_so(world, invite, client):
    invitation, secret = invite("ny@example.no", "staff")
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    expired = client.get(url(secret))
    assert expired.status_code == 410
    assert b"ds-alert" in expired.content
    posted = client.post(
        url(secret),
        {
            "full_name": "Nora",
            "language": "nb",
            "password1": "Fjordlys-2025-tur",
            "password2": "Fjordlys-2025-tur",
        },
    )
    assert posted.status_code == 410
    assert not User.objects.filter(email="ny@example.no").exists()
    assert client.get(url("ukjent-hemmelighet")).status_code == 404
