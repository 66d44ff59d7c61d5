"""collectstatic with the production storage: a manifest storage rewrites every reference a
static file makes (url() in CSS, sourceMappingURL in JS) and stops at the first one that is
missing, which left production without a manifest and every page a 500."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static

# Whitenoise's CompressedManifestStaticFilesStorage (production) is this storage plus
# compression; the test leaves compression out to stay fast. `make collectstatic-check` runs the
# production one itself.
MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
VENDOR = Path(settings.BASE_DIR) / "static" / "vendor"


def test_no_vendored_file_points_at_a_source_map_that_is_not_vendored() -> None:
    dangling = []
    for path in sorted(VENDOR.rglob("*")):
        if path.suffix not in (".js", ".css"):
            continue
        for name in re.findall(r"sourceMappingURL=([^\s*]+)", path.read_text(encoding="utf-8")):
            if not (path.parent / name).exists():
                dangling.append(f"{path.relative_to(VENDOR)} -> {name}")
    assert dangling == []


@pytest.mark.django_db
def test_collectstatic_with_a_manifest_and_a_page_that_uses_it(tmp_path, settings, client) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}

    call_command("collectstatic", "--noinput", verbosity=0)

    hashed = static("vendor/vega/vega-embed.min.js")
    assert re.fullmatch(r"/static/vendor/vega/vega-embed\.min\.[0-9a-f]{12}\.js", hashed)
    assert (tmp_path / hashed.removeprefix("/static/")).exists()
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert re.search(r"/static/vendor/htmx/htmx\.min\.[0-9a-f]{12}\.js", response.content.decode())
