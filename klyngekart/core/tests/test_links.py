"""One way to build an absolute address (klyngekart/core/links.py), and production's check that
SITE_URL is set (klyngekart/core/checks.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from klyngekart.core.checks import check_site_url
from klyngekart.core.links import absolute_url, site_url

ROOT = Path(__file__).resolve().parents[3]


def test_a_request_decides_the_host_port_and_scheme(settings) -> None:
    settings.SITE_URL = "https://mail.example.no"
    settings.ALLOWED_HOSTS = ["kart.example.no", "127.0.0.1"]
    request = RequestFactory().get("/", HTTP_HOST="kart.example.no:8001")
    assert absolute_url("/s/abc/", request=request) == "http://kart.example.no:8001/s/abc/"
    secure = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8443", secure=True)
    assert absolute_url("/s/abc/", request=secure) == "https://127.0.0.1:8443/s/abc/"


def test_without_a_request_site_url_decides(settings) -> None:
    settings.SITE_URL = "https://kart.example.no/"
    assert site_url() == "https://kart.example.no"
    assert absolute_url("/s/abc/") == "https://kart.example.no/s/abc/"


def test_no_site_url_is_an_error_not_a_localhost_link(settings) -> None:
    settings.SITE_URL = ""
    with pytest.raises(ImproperlyConfigured):
        absolute_url("/s/abc/")
    with pytest.raises(ValueError):
        absolute_url("s/abc/", request=RequestFactory().get("/"))


@pytest.mark.parametrize(
    ("value", "ids"),
    [
        ("", ["klyngekart.E001"]),
        ("   ", ["klyngekart.E001"]),
        ("http://kart.example.no", ["klyngekart.E002"]),
        ("kart.example.no", ["klyngekart.E002"]),
        ("https://kart.example.no/klynge", ["klyngekart.E002"]),
        ("https://", ["klyngekart.E002"]),
        ("https://kart.example.no", []),
        ("https://kart.example.no:8443/", []),
    ],
)
def test_the_deploy_check_wants_an_https_site_url(settings, value: str, ids: list[str]) -> None:
    settings.SITE_URL = value
    assert [message.id for message in check_site_url()] == ids


def test_the_check_runs_with_deploy_only(settings) -> None:
    settings.SITE_URL = ""
    assert "klyngekart.E001" not in {message.id for message in run_checks()}
    assert "klyngekart.E001" in {message.id for message in run_checks(include_deployment_checks=True)}


def _check_deploy(site_url: str | None) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SITE_URL", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x" * 64 + "-deploy-check-only-9f8e7d6c5b4a",
        DATABASE_URL="postgres://klyngekart@db.invalid:5432/klyngekart",
        ALLOWED_HOSTS="klyngekart.example.no",
    )
    if site_url is not None:
        env["SITE_URL"] = site_url
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_manage_py_check_deploy_fails_without_site_url_in_production() -> None:
    missing = _check_deploy(None)
    assert missing.returncode != 0
    assert "klyngekart.E001" in missing.stderr
    given = _check_deploy("https://klyngekart.example.no")
    assert given.returncode == 0, given.stderr
