"""The shipped default taxonomy and the ESCO concepts it refers to, read from data/.

Both files are read once per process. ESCO (© European Union, CC BY 4.0) is shipped as the subset
the areas use and never fetched: an installation must work offline and give the same labels
on every server.
"""

from __future__ import annotations

import csv
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
ESCO_URI = re.compile(r"^http://data\.europa\.eu/esco/skill/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")


@cache
def default_areas() -> tuple[dict[str, Any], ...]:
    """The default areas in order: code, group, name {nb, en}, description {nb, en}, esco [uri]."""
    with (DATA / "competence_areas.json").open(encoding="utf-8") as handle:
        return tuple(json.load(handle))


@cache
def esco_labels() -> dict[str, str]:
    """ESCO URI -> English preferred label, for the concepts we ship."""
    with (DATA / "esco_concepts.csv").open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return {row["uri"]: row["preferred_label_en"] for row in csv.DictReader(lines)}


def esco_label(uri: str) -> str:
    """The concept's label; an URI we do not ship (added by a cluster) shows as itself."""
    return esco_labels().get(uri, uri)
