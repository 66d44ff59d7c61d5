from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse


@pytest.fixture
def strict_cluster(world):  # type: ignore[no-untyped-def]
    world.cluster.require_mfa = True
    world.cluster.save()
    return world


# Staff and board see contact persons and every company's results, so they are covered too.
@pytest.mark.parametrize("role", ["manager", "staff", "advisor", "board"])
def test_roles_that_need_mfa_are_sent_to_set_it_up_and_then_get_in(strict_cluster, login, role):
    user = strict_cluster.users[role]
    client = login(user)
    home = reverse("cluster:home", args=[strict_cluster.cluster.slug])
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    TOTP.activate(user, generate_totp_secret())
    assert client.get(home).status_code == 200


@pytest.mark.parametrize("role", ["contact", "member"])
def test_other_roles_are_not_forced(strict_cluster, login, role):
    home = reverse("cluster:home", args=[strict_cluster.cluster.slug])
    assert login(strict_cluster.users[role]).get(home).status_code == 200


def test_without_the_setting_no_one_is_forced(world, login):
    home = reverse("cluster:home", args=[world.cluster.slug])
    assert login(world.users["manager"]).get(home).status_code == 200


def test_mfa_requirement_guards_the_people_page_too(strict_cluster, login):
    response = login(strict_cluster.users["manager"]).get(
        reverse("people:list", args=[strict_cluster.cluster.slug])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
