"""static/vendor/VERSIONS names every vendored front-end package with its version and licence, and
scripts/vendor.sh pins the same versions it lists."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LINE = re.compile(r"^(?P<spec>@?[a-z0-9./-]+@\d+\.\d+\.\d+) (?P<licence>[A-Za-z0-9.-]+)( \(.+\))?$")
# Which package each vendored folder comes from.
FOLDERS = {
    "axe": "axe-core",
    "designsystemet": "@digdir/designsystemet-css",
    "htmx": "htmx.org",
    "inter": "@fontsource/inter",
    "vega": "vega",
    "world-atlas": "world-atlas",
}


def _lines() -> list[re.Match[str]]:
    lines = (ROOT / "static" / "vendor" / "VERSIONS").read_text().splitlines()
    found = [LINE.match(line) for line in lines]
    assert all(found), [line for line, match in zip(lines, found, strict=True) if not match]
    return [match for match in found if match]


def test_every_vendored_package_has_a_version_and_a_licence() -> None:
    names = {match["spec"].rsplit("@", 1)[0] for match in _lines()}
    folders = {path.name for path in (ROOT / "static" / "vendor").iterdir() if path.is_dir()}
    assert folders == set(FOLDERS)
    assert set(FOLDERS.values()) <= names


def test_the_vendoring_script_pins_what_versions_lists() -> None:
    script = (ROOT / "scripts" / "vendor.sh").read_text()
    pinned = set(re.findall(r'^  "(@?[a-z0-9./-]+@[\d.]+)"$', script, re.M))
    listed = {match["spec"] for match in _lines()} - {"vega-interpreter@2.3.2"}
    assert pinned == listed
