"""What the national competence barometer may read of a cluster's released results.

The barometer (klyngekart/barometer/) adds clusters' figures together across the installation. It
reads them here, from the sums a release holds, and never from answers: a round that is open, or
closed but not yet released, gives nothing. Per cluster and year it takes the latest released
mapping round (a round whose survey asks for competence gaps), and from it, per company and
competence area, the number of answers and the sum of their gaps, together with the company's
sector (NACE section), county and size class as the cluster records it.

Only areas of the shipped default taxonomy count: a national view needs one vocabulary, and an
area a cluster added itself means nothing next to another cluster's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from klyngekart.core.models import Cluster
from klyngekart.surveys.models import AreaAggregate, ReleaseStatus, Round
from klyngekart.surveys.models.responses import ALL
from klyngekart.surveys.results.core import mapping_round_filter
from klyngekart.taxonomy.defaults import default_areas


class CompanyAreaSums(NamedTuple):
    """One company's released sums in one competence area of one round."""

    round_id: int
    year: int
    company_id: int
    sector: str
    region: str
    size: str
    area_code: str
    n: int
    sum_gap: int


def national_area_codes() -> list[str]:
    return [str(area["code"]) for area in default_areas()]


def barometer_rounds(cluster: Cluster) -> dict[int, Round]:
    """Per year (the year a round closes), the cluster's latest released mapping round."""
    rounds = (
        Round.objects.filter(cluster=cluster, release__status=ReleaseStatus.READY)
        .filter(mapping_round_filter())
        .order_by("closes_on", "id")
    )
    return {round_.closes_on.year: round_ for round_ in rounds}


def barometer_sums(cluster: Cluster) -> Iterator[CompanyAreaSums]:
    """The released per-company area sums the barometer adds up, for one cluster."""
    codes = set(national_area_codes())
    for year, round_ in sorted(barometer_rounds(cluster).items()):
        rows = (
            AreaAggregate.objects.filter(round=round_, segment=ALL, n__gt=0)
            .order_by("round_company_id", "area_code")
            .values_list(
                "round_company__company_id",
                "round_company__membership__nace_section",
                "round_company__membership__region",
                "round_company__membership__size_class",
                "area_code",
                "n",
                "sum_gap",
            )
        )
        for company_id, sector, region, size, code, n, sum_gap in rows.iterator(chunk_size=5000):
            if code in codes:
                yield CompanyAreaSums(round_.pk, year, company_id, sector, region, size, code, n, sum_gap)
