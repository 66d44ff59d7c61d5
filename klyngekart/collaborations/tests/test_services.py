"""Every write of the pipeline: what it stores, what it refuses, the history entry and the audit
row it leaves, and that a refused write leaves nothing behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from klyngekart.collaborations import services
from klyngekart.collaborations.models import EventKind, Opportunity, OpportunityEvent, Stage
from klyngekart.conftest import World
from klyngekart.core import events
from klyngekart.core.audit_text import describe
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.landscape.tests.factories import make_profile
from klyngekart.members.models import Membership
from klyngekart.members.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def scoped(world: World) -> Iterator[World]:
    with scope(world.cluster):
        yield world


def _create(world: World, **data: Any) -> Opportunity:
    base: dict[str, Any] = {"title": "Havvind sammen", "partners": [make_profile(country="DK")]}
    return services.opportunity_create(
        cluster=world.cluster, actor=world.users["manager"], data={**base, **data}, today=TODAY
    )


def _actions(world: World) -> list[str]:
    return list(
        AuditLog.objects.filter(cluster=world.cluster).order_by("pk").values_list("action", flat=True)
    )


def _kinds(opportunity: Opportunity) -> list[str]:
    return list(
        OpportunityEvent.objects.filter(opportunity=opportunity).order_by("pk").values_list("kind", flat=True)
    )


def test_create_stores_partners_members_and_history(scoped: World) -> None:
    world = scoped
    partner = make_profile(country="SE", name="Göteborg Marin")
    opportunity = _create(
        world,
        partners=[partner],
        members=[world.membership],
        next_step="Ring daglig leder",
        next_step_on=TODAY + dt.timedelta(days=7),
        responsible=world.users["staff"],
    )
    assert opportunity.stage == Stage.IDEA
    assert list(opportunity.partners.all()) == [partner]
    assert list(opportunity.members.all()) == [world.membership]
    assert opportunity.created_by == world.users["manager"]
    event = OpportunityEvent.objects.get(opportunity=opportunity)
    assert (event.kind, event.actor, event.to_stage, event.text) == (
        EventKind.CREATED,
        world.users["manager"],
        Stage.IDEA,
        "Ring daglig leder",
    )
    assert _actions(world)[-1] == "collaborations.opportunity.created"


def test_a_partner_is_required(scoped: World) -> None:
    with pytest.raises(ValidationError) as error:
        _create(scoped, partners=[])
    assert "partners" in error.value.message_dict
    assert Opportunity.objects.count() == 0


def test_members_must_be_current_members_of_this_cluster(scoped: World, other_world: World) -> None:
    world = scoped
    with scopes_disabled():
        foreign = Membership.objects.get(pk=other_world.membership.pk)
    left: Membership = MembershipFactory(cluster=world.cluster, status="left")  # type: ignore[assignment]
    for member in (foreign, left):
        with pytest.raises(ValidationError) as error:
            _create(world, members=[member])
        assert "members" in error.value.message_dict
    paused: Membership = MembershipFactory(cluster=world.cluster, status="paused")  # type: ignore[assignment]
    assert list(_create(world, members=[paused]).members.all()) == [paused]
    assert Opportunity.objects.count() == 1


def test_the_responsible_person_works_the_pipeline(scoped: World, other_world: World) -> None:
    world = scoped
    for outsider in (world.users["board"], world.users["contact"], other_world.users["manager"]):
        with pytest.raises(ValidationError) as error:
            _create(world, responsible=outsider)
        assert "responsible" in error.value.message_dict
    for insider in ("manager", "staff", "advisor"):
        assert _create(world, responsible=world.users[insider]).responsible == world.users[insider]


def test_next_step_rules(scoped: World) -> None:
    world = scoped
    cases: list[tuple[dict[str, Any], str]] = [
        ({"next_step_on": TODAY + dt.timedelta(days=3)}, "next_step"),
        ({"next_step": "Møte", "next_step_on": TODAY - dt.timedelta(days=1)}, "next_step_on"),
        ({"stage": Stage.COMPLETED, "next_step": "Sluttrapport"}, "next_step"),
        ({"stage": "sideways"}, "stage"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as error:
            _create(world, **data)
        assert field in error.value.message_dict, data
    # An open opportunity may wait for its next step; one for today is fine.
    assert _create(world).next_step_on is None
    assert _create(world, next_step="Møte", next_step_on=TODAY).next_step_on == TODAY


def test_move_stage_records_history_audit_and_event(
    scoped: World, django_capture_on_commit_callbacks
) -> None:
    world = scoped
    opportunity = _create(world)
    heard: list[dict[str, Any]] = []

    def listener(**kwargs: Any) -> None:
        heard.append(kwargs)

    events.event_happened.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            moved = services.opportunity_move(
                opportunity=opportunity, actor=world.users["staff"], stage=Stage.CONTACTED
            )
    finally:
        events.event_happened.disconnect(listener)
    assert moved.stage == Stage.CONTACTED
    event = OpportunityEvent.objects.filter(opportunity=opportunity, kind=EventKind.STAGE).get()
    assert (event.from_stage, event.to_stage, event.actor) == (
        Stage.IDEA,
        Stage.CONTACTED,
        world.users["staff"],
    )
    entry = AuditLog.objects.filter(action="collaborations.opportunity.stage_changed").get()
    assert entry.data == {"from": "idea", "to": "contacted"}
    # The change log names both stages, in the reader's language.
    with translation.override("en"):
        assert describe(entry).sentence.endswith(f"{opportunity.title} from idea to contacted")
    with translation.override("nb"):
        assert describe(entry).sentence.endswith(f"{opportunity.title} fra idé til kontaktet")
    assert [h["event"] for h in heard] == ["collaboration.stage_changed"]
    assert heard[0]["payload"]["collaboration"]["to"] == "contacted"
    # The same stage again is no change at all.
    services.opportunity_move(opportunity=moved, actor=world.users["staff"], stage=Stage.CONTACTED)
    assert _kinds(opportunity) == [EventKind.CREATED, EventKind.STAGE]
    with pytest.raises(ValidationError):
        services.opportunity_move(opportunity=moved, actor=world.users["staff"], stage="nowhere")


def test_closing_clears_the_next_step_within_the_move(scoped: World) -> None:
    world = scoped
    opportunity = _create(world, next_step="Møte", next_step_on=TODAY + dt.timedelta(days=2))
    closed = services.opportunity_move(
        opportunity=opportunity, actor=world.users["manager"], stage=Stage.DROPPED, today=TODAY
    )
    assert (closed.next_step, closed.next_step_on) == ("", None)
    assert _kinds(opportunity) == [EventKind.CREATED, EventKind.STAGE]
    with pytest.raises(ValidationError) as error:
        services.opportunity_set_next_step(
            opportunity=closed, actor=world.users["manager"], next_step="Nytt møte", next_step_on=None
        )
    assert "next_step" in error.value.message_dict


def test_set_next_step(scoped: World) -> None:
    world = scoped
    opportunity = _create(world)
    due = TODAY + dt.timedelta(days=10)
    updated = services.opportunity_set_next_step(
        opportunity=opportunity,
        actor=world.users["advisor"],
        next_step="Send utkast",
        next_step_on=due,
        today=TODAY,
    )
    assert (updated.next_step, updated.next_step_on) == ("Send utkast", due)
    event = OpportunityEvent.objects.get(opportunity=opportunity, kind=EventKind.NEXT_STEP)
    assert (event.text, event.on, event.actor) == ("Send utkast", due, world.users["advisor"])
    assert _actions(world)[-1] == "collaborations.opportunity.next_step_set"
    # An overdue date that is kept is not refused when something else changes.
    Opportunity.objects.filter(pk=opportunity.pk).update(next_step_on=TODAY - dt.timedelta(days=3))
    services.opportunity_update(
        opportunity=opportunity, actor=world.users["manager"], data={"title": "Nytt navn"}, today=TODAY
    )


def test_add_note(scoped: World) -> None:
    world = scoped
    opportunity = _create(world)
    services.opportunity_add_note(
        opportunity=opportunity, actor=world.users["manager"], text="  Hyggelig møte.  "
    )
    note = OpportunityEvent.objects.get(opportunity=opportunity, kind=EventKind.NOTE)
    assert note.text == "Hyggelig møte."
    assert _actions(world)[-1] == "collaborations.opportunity.note_added"
    with pytest.raises(ValidationError) as error:
        services.opportunity_add_note(opportunity=opportunity, actor=world.users["manager"], text="   ")
    assert "note" in error.value.message_dict


def test_edit_records_the_fields_that_changed(scoped: World) -> None:
    world = scoped
    first, second = make_profile(country="FI"), make_profile(country="DE")
    opportunity = _create(world, partners=[first])
    services.opportunity_update(
        opportunity=opportunity,
        actor=world.users["manager"],
        data={"title": "Grønn skipsfart", "partners": [first, second], "members": [world.membership]},
    )
    edited = OpportunityEvent.objects.get(opportunity=opportunity, kind=EventKind.EDITED)
    assert sorted(edited.fields) == ["members", "partners", "title"]
    assert AuditLog.objects.filter(action="collaborations.opportunity.updated").get().data == {
        "fields": edited.fields
    }
    # Saving what is already there adds nothing.
    count = OpportunityEvent.objects.count()
    services.opportunity_update(
        opportunity=opportunity,
        actor=world.users["manager"],
        data={"title": "Grønn skipsfart", "partners": [second, first], "members": [world.membership]},
    )
    assert OpportunityEvent.objects.count() == count


def test_a_refused_update_writes_nothing(scoped: World) -> None:
    world = scoped
    opportunity = _create(world)
    before = (OpportunityEvent.objects.count(), AuditLog.objects.count())
    with pytest.raises(ValidationError) as error:
        services.opportunity_update(
            opportunity=opportunity,
            actor=world.users["manager"],
            data={"stage": Stage.MEETING, "partners": [], "note": "Skal ikke lagres"},
        )
    assert "partners" in error.value.message_dict
    stored = Opportunity.objects.get(pk=opportunity.pk)
    assert stored.stage == Stage.IDEA and stored.partners.count() == 1
    assert (OpportunityEvent.objects.count(), AuditLog.objects.count()) == before


def test_every_change_is_in_the_history_in_order(scoped: World) -> None:
    world = scoped
    manager = world.users["manager"]
    opportunity = _create(world)
    services.opportunity_move(opportunity=opportunity, actor=manager, stage=Stage.CONTACTED)
    services.opportunity_set_next_step(
        opportunity=opportunity, actor=manager, next_step="Møte", next_step_on=timezone.localdate()
    )
    services.opportunity_add_note(opportunity=opportunity, actor=manager, text="Notat")
    services.opportunity_update(opportunity=opportunity, actor=manager, data={"description": "Mer"})
    assert _kinds(opportunity) == [
        EventKind.CREATED,
        EventKind.STAGE,
        EventKind.NEXT_STEP,
        EventKind.NOTE,
        EventKind.EDITED,
    ]
