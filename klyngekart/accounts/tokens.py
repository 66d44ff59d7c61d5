"""Personal API tokens: create, revoke, authenticate.

The secret is shown to its owner once and never stored: the database keeps its SHA-256 and a
short hint. A token carries exactly its user's roles, so it grants nothing a browser session
would not.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from klyngekart.accounts.models import ApiToken, User, hash_secret

logger = logging.getLogger("klyngekart.accounts")
HINT_LENGTH = 10
# Writing last_used_at on every request would turn each API read into a write; a minute's
# precision is enough to tell a user whether a token is still in use.
LAST_USED_PRECISION = timedelta(minutes=1)
# Longer than any secret new_secret() makes; bounds the work done on a garbage header.
MAX_SECRET_LENGTH = 200


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for ``user``. Returns the row and the secret, which is never shown again."""
    secret = ApiToken.new_secret()
    token = ApiToken(user=user, name=name.strip(), token_hash=hash_secret(secret), hint=secret[:HINT_LENGTH])
    token.full_clean()
    token.save()
    return token, secret


def api_token_revoke(*, token: ApiToken, user: Any) -> ApiToken:
    """Revoke ``token``; only its owner may. Revoking twice keeps the first time."""
    if token.user_id != getattr(user, "pk", None):
        raise PermissionDenied(_("This API token is not yours."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every active token of ``user``; the number revoked. A token is a session that no
    password protects, so a new password (reset or change) must end them too. Logged rather than
    audited: the audit trail is a cluster's, and tokens belong to a person across clusters."""
    count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), updated_at=timezone.now()
    )
    if count:
        logger.info("Revoked %s API token(s) of user %s: %s", count, user.pk, reason)
    return count


def api_token_authenticate(secret: str) -> User | None:
    """The active user the secret belongs to, or None.

    The lookup is by the hash of the presented secret through a unique index, so nothing is
    compared character by character against a stored secret and response time does not
    reveal how much of a guess was right.
    """
    if not secret or len(secret) > MAX_SECRET_LENGTH or not secret.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_secret(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        # A conditional update, so concurrent requests with the same token write once.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
        ).update(last_used_at=now)
    return token.user
