"""What happens to a person's other ways in when their password changes (connected in apps.py)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib import messages
from django.dispatch import receiver
from django.utils.translation import ngettext

from klyngekart.accounts.tokens import api_tokens_revoke_all


def _revoke(request: Any, user: Any, reason: str) -> None:
    # Other browser sessions end by themselves: Django checks each session against a hash of the
    # password. API tokens carry no such hash, so they are revoked here.
    count = api_tokens_revoke_all(user=user, reason=reason)
    if count and request is not None:
        messages.info(
            request,
            ngettext(
                "Your API token was revoked with the old password; make a new one on your profile page.",
                "Your %(count)s API tokens were revoked with the old password; make new ones on your "
                "profile page.",
                count,
            )
            % {"count": count},
        )


@receiver(password_reset, dispatch_uid="klyngekart.revoke_tokens_on_reset")
def revoke_tokens_on_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _revoke(request, user, "password reset")


@receiver(password_changed, dispatch_uid="klyngekart.revoke_tokens_on_change")
@receiver(password_set, dispatch_uid="klyngekart.revoke_tokens_on_set")
def revoke_tokens_on_change(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _revoke(request, user, "password changed")
