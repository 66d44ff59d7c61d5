from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.needs import services
from klyngekart.needs.models import MembershipStrategy, StrategyYearLock
from klyngekart.needs.tests.factories import THIS_YEAR, make_strategy

pytestmark = pytest.mark.django_db

CODES = ["digital-ai", "lean", "export"]


def _actions(world) -> list[str]:
    with scopes_disabled():
        return list(
            AuditLog.objects.filter(cluster=world.cluster).order_by("id").values_list("action", flat=True)
        )


def test_a_draft_is_created_once_per_company_and_year(world):
    contact = world.users["contact"]
    first = services.strategy_get_or_create_draft(membership=world.membership, year=THIS_YEAR, actor=contact)
    again = services.strategy_get_or_create_draft(membership=world.membership, year=THIS_YEAR, actor=contact)

    assert first.pk == again.pk
    assert first.status == "draft" and first.year == THIS_YEAR
    with scopes_disabled():
        assert MembershipStrategy.objects.count() == 1


def test_a_year_far_off_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.strategy_get_or_create_draft(membership=world.membership, year=1999, actor=None)
    assert "year" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.strategy_get_or_create_draft(membership=world.membership, year=THIS_YEAR + 2, actor=None)


def test_update_keeps_what_was_typed_and_audits_field_names_only(world):
    strategy = services.strategy_get_or_create_draft(membership=world.membership, year=THIS_YEAR, actor=None)

    services.strategy_update(
        strategy=strategy,
        actor=world.users["contact"],
        data={
            "goal_categories": ["recruitment", "competence"],
            "goals_text": "  Rekruttere tre ingeniører.  ",
            "priority_areas": ["lean", "digital-ai"],
            "review_value": "4",
            "review_goals_reached": "partly",
        },
        area_codes=CODES,
    )

    with scopes_disabled():
        strategy.refresh_from_db()
        entry = AuditLog.objects.get(action="needs.strategy.updated")
    # Stored in the order of the choices, whatever order they were ticked in.
    assert strategy.goal_categories == ["competence", "recruitment"]
    assert strategy.priority_areas == ["digital-ai", "lean"]
    assert strategy.goals_text == "Rekruttere tre ingeniører."
    assert (strategy.review_value, strategy.review_goals_reached) == (4, "partly")
    assert strategy.status == "draft"
    assert entry.actor == world.users["contact"]
    assert set(entry.data["changed"]) == {
        "goal_categories",
        "goals_text",
        "priority_areas",
        "review_value",
        "review_goals_reached",
    }
    assert "Rekruttere" not in str(entry.data)


def test_an_update_that_changes_nothing_writes_no_audit_row(world):
    strategy = make_strategy(membership=world.membership)
    services.strategy_update(
        strategy=strategy, actor=None, data={"goals_text": strategy.goals_text}, area_codes=CODES
    )
    assert _actions(world) == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"goal_categories": ["world_domination"]}, "goal_categories"),
        ({"priority_areas": ["not-an-area"]}, "priority_areas"),
        ({"review_value": 6}, "review_value"),
        ({"review_value": "many"}, "review_value"),
        ({"review_goals_reached": "maybe"}, "review_goals_reached"),
    ],
)
def test_update_refuses_values_outside_the_choices(world, data, field):
    strategy = make_strategy(membership=world.membership)
    with pytest.raises(ValidationError) as error:
        services.strategy_update(strategy=strategy, actor=None, data=data, area_codes=CODES)
    assert field in error.value.message_dict
    assert _actions(world) == []


def test_an_area_the_cluster_has_hidden_since_stays_chosen(world):
    strategy = make_strategy(membership=world.membership, priority_areas=["old-area"])
    services.strategy_update(
        strategy=strategy, actor=None, data={"priority_areas": ["old-area", "lean"]}, area_codes=CODES
    )
    assert strategy.priority_areas == ["lean", "old-area"]


def test_submit_needs_a_goal_then_marks_it_submitted_and_audits(world):
    contact = world.users["contact"]
    strategy = make_strategy(membership=world.membership, goal_categories=[])
    with pytest.raises(ValidationError) as error:
        services.strategy_submit(strategy=strategy, actor=contact)
    assert "goal_categories" in error.value.message_dict

    services.strategy_update(
        strategy=strategy, actor=contact, data={"goal_categories": ["network"]}, area_codes=[]
    )
    services.strategy_submit(strategy=strategy, actor=contact)
    services.strategy_submit(strategy=strategy, actor=contact)

    with scopes_disabled():
        strategy.refresh_from_db()
    assert strategy.status == "submitted" and strategy.submitted_at is not None
    assert _actions(world) == ["needs.strategy.updated", "needs.strategy.submitted"]


def test_a_submitted_strategy_stays_editable_until_the_year_is_locked(world):
    manager = world.users["manager"]
    strategy = make_strategy(membership=world.membership, status="submitted")
    services.strategy_update(strategy=strategy, actor=None, data={"involved": "Daglig leder"}, area_codes=[])
    assert strategy.status == "submitted" and strategy.involved == "Daglig leder"

    services.strategy_year_lock(cluster=world.cluster, year=THIS_YEAR, actor=manager)

    with pytest.raises(services.StrategyLocked) as error:
        services.strategy_update(strategy=strategy, actor=None, data={"involved": "Alle"}, area_codes=[])
    assert str(THIS_YEAR) in " ".join(error.value.messages)
    with pytest.raises(services.StrategyLocked):
        services.strategy_submit(strategy=strategy, actor=None)
    # A company without a strategy cannot start one in a locked year either.
    with pytest.raises(services.StrategyLocked):
        services.strategy_get_or_create_draft(membership=world.other_membership, year=THIS_YEAR, actor=None)
    with scopes_disabled():
        strategy.refresh_from_db()
        assert strategy.involved == "Daglig leder"
        assert not MembershipStrategy.objects.filter(membership=world.other_membership).exists()


def test_lock_and_unlock_are_audited_once(world):
    manager = world.users["manager"]
    services.strategy_year_lock(cluster=world.cluster, year=THIS_YEAR, actor=manager)
    services.strategy_year_lock(cluster=world.cluster, year=THIS_YEAR, actor=manager)
    assert services.year_is_locked(cluster=world.cluster, year=THIS_YEAR)
    assert not services.year_is_locked(cluster=world.cluster, year=THIS_YEAR - 1)

    services.strategy_year_unlock(cluster=world.cluster, year=THIS_YEAR, actor=manager)
    services.strategy_year_unlock(cluster=world.cluster, year=THIS_YEAR, actor=manager)

    assert not services.year_is_locked(cluster=world.cluster, year=THIS_YEAR)
    assert _actions(world) == ["needs.year.locked", "needs.year.unlocked"]


def test_a_lock_belongs_to_one_cluster(world, other_world):
    services.strategy_year_lock(cluster=other_world.cluster, year=THIS_YEAR, actor=None)
    strategy = make_strategy(membership=world.membership)

    services.strategy_update(strategy=strategy, actor=None, data={"involved": "HR"}, area_codes=[])

    with scope(world.cluster):
        assert not StrategyYearLock.objects.exists()


def test_save_keeps_the_draft_when_submission_is_refused(world):
    with pytest.raises(ValidationError):
        services.strategy_save(
            membership=world.membership,
            year=THIS_YEAR,
            actor=None,
            data={"goals_text": "Et utkast uten mål"},
            area_codes=[],
            submit=True,
        )
    with scopes_disabled():
        strategy = MembershipStrategy.objects.get(membership=world.membership)
    assert strategy.goals_text == "Et utkast uten mål" and strategy.status == "draft"


def test_save_writes_nothing_when_a_value_is_refused(world):
    with pytest.raises(ValidationError):
        services.strategy_save(
            membership=world.membership,
            year=THIS_YEAR,
            actor=None,
            data={"priority_areas": ["nope"]},
            area_codes=CODES,
        )
    with scopes_disabled():
        assert not MembershipStrategy.objects.exists()


def test_the_change_log_reads_strategy_changes_as_sentences(world):
    from django.utils import translation

    from klyngekart.core.audit_text import describe_all
    from klyngekart.members.selectors import company_names

    strategy = make_strategy(membership=world.membership, goal_categories=[])
    contact = world.users["contact"]
    services.strategy_update(
        strategy=strategy, actor=contact, data={"goal_categories": ["network"]}, area_codes=[]
    )
    services.strategy_year_lock(cluster=world.cluster, year=THIS_YEAR, actor=world.users["manager"])

    with scope(world.cluster), translation.override("en"):
        entries = AuditLog.objects.filter(cluster=world.cluster).order_by("id")
        sentences = [change.sentence for change in describe_all(entries, company_names=company_names)]

    company = world.membership.company.name
    assert sentences == [
        f"{contact.full_name} updated the membership strategy for {THIS_YEAR} of {company}",
        f"{world.users['manager'].full_name} locked the membership strategies for {THIS_YEAR}",
    ]
