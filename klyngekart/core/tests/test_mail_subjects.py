"""Mail subjects are plain text: a cluster, company or measure called "Ås & Sønn" arrived as
"Ås &amp; Sønn" because the subject templates were rendered with HTML escaping."""

from __future__ import annotations

import pytest
from django.core import mail

from klyngekart.accounts.services import invitation_create
from klyngekart.core.tenancy import scope
from klyngekart.measures.mail import invitations_send
from klyngekart.measures.models import MeasureInvitation
from klyngekart.measures.tests.factories import make_measure
from klyngekart.members.tests.factories import ContactFactory
from klyngekart.surveys.rounds.mail import render_round_mail
from klyngekart.surveys.rounds.services import invitations_add
from klyngekart.surveys.tests.rounds_helpers import draft_round, part_of

pytestmark = pytest.mark.django_db

CLUSTER = 'Ås & Sønn "Klynge" <Vest>'
COMPANY = "Berg & Co's Verksted AS"


@pytest.fixture
def named(world):  # type: ignore[no-untyped-def]
    world.cluster.name = CLUSTER
    world.cluster.save()
    # The mails name the company as the cluster records it: its membership.
    world.membership.name = COMPANY
    world.membership.save()
    return world


def test_the_invitation_to_a_cluster(named, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(cluster=named.cluster, email="ny@example.no", role="staff", invited_by=None)
    assert CLUSTER in mail.outbox[0].subject


def test_the_invitation_to_a_joint_measure(named) -> None:
    ContactFactory(membership=named.membership, cluster=named.cluster, email="sjef@example.no")
    measure = make_measure(cluster=named.cluster, title="Sveising & <TIG>")
    with scope(named.cluster):
        invitation = MeasureInvitation.objects.create(
            cluster=named.cluster,
            measure=measure,
            membership=named.membership,
            recipients=[{"email": "sjef@example.no", "language": "nb"}],
        )
    invitations_send(cluster_id=named.cluster.pk, measure_id=measure.pk, invitation_ids=[invitation.pk])
    subject = mail.outbox[0].subject
    assert CLUSTER in subject and "Sveising & <TIG>" in subject


def test_the_invitation_to_a_mapping_round(named) -> None:
    round_ = draft_round(named, title="Kartlegging & <2026>")
    part = part_of(round_, named)
    invitations_add(
        round_company=part, actor=named.users["contact"], emails=["ola@bedrift.no"], language="nb"
    )
    with scope(named.cluster):
        invitation = part.invitations.get()
    for kind in ("invitation", "reminder"):
        subject, _text, html = render_round_mail(
            invitation=invitation, url="https://x.example/s/t/", kind=kind
        )
        assert COMPANY in subject and "Kartlegging & <2026>" in subject
        assert "&amp;" not in subject and "\n" not in subject
        # The HTML part still escapes: there the name is markup.
        assert "Berg &amp; Co" in html
