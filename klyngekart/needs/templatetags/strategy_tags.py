"""The "Membership strategy" panel on a member's page, so the members app need not know strategies."""

from __future__ import annotations

from typing import Any

from django import template

from klyngekart.members.models import Membership
from klyngekart.needs.models import MembershipStrategy

register = template.Library()


@register.inclusion_tag("needs/_member_panel.html", takes_context=True)
def strategy_panel(context: dict[str, Any], membership: Membership) -> dict[str, Any]:
    """Runs while the member page renders, inside its cluster scope (views render, not lazily)."""
    access = context.get("access")
    allowed = bool(access and access.can("strategy.view_own"))
    return {
        "allowed": allowed,
        "membership": membership,
        "current_cluster": context.get("current_cluster"),
        "strategies": list(MembershipStrategy.objects.filter(membership=membership).order_by("-year")[:3])
        if allowed
        else [],
    }
