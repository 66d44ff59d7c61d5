"""The demo's barometer: the demo cluster takes part, beside seven fictional neighbour clusters.

With the demo's one cluster alone every figure would be hidden (fewer than k clusters), which
shows the rule but not the page. So the demo adds seven clusters, named as fictional, that take
part with the released sums of about 30 companies each, in the years of the demo cluster's
released mapping rounds: written directly as facts (``BarometerFact`` with no round), the way a
release would leave them, which keeps the demo load fast. They have no members, people or rounds of their own.
"""

from __future__ import annotations

import random
from datetime import date

from klyngekart.barometer import services
from klyngekart.barometer.models import BarometerFact, BarometerParticipation
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys import results
from klyngekart.taxonomy.regions import COUNTIES

NEIGHBOURS = [
    ("demo-nabo-havbruk", "Fiktiv klynge: Havbruk Vest"),
    ("demo-nabo-prosess", "Fiktiv klynge: Prosessindustri Midt"),
    ("demo-nabo-energi", "Fiktiv klynge: Fornybar energi Nord"),
    ("demo-nabo-digital", "Fiktiv klynge: Digital Innlandet"),
    ("demo-nabo-bygg", "Fiktiv klynge: Grønt bygg Øst"),
    ("demo-nabo-maritim", "Fiktiv klynge: Maritim Sør"),
    ("demo-nabo-mat", "Fiktiv klynge: Mat og reiseliv Agder"),
]
SECTORS = ("A", "C", "C", "C", "D", "F", "G", "H", "J", "M")
SIZES = ("micro", "small", "small", "medium", "large")
# A national pattern the page can show: digital and green needs grow from one year to the next.
BASE_GAP = {"digital": 1.0, "green": 0.9, "technology": 0.7, "management": 0.6, "market": 0.7}


def _gap(rng: random.Random, code: str, later: bool) -> float:
    group = code.split("-", 1)[0]
    lift = 0.3 if later and group in {"digital", "green"} else 0.0
    return BASE_GAP.get(group, 0.5) + lift + rng.uniform(-1.0, 1.0)


def build_barometer(demo_cluster: Cluster, today: date, seed: int = 15) -> int:
    """Opt the demo cluster and its fictional neighbours in, write the neighbours' facts, refresh
    the demo cluster's facts from its released rounds and build an edition. Returns the facts
    written for the neighbours; run again it changes nothing (the neighbours exist)."""
    rng = random.Random(seed)  # noqa: S311 - demo data
    codes = results.national_area_codes()
    regions = [code for code, _name in COUNTIES]
    with scope(demo_cluster):
        # The neighbours answered in the same years as the demo cluster's released mapping rounds.
        years = sorted(results.barometer_rounds(demo_cluster)) or [today.year - 1, today.year]
    written = 0
    with scopes_disabled():
        BarometerParticipation.objects.update_or_create(cluster=demo_cluster, defaults={"opted_in": True})
        for number, (slug, name) in enumerate(NEIGHBOURS):
            cluster, made = Cluster.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "description": "Fiktiv klynge i demoen for kompetansebarometeret."},
            )
            BarometerParticipation.objects.update_or_create(cluster=cluster, defaults={"opted_in": True})
            if not made:
                continue
            home = regions[number % len(regions)]
            rows = []
            for company in range(30):
                company_id = 900_000_000 + number * 100 + company
                sector = rng.choice(SECTORS)
                region = home if rng.random() < 0.7 else rng.choice(regions)
                size = rng.choice(SIZES)
                people = rng.randint(3, 25)
                for year in years:
                    for code in codes:
                        answers = max(1, people - rng.randint(0, 2))
                        mean = _gap(rng, code, year == years[-1])
                        rows.append(
                            BarometerFact(
                                cluster=cluster,
                                round=None,
                                year=year,
                                company_id=company_id,
                                sector=sector,
                                region=region,
                                size=size,
                                area_code=code,
                                n=answers,
                                sum_gap=round(mean * answers),
                            )
                        )
            BarometerFact.objects.bulk_create(rows, batch_size=2000)
            written += len(rows)
    services.facts_refresh(demo_cluster)
    services.edition_build()
    return written
