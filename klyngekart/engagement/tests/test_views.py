"""The engagement page, its weights and the mail to the members at risk: who may open what, the
filters and sorting, the form that keeps what was typed, and the preview before anything is sent."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from klyngekart.accounts.models import User
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.engagement import services
from klyngekart.engagement.models import EngagementMail, EngagementSettings
from klyngekart.engagement.tests.factories import member, registration
from klyngekart.members.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _rebuild(cluster) -> None:
    with scope(cluster):
        services.scores_rebuild(cluster=cluster)


def _url(world, name: str) -> str:
    return reverse(f"engagement:{name}", args=[world.cluster.slug])


@pytest.mark.parametrize(
    ("role", "index", "settings", "mail_page"),
    [
        ("manager", 200, 200, 200),
        ("staff", 200, 403, 200),
        ("advisor", 200, 403, 403),
        ("board", 403, 403, 403),
        ("contact", 403, 403, 403),
        ("member", 403, 403, 403),
    ],
)
def test_who_may_open_the_pages(world, login, role, index, settings, mail_page):
    client = login(world.users[role])
    assert client.get(_url(world, "index")).status_code == index
    assert client.get(_url(world, "settings")).status_code == settings
    assert client.get(_url(world, "mail")).status_code == mail_page


def test_the_page_lists_scores_with_their_parts_and_filters_the_members_at_risk(world, login, english):
    registration(world.membership, days=5, attended=True)
    _rebuild(world.cluster)
    client = login(world.users["manager"])
    page = client.get(_url(world, "index")).content.decode()
    assert world.membership.name in page and world.other_membership.name in page
    assert "At risk" in page and "How the score is made" in page
    at_risk = client.get(_url(world, "index") + "?show=at_risk").content.decode()
    assert world.other_membership.name in at_risk
    assert world.membership.name not in at_risk


def test_the_page_sorts_by_name_and_pages(world, login):
    for number in range(60):
        member(world.cluster, name=f"Firma {number:02d} AS")
    _rebuild(world.cluster)
    client = login(world.users["staff"])
    first = client.get(_url(world, "index") + "?sort=name").content.decode()
    assert "Firma 00 AS" in first and "Firma 59 AS" not in first
    second = client.get(_url(world, "index") + "?sort=name&page=2").content.decode()
    assert "Firma 59 AS" in second
    assert client.get(_url(world, "index") + "?sort=nonsense&show=nonsense").status_code == 200


def test_the_page_answers_in_a_few_queries_whatever_the_number_of_members(
    world, login, django_assert_max_num_queries
):
    for _ in range(40):
        member(world.cluster)
    _rebuild(world.cluster)
    client = login(world.users["manager"])
    client.get(_url(world, "index"))
    with django_assert_max_num_queries(20):
        assert client.get(_url(world, "index")).status_code == 200


def test_the_manager_changes_the_weights_and_a_bad_value_keeps_what_was_typed(
    world, login, english, django_capture_on_commit_callbacks
):
    client = login(world.users["manager"])
    data = dict.fromkeys(services.SETTINGS_FIELDS, 10) | {"weight_strategy": 250}
    response = client.post(_url(world, "settings"), data)
    assert response.status_code == 200
    assert 'value="250"' in response.content.decode()
    with scopes_disabled():
        assert not EngagementSettings.objects.exists()
    data["weight_strategy"] = 40
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(world, "settings"), data)
    assert response.status_code == 302
    with scopes_disabled():
        assert EngagementSettings.objects.get(cluster=world.cluster).weight_strategy == 40
        assert AuditLog.objects.filter(action="engagement.settings.changed").count() == 1


def _at_risk_contacts(world):
    """Two companies at risk with a contact each (one reads English), one company taking part."""
    ContactFactory(membership=world.other_membership, email="kari@bedrift.example.no")
    quiet = member(world.cluster, name="Stille Bedrift AS")
    ContactFactory(membership=quiet, email="anna@quiet.example.com")
    User.objects.create_user(email="anna@quiet.example.com", password="x" * 12, language="en")
    active = member(world.cluster, name="Aktiv Bedrift AS")
    ContactFactory(membership=active, email="per@aktiv.example.no")
    registration(active, days=3)
    _rebuild(world.cluster)
    return quiet, active


def test_the_mail_to_members_at_risk_is_previewed_before_it_is_sent(
    world, login, django_capture_on_commit_callbacks
):
    quiet, _active = _at_risk_contacts(world)
    client = login(world.users["manager"])
    page = client.get(_url(world, "mail")).content.decode()
    assert "kari@bedrift.example.no" in page and "anna@quiet.example.com" in page
    assert "per@aktiv.example.no" not in page

    text = {"subject": "Vi savner dere", "message": "Kom på medlemsmøtet i januar!", "preview": "1"}
    preview = client.post(_url(world, "mail"), text).content.decode()
    assert "Kom på medlemsmøtet i januar!" in preview
    assert "Sent by Klynge alfa through Klyngekart." in preview  # the English recipient's frame
    assert "Sendt av Klynge alfa gjennom Klyngekart." in preview  # the Norwegian one's
    assert mail.outbox == []
    with scopes_disabled():
        assert not EngagementMail.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(world, "mail"), {**text, "send": "1"})
    assert response.status_code == 302
    by_address = {message.to[0]: message for message in mail.outbox}
    # The world's own company is at risk too: its contact user gets the mail as well.
    assert set(by_address) == {"kari@bedrift.example.no", "anna@quiet.example.com", "contact@alfa.example.no"}
    assert by_address["anna@quiet.example.com"].subject == "Vi savner dere"
    assert "To Stille Bedrift AS," in by_address["anna@quiet.example.com"].body
    assert "Sendt av Klynge alfa" in by_address["kari@bedrift.example.no"].body
    with scopes_disabled():
        sent = EngagementMail.objects.get()
        entry = AuditLog.objects.get(action="engagement.mail.sent")
    assert sent.sent_at is not None and entry.data == {"count": 3, "companies": 3}


def test_an_empty_message_is_refused_and_nothing_is_sent(world, login, english):
    _at_risk_contacts(world)
    client = login(world.users["staff"])
    response = client.post(_url(world, "mail"), {"subject": "Hei", "message": "", "send": "1"})
    assert response.status_code == 200
    assert 'value="Hei"' in response.content.decode()
    assert mail.outbox == []


def test_with_no_member_at_risk_nothing_is_sent_and_the_page_says_why(world, login, english):
    registration(world.membership, days=3)
    registration(world.other_membership, days=3)
    _rebuild(world.cluster)
    client = login(world.users["manager"])
    response = client.post(_url(world, "mail"), {"subject": "Hei", "message": "Velkommen", "send": "1"})
    assert response.status_code == 200
    assert "No member at risk has a contact with an email address." in response.content.decode()
    assert mail.outbox == []


def test_the_cluster_menu_leads_to_the_page_for_the_roles_that_may_see_it(world, login):
    url = _url(world, "index")
    home = reverse("cluster:home", args=[world.cluster.slug])
    assert url in login(world.users["advisor"]).get(home).content.decode()
    assert url not in login(world.users["board"]).get(home).content.decode()
