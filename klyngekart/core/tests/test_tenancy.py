import pytest

from klyngekart.core.tenancy import ScopeError, scope, scopes_disabled
from klyngekart.members.models import Membership

pytestmark = pytest.mark.django_db


def test_an_unscoped_query_on_a_cluster_owned_model_fails_loudly(world):
    with pytest.raises(ScopeError):
        list(Membership.objects.all())


def test_a_scope_sees_only_its_own_cluster(world, other_world):
    with scope(world.cluster):
        seen = set(Membership.objects.values_list("cluster_id", flat=True))
    assert seen == {world.cluster.id}


def test_related_managers_stay_scoped(world, other_world):
    shared = world.membership.company
    # The same company joins the other cluster too.
    from klyngekart.members.tests.factories import MembershipFactory

    MembershipFactory(cluster=other_world.cluster, company=shared)
    with scope(world.cluster):
        assert [m.cluster_id for m in shared.memberships.all()] == [world.cluster.id]
    with scopes_disabled():
        assert shared.memberships.count() == 2
