"""The partner score, as pure arithmetic: four parts, each from 0 to 1, and their weighted sum
from 0 to 100. No database here; ``matching`` loads what these functions read.

The parts (docs/guide/partners.en.md explains them to users, docs/architecture.md the choice):

- **complementarity** (weight 0.45): the partner's strengths against our top needs, breadth x
  depth: each of our needs it is strong in counts by how deep our need is (the mean gap), and by
  how strong the partner says it is where it declares a depth (1-3; a directory record's area
  counts as solid, 2 of 3); divided by the sum of our needs' depths, so covering every need at
  the leading depth is 1;
- **similarity** (0.20): for joint measures, the Jaccard index of the two clusters' sectors
  (categories, NACE divisions, free-text sectors, emerging industries) and, where the partner
  publishes needs, of the two sets of needs (the mean of the two);
- **maturity** (0.15): the ESCA label as it stands (gold 1, silver 0.75, bronze 0.5, an expired
  label 0.2, none 0) for 60 %, the years since founding (10 years or more is full) for 20 % and
  the management's full-time equivalents (3 or more is full) for 20 %;
- **geography** (0.20), as the manager prefers: nearby (the same country 0.7, and the same region
  or NUTS-2 code 1), across borders (another country 1, the same country 0), or no preference
  (0.5 for everyone, so it changes no order)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

COMPLEMENTARITY = "complementarity"
SIMILARITY = "similarity"
MATURITY = "maturity"
GEOGRAPHY = "geography"
PARTS = (COMPLEMENTARITY, SIMILARITY, MATURITY, GEOGRAPHY)
WEIGHTS: dict[str, float] = {COMPLEMENTARITY: 0.45, SIMILARITY: 0.20, MATURITY: 0.15, GEOGRAPHY: 0.20}

LABEL_VALUE = {"gold": 1.0, "silver": 0.75, "bronze": 0.5, "expired": 0.2, "none": 0.0}
FULL_AGE = 10
FULL_FTE = 3.0
DIRECTORY_DEPTH = 2  # an area tag of an imported record: "solid"
MAX_DEPTH = 3

NEARBY = "nearby"
CROSS_BORDER = "cross_border"
ANY = "any"


def complementarity(needs: Mapping[str, float], strengths: Mapping[str, int]) -> float:
    """``needs``: our need areas and their depth (> 0); ``strengths``: the partner's areas among
    them and its depth there (1-3)."""
    total = sum(needs.values())
    if total <= 0:
        return 0.0
    met = sum(
        depth * min(strengths[code], MAX_DEPTH) / MAX_DEPTH
        for code, depth in needs.items()
        if code in strengths
    )
    return met / total


def jaccard(common: int, ours: int, theirs: int) -> float:
    union = ours + theirs - common
    return common / union if union > 0 else 0.0


def similarity(sectors: tuple[int, int, int], needs: tuple[int, int, int] | None) -> float:
    """(common, ours, theirs) for sectors and, when both sides have needs, for needs."""
    sector = jaccard(*sectors)
    if needs is None or needs[1] == 0 or needs[2] == 0:
        return sector
    return (sector + jaccard(*needs)) / 2


def label_state(label: str, valid_until: date | None, today: date) -> str:
    if label in ("", "none"):
        return "none"
    if valid_until is not None and valid_until < today:
        return "expired"
    return label


def maturity(state: str, founded: int | None, fte: Decimal | float | None, today: date) -> float:
    label = LABEL_VALUE.get(state, 0.0)
    age = min(max(today.year - founded, 0) / FULL_AGE, 1.0) if founded else 0.0
    staff = min(float(fte) / FULL_FTE, 1.0) if fte else 0.0
    return 0.6 * label + 0.2 * age + 0.2 * staff


def nuts2(code: str) -> str:
    return code[:4] if len(code) >= 4 else ""


def same_region(ours: tuple[str, str], theirs: tuple[str, str]) -> bool:
    """(region, NUTS code) of each: the same NUTS-2 code, or the same region name."""
    if nuts2(ours[1]) and nuts2(ours[1]) == nuts2(theirs[1]):
        return True
    return bool(ours[0]) and ours[0].casefold() == theirs[0].casefold()


def geography(preference: str, same_country: bool, region_too: bool) -> float:
    if preference == NEARBY:
        if not same_country:
            return 0.0
        return 1.0 if region_too else 0.7
    if preference == CROSS_BORDER:
        return 0.0 if same_country else 1.0
    return 0.5


@dataclass(frozen=True)
class Parts:
    complementarity: float
    similarity: float
    maturity: float
    geography: float

    def as_dict(self) -> dict[str, float]:
        return {part: round(getattr(self, part), 3) for part in PARTS}

    @property
    def score(self) -> float:
        """The weighted sum, 0-100, to one decimal."""
        return round(100 * sum(WEIGHTS[part] * getattr(self, part) for part in PARTS), 1)


def weighted(values: Iterable[tuple[str, float]]) -> float:
    return round(100 * sum(WEIGHTS[part] * value for part, value in values), 1)
