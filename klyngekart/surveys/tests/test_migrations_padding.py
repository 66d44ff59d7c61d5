"""Migrations 0007 and 0008 on a database that holds what 0006 stored: open links keep their state, the plain
sha256 digests become the keyed ones the application computes (so a retried submission and a saved
draft are still found, and the plain digest of a mailed token is gone), and an address invited twice
in a round keeps one invitation with its address."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.answering.drafts import draft_load, draft_save
from klyngekart.surveys.answering.services import response_submit, submitted
from klyngekart.surveys.models import RespondentInvitation, Response, RoundCompany
from klyngekart.surveys.tests.answering import build_mapping, full_answers
from klyngekart.surveys.tests.factories import RoundCompanyFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("surveys", "0006_round_release")]


def test_0007_and_0008_keep_open_links_and_keys_what_0006_stored(world) -> None:
    mapping = build_mapping(world.membership)  # its open link is on
    closed_link: RoundCompany = RoundCompanyFactory(  # type: ignore[assignment]
        round=mapping.round, cluster=world.cluster, membership=world.other_membership
    )
    with scope(world.cluster):
        response_submit(
            round_company=mapping.company,
            raw_answers=full_answers(),
            submission_key="retry-me",
            language="nb",
        )
        draft_save(round_company=mapping.company, token="draft-token", answers={"role": "office"}, section=1)
    round_id = mapping.round.pk

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    # What 0006 stored: plain sha256 digests, and invitations it allowed (one address, two companies).
    old.get_model("surveys", "Response").objects.update(
        submission_key=hashlib.sha256(f"{round_id}:retry-me".encode()).hexdigest()
    )
    old.get_model("surveys", "ResponseDraft").objects.update(
        token_hash=hashlib.sha256(b"klyngekart-draft:draft-token").hexdigest()
    )
    Invitation = old.get_model("surveys", "RespondentInvitation")  # noqa: N806
    for number, (part, email) in enumerate(
        [(mapping.company, "ola@bedrift.no"), (closed_link, "ola@bedrift.no"), (closed_link, "kari@annen.no")]
    ):
        Invitation.objects.create(
            cluster_id=world.cluster.pk, round_company_id=part.pk, email=email, token_hash=f"{number:064d}"
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    with scopes_disabled():
        links = dict(RoundCompany.objects.values_list("pk", "open_link_enabled"))
        invitations = list(RespondentInvitation.objects.order_by("pk").values_list("round_id", "email"))
        stored = Response.objects.get().submission_key
    assert links == {mapping.company.pk: True, closed_link.pk: False}
    assert invitations == [(round_id, "ola@bedrift.no"), (round_id, ""), (round_id, "kari@annen.no")]
    assert stored != hashlib.sha256(f"{round_id}:retry-me".encode()).hexdigest()
    with scope(world.cluster):
        part = RoundCompany.objects.select_related("round").get(pk=mapping.company.pk)
        assert submitted(round_company=part, submission_key="retry-me")
        assert draft_load(round_company=part, token="draft-token") == ({"role": "office"}, 1)
