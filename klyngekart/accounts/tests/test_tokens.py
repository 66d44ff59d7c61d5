from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any, cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from klyngekart.accounts.models import ApiToken, User, hash_secret
from klyngekart.accounts.tests.factories import UserFactory
from klyngekart.accounts.tokens import api_token_authenticate, api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def make_user(**kwargs: Any) -> User:
    return cast(User, UserFactory(**kwargs))


def test_create_stores_only_the_hash_and_a_hint():
    user = make_user()
    token, secret = api_token_create(user=user, name="  Power BI  ")

    assert secret.startswith("kk_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.name == "Power BI"
    assert stored.token_hash == hash_secret(secret)
    assert stored.hint == secret[:10]
    # The secret appears in no column of the stored row.
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not any(secret in str(value) for value in row.values())


def test_create_needs_a_name():
    with pytest.raises(ValidationError):
        api_token_create(user=make_user(), name="   ")
    assert not ApiToken.objects.exists()


def test_authenticate_returns_the_owner_and_rejects_other_secrets():
    user = make_user()
    _token, secret = api_token_create(user=user, name="Script")

    assert api_token_authenticate(secret) == user
    assert api_token_authenticate(secret + "x") is None
    assert api_token_authenticate(secret[3:]) is None
    assert api_token_authenticate("") is None
    assert api_token_authenticate("kk_" + "a" * 500) is None


def test_revoked_token_and_inactive_user_do_not_authenticate():
    user = make_user()
    token, secret = api_token_create(user=user, name="Script")
    _other_token, other_secret = api_token_create(user=user, name="Other")

    api_token_revoke(token=token, user=user)
    assert api_token_authenticate(secret) is None
    assert api_token_authenticate(other_secret) == user

    user.is_active = False
    user.save()
    assert api_token_authenticate(other_secret) is None


def test_only_the_owner_may_revoke_and_revoking_twice_keeps_the_first_time():
    owner = make_user()
    token, secret = api_token_create(user=owner, name="Script")

    with pytest.raises(PermissionDenied):
        api_token_revoke(token=token, user=make_user())
    assert api_token_authenticate(secret) == owner

    api_token_revoke(token=token, user=owner)
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    api_token_revoke(token=ApiToken.objects.get(pk=token.pk), user=owner)
    assert first is not None
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first


def test_last_used_is_written_at_most_once_a_minute():
    token, secret = api_token_create(user=make_user(), name="Script")

    api_token_authenticate(secret)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None

    api_token_authenticate(secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first

    earlier = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    api_token_authenticate(secret)
    last_used = ApiToken.objects.get(pk=token.pk).last_used_at
    assert last_used is not None and last_used > earlier + timedelta(minutes=1)


def test_create_api_token_command_prints_a_working_token():
    user = make_user(email="ops@example.no")
    out, err = StringIO(), StringIO()

    call_command("create_api_token", "--email", "OPS@example.no", "--name", "Backup", stdout=out, stderr=err)

    secret = out.getvalue().strip()
    assert api_token_authenticate(secret) == user
    assert ApiToken.objects.get(user=user).name == "Backup"
    assert "shown only this once" in err.getvalue()


def test_create_api_token_command_refuses_unknown_and_inactive_users():
    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "--email", "nobody@example.no", stdout=StringIO())
    make_user(email="gone@example.no", is_active=False)
    with pytest.raises(CommandError, match="inactive"):
        call_command("create_api_token", "--email", "gone@example.no", stdout=StringIO())
    assert not ApiToken.objects.exists()
