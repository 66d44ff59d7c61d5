"""The partner pages over HTTP, per role: the cluster's ranked partners, the manager's
publication and strengths, a member company's partners and its contact's opt-in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from klyngekart.conftest import CLUSTER_ROLES, COMPANY_ROLES
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.landscape.models import ClusterProfile, TagKind
from klyngekart.landscape.tests.factories import make_profile
from klyngekart.members.models import Membership
from klyngekart.members.tests.factories import MembershipFactory
from klyngekart.needs.tests.factories import THIS_YEAR, MembershipStrategyFactory
from klyngekart.partners.models import ClusterStrength, CompanyPartnering
from klyngekart.partners.services import company_partnering_save
from klyngekart.partners.tests.helpers import AI, AQUA, LEAN, even_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(world):  # type: ignore[no-untyped-def]
    with scope(world.cluster):
        even_round(world.cluster, {AQUA: 1.8, AI: 1.2})
    return {
        "deep": make_profile(name="Havbruk Partner", country="DK", tags=[(TagKind.AREA, AQUA)]),
        "other": make_profile(name="Annen Klynge", country="SE"),
    }


@pytest.mark.parametrize("role", CLUSTER_ROLES)
def test_the_cluster_roles_see_ranked_partners_with_reasons(client, world, directory, english, role) -> None:
    client.force_login(world.users[role])
    response = client.get(reverse("partners:index", args=[world.cluster.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Havbruk Partner") < body.index("Annen Klynge")
    assert "meets your deepest need (gap 1.8)" in body
    assert reverse("landscape:detail", args=[directory["deep"].pk]) in body
    assert ("Publication and strengths" in body) == (role == "manager")


def test_filters_keep_what_was_asked(client, world, directory, english) -> None:
    client.force_login(world.users["manager"])
    url = reverse("partners:index", args=[world.cluster.slug])
    body = client.get(url, {"country": "SE"}).content.decode()
    assert "Annen Klynge" in body and "Havbruk Partner" not in body
    response = client.get(url, {"min_score": "500"})
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 100" in response.content.decode()


def test_start_collaboration_shows_only_when_the_pipeline_is_installed(
    client, world, directory, monkeypatch
) -> None:
    from klyngekart.partners import views

    client.force_login(world.users["manager"])
    url = reverse("partners:index", args=[world.cluster.slug])
    body = client.get(url).content.decode()
    assert ("?partner=" in body) == (views.collaboration_url(world.cluster.slug) is not None)
    monkeypatch.setattr(views, "collaboration_url", lambda slug: f"/c/{slug}/collaborations/new/")
    body = client.get(url).content.decode()
    assert f"/c/{world.cluster.slug}/collaborations/new/?partner={directory['deep'].pk}" in body


def test_the_manager_publishes_and_declares_strengths(client, world, english) -> None:
    client.force_login(world.users["manager"])
    url = reverse("partners:settings", args=[world.cluster.slug])
    assert client.get(url).status_code == 200
    data = {
        "published": "on",
        "geography": "cross_border",
        "nuts": "no08",
        f"strength_{AQUA}": "3",
        f"strength_{LEAN}": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    profile = ClusterProfile.objects.get(source_cluster=world.cluster)
    assert profile.nuts == "NO08"
    with scopes_disabled():
        assert dict(
            ClusterStrength.objects.filter(cluster=world.cluster).values_list("area_code", "depth")
        ) == {AQUA: 3, LEAN: 1}
    detail = client.get(reverse("landscape:detail", args=[profile.pk])).content.decode()
    assert "Klyngekart cluster" in detail
    listing = client.get(reverse("landscape:list"), {"source": "live"}).content.decode()
    assert world.cluster.name in listing


def test_bad_input_keeps_what_was_typed(client, world, english) -> None:
    client.force_login(world.users["manager"])
    url = reverse("partners:settings", args=[world.cluster.slug])
    response = client.post(url, {"geography": "any", "nuts": "9999", "region": "Mjøsa", "founded": "1800"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mjøsa" in body and "1800" in body
    with scope(world.cluster):
        assert not AuditLog.objects.filter(action__startswith="partners.").exists()


@pytest.mark.parametrize("role", COMPANY_ROLES)
def test_a_member_company_finds_clusters_and_opted_in_companies(
    client, world, other_world, english, role
) -> None:
    MembershipStrategyFactory(
        membership=world.membership, year=THIS_YEAR, status="submitted", priority_areas=[AQUA, AI]
    )
    make_profile(name="Havbruk Partner", country="DK", tags=[(TagKind.AREA, AQUA)])
    with scope(other_world.cluster):
        partner: Membership = MembershipFactory(cluster=other_world.cluster, name="Robot AS")  # type: ignore[assignment]
        company_partnering_save(
            membership=partner, actor=other_world.users["manager"], opted_in=True, strengths=[AQUA]
        )
        hidden: Membership = MembershipFactory(cluster=other_world.cluster, name="Skjult AS")  # type: ignore[assignment]
        company_partnering_save(
            membership=hidden, actor=other_world.users["manager"], opted_in=False, strengths=[AQUA]
        )
    client.force_login(world.users[role])
    response = client.get(reverse("partners:index", args=[world.cluster.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Havbruk Partner" in body
    assert "Robot AS" in body and "Skjult AS" not in body
    assert "membership strategy" in body
    assert ("Let others find our company" in body) == (role == "contact")


def test_the_contact_opts_the_company_in(client, world, english) -> None:
    client.force_login(world.users["contact"])
    url = reverse("partners:company", args=[world.cluster.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"opted_in": "on"})
    assert response.status_code == 200 and "Choose at least one strength" in response.content.decode()
    response = client.post(url, {"opted_in": "on", "strengths": [AQUA]})
    assert response.status_code == 302
    with scopes_disabled():
        assert CompanyPartnering.objects.get(membership=world.membership).opted_in
        assert AuditLog.objects.filter(cluster=world.cluster, action="partners.company.saved").exists()


@pytest.mark.parametrize("role", ["staff", "advisor", "board", "member"])
def test_only_the_manager_changes_the_publication(client, world, role) -> None:
    client.force_login(world.users[role])
    response = client.post(
        reverse("partners:settings", args=[world.cluster.slug]), {"published": "on", "geography": "any"}
    )
    assert response.status_code == 403
    assert not ClusterProfile.objects.filter(source_cluster=world.cluster).exists()


def test_another_clusters_manager_cannot_change_or_see_our_publication(client, world, other_world) -> None:
    with scope(world.cluster):
        from klyngekart.partners.services import partner_settings_save

        partner_settings_save(
            cluster=world.cluster,
            actor=world.users["manager"],
            values={"published": True, "geography": "nearby"},
        )
    client.force_login(other_world.users["manager"])
    url = reverse("partners:settings", args=[world.cluster.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, {"geography": "any"}).status_code == 404
    assert client.get(reverse("partners:index", args=[world.cluster.slug])).status_code == 404
    with scopes_disabled():
        from klyngekart.partners.models import PartnerSettings

        assert PartnerSettings.objects.get(cluster=world.cluster).geography == "nearby"
    # The published profile itself is the directory's: readable, with no preference in it.
    body = client.get(
        reverse("landscape:detail", args=[ClusterProfile.objects.get(source_cluster=world.cluster).pk])
    )
    assert body.status_code == 200 and b"nearby" not in body.content.lower()
