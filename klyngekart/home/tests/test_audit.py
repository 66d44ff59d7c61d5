from __future__ import annotations

from typing import cast

import pytest
from django.utils import translation

from klyngekart.core.audit import audit_log
from klyngekart.core.audit_text import SENTENCES, describe, describe_all
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope
from klyngekart.members.models import Contact
from klyngekart.members.selectors import company_names
from klyngekart.members.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def changes_url(world, query: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/c/{world.cluster.slug}/changes/{query}"


def log(world, action: str, target=None, actor=None, **data) -> AuditLog:  # type: ignore[no-untyped-def]
    with scope(world.cluster):
        return audit_log(cluster=world.cluster, actor=actor, action=action, target=target, data=data)


@pytest.mark.parametrize("role", ["manager", "staff"])
def test_the_cluster_team_reads_the_change_log(world, login, role):
    log(world, "members.membership.created", world.membership, world.users["manager"])
    response = login(world.users[role]).get(changes_url(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"added {world.membership.company.name} as a member" in body
    assert world.users["manager"].full_name in body
    assert f'href="/c/{world.cluster.slug}/changes/"' in body  # the side navigation entry


@pytest.mark.parametrize("role", ["advisor", "board", "contact", "member"])
def test_other_roles_may_not_read_the_change_log(world, login, role):
    assert login(world.users[role]).get(changes_url(world)).status_code == 403


def test_the_change_log_nav_entry_is_hidden_from_roles_without_access(world, login):
    body = login(world.users["advisor"]).get(f"/c/{world.cluster.slug}/").content.decode()
    assert "/changes/" not in body


def test_another_clusters_change_log_is_not_found(world, other_world, login):
    assert login(world.users["manager"]).get(changes_url(other_world)).status_code == 404


def test_the_change_log_only_shows_its_own_clusters_entries(world, other_world, login):
    log(other_world, "core.cluster.updated", other_world.cluster)
    response = login(world.users["manager"]).get(changes_url(world))
    assert list(response.context["page"].object_list) == []


def test_the_change_log_filters_by_area(world, login):
    log(world, "members.membership.created", world.membership)
    log(world, "accounts.invitation.created", None, email="ny@example.no", role="staff")
    log(world, "core.cluster.updated", world.cluster)
    client = login(world.users["manager"])
    actions = lambda query: [e.action for e in client.get(changes_url(world, query)).context["page"]]  # noqa: E731
    assert actions("?action=members.") == ["members.membership.created"]
    assert actions("?action=accounts.") == ["accounts.invitation.created"]
    assert actions("?action=core.") == ["core.cluster.updated"]
    # Anything but a known area shows everything rather than a made-up filter.
    assert len(actions("?action=')--")) == 3


def test_the_change_log_filters_by_person_and_days(world, login, english):
    import datetime

    from django.utils import timezone

    manager, staff = world.users["manager"], world.users["staff"]
    old = log(world, "members.membership.created", world.membership, manager)
    log(world, "members.membership.updated", world.membership, staff)
    log(world, "core.cluster.updated", world.cluster, manager)
    with scope(world.cluster):
        AuditLog.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    client = login(manager)
    actions = lambda query: [e.action for e in client.get(changes_url(world, query)).context["page"]]  # noqa: E731
    assert actions(f"?who={staff.pk}") == ["members.membership.updated"]
    assert actions(f"?who={manager.pk}") == ["core.cluster.updated", "members.membership.created"]
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert actions(f"?who={manager.pk}&since={since}") == ["core.cluster.updated"]
    until = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert actions(f"?until={until}") == ["members.membership.created"]
    # Only people who appear in this cluster's log are offered.
    body = client.get(changes_url(world)).content.decode()
    assert f'value="{staff.pk}"' in body and f'value="{world.users["board"].pk}"' not in body
    # A range that ends before it starts is an error, and the typed days are kept.
    refused = client.get(changes_url(world, f"?since={since}&until={until}")).content.decode()
    assert "The last day cannot be before the first." in refused and f'value="{since}"' in refused


def test_the_change_log_is_paginated_and_keeps_the_filter_in_page_links(world, login):
    with scope(world.cluster):
        AuditLog.objects.bulk_create(
            AuditLog(
                cluster=world.cluster, action="members.membership.updated", object_repr=f"Bedrift {n} · x"
            )
            for n in range(60)
        )
    client = login(world.users["manager"])
    first = client.get(changes_url(world, "?action=members."))
    assert len(first.context["changes"]) == 50
    assert "?action=members.&amp;page=2" in first.content.decode()
    second = client.get(changes_url(world, "?action=members.&page=2"))
    assert len(second.context["changes"]) == 10
    # The current page is marked for screen readers (and styled by app.css), the others are not.
    body = second.content.decode()
    assert 'aria-current="page" href="?action=members.&amp;page=2"' in body
    assert 'aria-current="page" href="?action=members.&amp;page=1"' not in body
    assert client.get(changes_url(world, "?page=999")).context["page"].number == 2


def test_every_known_action_reads_as_a_sentence_without_codes(world):
    for action in SENTENCES:
        entry = log(world, action, world.membership, world.users["staff"], email="a@example.no", role="staff")
        sentence = describe(entry).sentence
        assert action not in sentence
        assert "%(" not in sentence
        assert sentence.startswith(world.users["staff"].full_name)


def test_sentences_use_the_readers_language_and_role_labels(world):
    entry = log(
        world, "accounts.role.changed", None, world.users["manager"], **{"from": "staff", "to": "manager"}
    )
    with translation.override("en"):
        assert describe(entry).sentence.endswith("from Cluster staff to Cluster manager")


def test_contact_changes_name_the_company_in_one_query(world, django_assert_num_queries):
    contacts = [
        cast(Contact, ContactFactory(membership=m)) for m in (world.membership, world.other_membership)
    ]
    entries = [log(world, "members.contact.created", c, None, membership=c.membership_id) for c in contacts]
    with scope(world.cluster), django_assert_num_queries(1):
        sentences = [change.sentence for change in describe_all(entries, company_names=company_names)]
    assert (
        sentences[0] == f"The system added {contacts[0].name} as a contact at {world.membership.company.name}"
    )
    assert world.other_membership.company.name in sentences[1]


def test_pauses_recorded_as_an_ended_membership_still_read_as_a_pause(world):
    entry = log(world, "members.membership.ended", world.membership, None, to="paused")
    assert "paused the membership of" in describe(entry).sentence


def test_an_unknown_action_still_shows_who_did_what(world):
    entry = log(world, "surveys.round.renamed_by_a_future_module", None, world.users["staff"])
    assert (
        describe(entry).sentence
        == f"{world.users['staff'].full_name}: surveys.round.renamed_by_a_future_module –"
    )
