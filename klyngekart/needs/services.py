"""Writes over membership strategies: drafts, updates, submission and the cluster's year lock.

A company contact writes its company's strategy for a year; it stays editable (also after it is
submitted) until the cluster locks the year. Every service enters the cluster's scope itself, so
pages, the API and management commands behave the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.members.models import Membership
from klyngekart.needs.models import (
    GoalCategory,
    GoalsReached,
    MembershipStrategy,
    StrategyStatus,
    StrategyYearLock,
)

# The first year a strategy can be written for; the last is next year, so a company can plan
# ahead in the autumn.
MIN_YEAR = 2000
TEXT_FIELDS = ("goals_text", "expectations", "involved", "review_text")
EDITABLE_FIELDS = (
    "goal_categories",
    "goals_text",
    "expectations",
    "priority_areas",
    "involved",
    "review_goals_reached",
    "review_value",
    "review_text",
)


class StrategyLocked(ValidationError):
    """The cluster has locked the year: the strategy can no longer change."""


def max_year() -> int:
    return timezone.localdate().year + 1


def year_is_valid(year: int) -> bool:
    return MIN_YEAR <= year <= max_year()


def year_is_locked(*, cluster: Cluster, year: int) -> bool:
    with scope(cluster):
        return StrategyYearLock.objects.filter(cluster=cluster, year=year).exists()


def locked_message(year: int) -> str:
    return _("The cluster has locked the strategies for %(year)s, so they can no longer be changed.") % {
        "year": year
    }


def _refuse_if_locked(cluster: Cluster, year: int) -> None:
    if year_is_locked(cluster=cluster, year=year):
        raise StrategyLocked(locked_message(year), code="locked")


def _check_year(year: int) -> None:
    if not year_is_valid(year):
        raise ValidationError(
            {
                "year": _("Choose a year from %(first)s to %(last)s.")
                % {"first": MIN_YEAR, "last": max_year()}
            },
            code="invalid_year",
        )


def strategy_get_or_create_draft(*, membership: Membership, year: int, actor: Any) -> MembershipStrategy:
    """The company's strategy for ``year``, created as an empty draft if there is none yet."""
    cluster = membership.cluster
    with scope(cluster), transaction.atomic():
        existing = MembershipStrategy.objects.filter(membership=membership, year=year).first()
        if existing is not None:
            return existing
        _check_year(year)
        _refuse_if_locked(cluster, year)
        strategy, _created = MembershipStrategy.objects.get_or_create(
            cluster=cluster, membership=membership, year=year, defaults={"updated_by": actor}
        )
        return strategy


def _clean_choices(values: Iterable[Any], allowed: list[str], field: str, message: str) -> list[str]:
    chosen = {str(value) for value in values}
    unknown = chosen - set(allowed)
    if unknown:
        values = ", ".join(sorted(unknown))
        raise ValidationError({field: message % {"values": values}}, code="invalid_choice")
    # Kept in the order of the choices, so the same selection always stores the same list.
    return [value for value in allowed if value in chosen]


def _clean(strategy: MembershipStrategy, data: Mapping[str, Any], area_codes: list[str]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "goal_categories" in data:
        cleaned["goal_categories"] = _clean_choices(
            data["goal_categories"] or [],
            list(GoalCategory.values),
            "goal_categories",
            _("Unknown goal category: %(values)s."),
        )
    if "priority_areas" in data:
        # An area the company chose before the cluster hid it stays valid for this strategy.
        allowed = list(area_codes) + [code for code in strategy.priority_areas if code not in area_codes]
        cleaned["priority_areas"] = _clean_choices(
            data["priority_areas"] or [],
            allowed,
            "priority_areas",
            _("Unknown competence area: %(values)s."),
        )
    for name in TEXT_FIELDS:
        if name in data:
            cleaned[name] = (data[name] or "").strip()
    if "review_goals_reached" in data:
        value = data["review_goals_reached"] or ""
        if value and value not in GoalsReached.values:
            raise ValidationError(
                {"review_goals_reached": _("Choose yes, partly or no.")}, code="invalid_choice"
            )
        cleaned["review_goals_reached"] = value
    if "review_value" in data:
        value = data["review_value"]
        if value in ("", None):
            cleaned["review_value"] = None
        else:
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = 0
            if not 1 <= number <= 5:
                raise ValidationError(
                    {"review_value": _("Give the value of the membership from 1 to 5.")}, code="invalid"
                )
            cleaned["review_value"] = number
    return cleaned


def strategy_update(
    *, strategy: MembershipStrategy, actor: Any, data: Mapping[str, Any], area_codes: list[str]
) -> MembershipStrategy:
    """Change the fields given in ``data`` (others stay as they are). ``area_codes`` are the
    competence areas the company may choose from (the cluster's current taxonomy)."""
    cluster = strategy.cluster
    with scope(cluster), transaction.atomic():
        _refuse_if_locked(cluster, strategy.year)
        cleaned = _clean(strategy, data, area_codes)
        changed = [name for name, value in cleaned.items() if getattr(strategy, name) != value]
        if not changed:
            return strategy
        for name in changed:
            setattr(strategy, name, cleaned[name])
        strategy.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        strategy.full_clean()
        strategy.save()
        # Field names only: what a company writes about its plans stays out of the audit trail.
        audit_log(
            cluster=cluster,
            actor=actor,
            action="needs.strategy.updated",
            target=strategy,
            data={"membership": strategy.membership_id, "year": strategy.year, "changed": changed},
        )
    return strategy


def strategy_submit(*, strategy: MembershipStrategy, actor: Any) -> MembershipStrategy:
    """Hand the strategy to the cluster. It stays editable until the year is locked."""
    cluster = strategy.cluster
    with scope(cluster), transaction.atomic():
        _refuse_if_locked(cluster, strategy.year)
        if strategy.status == StrategyStatus.SUBMITTED:
            return strategy
        if not strategy.goal_categories:
            raise ValidationError(
                {"goal_categories": _("Choose at least one goal before you submit the strategy.")},
                code="required",
            )
        strategy.status = StrategyStatus.SUBMITTED
        strategy.submitted_at = timezone.now()
        strategy.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        strategy.full_clean()
        strategy.save()
        audit_log(
            cluster=cluster,
            actor=actor,
            action="needs.strategy.submitted",
            target=strategy,
            data={"membership": strategy.membership_id, "year": strategy.year},
        )
    return strategy


def strategy_save(
    *,
    membership: Membership,
    year: int,
    actor: Any,
    data: Mapping[str, Any],
    area_codes: list[str],
    submit: bool = False,
) -> MembershipStrategy:
    """What the edit page and the API do: keep what was typed as a draft, then submit if asked.

    The draft is saved in its own transaction before submission is tried, so a strategy that
    cannot be submitted yet (no goal chosen) still keeps everything the contact wrote."""
    with transaction.atomic():
        strategy = strategy_get_or_create_draft(membership=membership, year=year, actor=actor)
        strategy = strategy_update(strategy=strategy, actor=actor, data=data, area_codes=area_codes)
    if submit:
        strategy = strategy_submit(strategy=strategy, actor=actor)
    return strategy


def strategy_year_lock(*, cluster: Cluster, year: int, actor: Any) -> StrategyYearLock:
    with scope(cluster), transaction.atomic():
        _check_year(year)
        lock, created = StrategyYearLock.objects.get_or_create(
            cluster=cluster,
            year=year,
            defaults={"locked_by": actor if getattr(actor, "is_authenticated", False) else None},
        )
        if created:
            audit_log(
                cluster=cluster, actor=actor, action="needs.year.locked", target=lock, data={"year": year}
            )
    return lock


def strategy_year_unlock(*, cluster: Cluster, year: int, actor: Any) -> None:
    with scope(cluster), transaction.atomic():
        lock = StrategyYearLock.objects.filter(cluster=cluster, year=year).first()
        if lock is None:
            return
        lock.delete()
        audit_log(cluster=cluster, actor=actor, action="needs.year.unlocked", data={"year": year})
