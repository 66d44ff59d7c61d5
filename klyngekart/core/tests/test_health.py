import importlib
import sys
from unittest import mock

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_fails(client):
    with mock.patch("klyngekart.core.views.connection.cursor", side_effect=RuntimeError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")


@pytest.fixture
def production_settings(monkeypatch):  # type: ignore[no-untyped-def]
    """The production settings module as an installation would load it."""
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ALLOW_SQLITE", "true")
    sys.modules.pop("config.settings.production", None)
    module = importlib.import_module("config.settings.production")
    yield module
    sys.modules.pop("config.settings.production", None)


def test_a_plain_http_health_check_is_answered_while_pages_still_redirect_to_https(
    client, settings, production_settings
):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = production_settings.SECURE_REDIRECT_EXEMPT
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz", headers={"x-forwarded-proto": "http"}).status_code == 200
    login = client.get("/accounts/login/")
    assert login.status_code == 301
    assert login["Location"].startswith("https://")
    # Only the health check: a path that merely starts with it is redirected like any page.
    assert client.get("/healthz/extra").status_code == 301


def test_the_health_check_still_needs_an_allowed_host(client, settings, production_settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = production_settings.SECURE_REDIRECT_EXEMPT
    settings.ALLOWED_HOSTS = ["klyngekart.example.no"]
    assert client.get("/healthz", headers={"host": "10.0.0.7:8000"}).status_code == 400
    assert client.get("/healthz", headers={"host": "klyngekart.example.no"}).status_code == 200
