import pytest

pytestmark = pytest.mark.django_db


def test_the_manager_sees_member_charts_on_the_cluster_home(world, login):
    response = login(world.users["manager"]).get(f"/c/{world.cluster.slug}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-chart="size-chart"' in body
    assert world.cluster.name in body


def test_a_member_user_sees_the_home_without_dashboards(world, login):
    response = login(world.users["member"]).get(f"/c/{world.cluster.slug}/")
    assert response.status_code == 200
    assert 'data-chart="size-chart"' not in response.content.decode()


def test_another_clusters_home_is_not_found(world, other_world, login):
    response = login(world.users["manager"]).get(f"/c/{other_world.cluster.slug}/")
    assert response.status_code == 404
