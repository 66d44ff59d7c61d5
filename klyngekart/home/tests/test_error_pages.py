from __future__ import annotations

import re

import pytest
from django.template.loader import get_template
from django.test import RequestFactory
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_an_unknown_address_gets_the_friendly_not_found_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We could not find that page" in body
    assert 'href="/"' in body


def test_another_clusters_address_looks_exactly_like_a_missing_one(world, other_world, login):
    client = login(world.users["manager"])

    def page(path: str) -> str:
        # The main content; the header differs only by the fresh CSRF mask and the page's own path.
        response = client.get(path)
        assert response.status_code == 404
        return re.search(r"<main.*</main>", response.content.decode(), flags=re.DOTALL).group(0)  # type: ignore[union-attr]

    foreign = page(f"/c/{other_world.cluster.slug}/")
    missing = page("/c/no-such-cluster/")
    assert foreign == missing
    assert other_world.cluster.name not in foreign


def test_a_page_above_the_role_explains_itself_and_links_back(world, login):
    response = login(world.users["board"]).get(f"/c/{world.cluster.slug}/changes/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "This page is not part of your role" in body
    assert 'href="/"' in body


def test_the_server_error_page_renders_without_a_request_context():
    html = get_template("500.html").render()
    assert "Something went wrong on our side" in html
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


@pytest.mark.parametrize("content_type", ["multipart/form-data", 'multipart/form-data; boundary=""'])
def test_a_form_without_a_multipart_boundary_gets_a_page_that_says_so(world, login, english, content_type):
    client = login(world.users["manager"])
    response = client.generic(
        "POST", f"/c/{world.cluster.slug}/members/import/", b"--x\r\nfile", content_type=content_type
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "We could not read what your browser sent" in body
    assert 'href="/"' in body


def test_the_bad_request_page_renders_without_a_request_context():
    html = get_template("400.html").render()
    assert "We could not read what your browser sent" in html
