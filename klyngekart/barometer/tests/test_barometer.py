"""The barometer end to end: taking part, released rounds only, the k rule on companies and on
clusters, a cluster leaving between two reads, and the release hook."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from klyngekart.barometer import selectors, services
from klyngekart.barometer.models import BarometerCell, BarometerFact, BarometerParticipation
from klyngekart.barometer.tests.factories import AREAS, YEAR, Company, cluster_round, installation
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.members.tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

AREA = AREAS[0]


def refresh_all(rounds: list) -> None:
    for made in rounds:
        services.facts_refresh(made.round.cluster)
    services.edition_build()


def total_row(**filters: str) -> selectors.Row:
    result = selectors.barometer(selectors.parse_query(area=AREA, **filters))
    assert len(result.rows) == 1
    return result.rows[0]


def test_five_clusters_of_five_companies_show_the_mean_gap_and_the_share_with_the_need() -> None:
    rounds = installation(5, companies=[Company(level=2)] * 4 + [Company(level=4)])
    refresh_all(rounds)

    row = total_row()

    assert row.shown
    assert (row.companies, row.clusters, row.answers) == (25, 5, 125)
    # 20 companies at gap 2 and 5 at gap 0: mean 1.6; 20 of 25 companies have the need.
    assert row.mean_gap == Decimal("1.60")
    assert row.need_share == Decimal("0.8000")
    assert row.year == YEAR


def test_four_clusters_are_too_few_however_many_companies_answer() -> None:
    rounds = installation(4, companies=[Company()] * 10)
    refresh_all(rounds)

    row = total_row()

    assert not row.shown
    assert row.reason == "clusters"
    assert row.mean_gap is None and row.companies is None


def test_a_company_in_five_clusters_is_one_company_not_five() -> None:
    shared = CompanyFactory()
    rounds = installation(5, companies=[Company(sector="C")] * 5)
    for made in rounds:
        cluster_round(made.round.cluster, [Company(sector="J", company=shared)], year=YEAR + 1)
    refresh_all(rounds)

    row = selectors.barometer(selectors.parse_query(area=AREA, sector="J", year=YEAR + 1)).rows[0]

    assert not row.shown
    assert row.reason == "companies"


def test_a_sector_with_four_companies_is_hidden_and_so_is_the_smallest_other_so_the_rest_is_not_four() -> (
    None
):
    # Five clusters of four companies in C and one in F, and a sixth cluster whose four
    # companies are all in J: J alone is too small.
    rounds = installation(5, companies=[Company(sector="C")] * 4 + [Company(sector="F")])
    rounds.append(cluster_round(companies=[Company(sector="J")] * 4))
    refresh_all(rounds)

    j = total_row(sector="J")
    assert not j.shown and j.reason in {"companies", "clusters"}
    # "All companies" minus C minus F would be J's four companies: one more must hide.
    c, f = total_row(sector="C"), total_row(sector="F")
    assert not (c.shown and f.shown and total_row().shown)


def test_the_size_bands_never_subtract_into_a_small_band() -> None:
    # 1-9: three companies; everything else plentiful.
    sizes = [Company(size="small")] * 4 + [Company(size="medium")] * 2
    rounds = installation(5, companies=sizes)
    rounds[0] = cluster_round(rounds[0].round.cluster, [Company(size="micro")] * 3, year=YEAR + 1)
    refresh_all(rounds)

    micro = selectors.barometer(selectors.parse_query(area=AREA, size="micro"))
    assert all(not row.shown for row in micro.rows)


def test_an_open_round_gives_nothing_and_a_cluster_that_does_not_take_part_gives_nothing() -> None:
    rounds = installation(5)
    open_round = cluster_round(companies=[Company(level=1)] * 20, released=False)
    outsider = cluster_round(companies=[Company(level=1)] * 20, opted_in=False)
    refresh_all([*rounds, open_round, outsider])

    row = total_row()

    assert (row.companies, row.clusters) == (25, 5)
    assert row.mean_gap == Decimal("2.00")
    with scopes_disabled():
        assert not BarometerFact.objects.filter(cluster=open_round.round.cluster).exists()
        assert not BarometerFact.objects.filter(cluster=outsider.round.cluster).exists()


def test_taking_part_is_off_by_default() -> None:
    made = cluster_round(opted_in=False)
    assert services.is_participating(made.round.cluster) is False
    assert services.facts_refresh(made.round.cluster) == 0


def test_leaving_is_audited_and_the_figures_it_touched_hide_rather_than_reveal_the_cluster(
    django_capture_on_commit_callbacks,
) -> None:
    rounds = installation(6)
    refresh_all(rounds)
    assert total_row().shown and total_row().clusters == 6
    leaving = rounds[0].round.cluster

    with django_capture_on_commit_callbacks(execute=True):
        changed = services.participation_set(cluster=leaving, opted_in=False, actor=None)

    assert changed
    with scopes_disabled():
        assert AuditLog.objects.filter(cluster=leaving, action="barometer.left").exists()
        assert not BarometerFact.objects.filter(cluster=leaving).exists()
    # Five clusters are still enough for the k rule, but "before minus after" would be one
    # cluster's figure: the figure waits.
    row = total_row()
    assert not row.shown and row.reason == "change"


def test_a_figure_returns_once_k_clusters_have_changed_since_it_was_shown() -> None:
    rounds = installation(5)
    refresh_all(rounds)
    first = total_row()
    assert first.shown

    one_more = installation(1)
    refresh_all(one_more)
    assert total_row().reason == "change"

    four_more = installation(4)
    refresh_all(four_more)
    row = total_row()
    assert row.shown and row.clusters == 10


def test_the_same_population_read_twice_shows_the_same_figure() -> None:
    rounds = installation(5)
    refresh_all(rounds)
    first = total_row()
    services.edition_build()
    assert total_row() == first


def test_a_release_of_a_cluster_that_takes_part_refreshes_the_barometer(
    django_capture_on_commit_callbacks,
) -> None:
    rounds = installation(4)
    refresh_all(rounds)
    assert total_row().reason == "clusters"

    with django_capture_on_commit_callbacks(execute=True):
        cluster_round()

    row = total_row()
    assert row.shown and row.clusters == 5


def test_the_installation_k_is_the_strictest_cluster_k() -> None:
    rounds = installation(5)
    rounds.append(cluster_round(anonymity_threshold=7))
    refresh_all(rounds)

    edition = selectors.latest_edition()
    assert edition is not None and edition.k == 7
    # Six clusters are fewer than seven.
    assert total_row().reason == "clusters"


def test_two_filters_at_once_are_refused_with_a_reason() -> None:
    with (
        translation.override("en"),
        pytest.raises(selectors.FilterError, match="one of sector, county and size"),
    ):
        selectors.parse_query(sector="C", size="small")


def test_the_participation_row_belongs_to_its_cluster() -> None:
    made = cluster_round()
    with scopes_disabled():
        row = BarometerParticipation.objects.get(cluster=made.round.cluster)
    assert row.opted_in
    assert BarometerCell.objects.count() == 0


def test_a_release_in_a_cluster_that_does_not_take_part_builds_no_edition(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        cluster_round(opted_in=False)

    assert selectors.latest_edition() is None
    with scopes_disabled():
        assert not BarometerFact.objects.exists()


def test_a_change_decides_again_only_the_years_it_touched_and_agrees_with_a_full_build() -> None:
    refresh_all(installation(5, year=YEAR - 1) + installation(5))
    last_year = total_row(year=str(YEAR - 1))
    assert last_year.shown and total_row().shown

    joining = cluster_round()
    edition = services.cluster_changed(joining.round.cluster_id)

    assert edition is not None
    with scopes_disabled():
        carried = BarometerCell.objects.filter(edition=edition, year=YEAR - 1).count()
    assert carried > 0
    assert total_row(year=str(YEAR - 1)) == last_year
    assert total_row().reason == "change"  # one cluster more than when it was shown
    incremental = [
        (r.year, r.area_code, r.reason, r.mean_gap) for r in selectors.barometer(selectors.Query()).trend
    ]
    services.edition_build()
    full = [(r.year, r.area_code, r.reason, r.mean_gap) for r in selectors.barometer(selectors.Query()).trend]
    assert incremental == full


def test_everyone_before_a_cluster_left_minus_a_size_now_cannot_isolate_that_cluster() -> None:
    # Five clusters of small companies, and a sixth whose five companies are all micro.
    rounds = installation(5, companies=[Company(size="small")] * 5)
    leaving = cluster_round(companies=[Company(size="micro")] * 5)
    refresh_all([*rounds, leaving])
    assert total_row().shown  # 30 companies, 6 clusters
    assert not total_row(size="small").shown  # everyone minus it would be one cluster

    services.participation_set(cluster=leaving.round.cluster, opted_in=False, actor=None)
    services.cluster_changed(leaving.round.cluster_id)

    # Now "small" is everyone, but the total shown before minus it is the leaving cluster's figure.
    assert total_row().reason == "change"
    small = total_row(size="small")
    assert not small.shown and small.reason == "change"
