"""The published profile: what it holds, when it is written and withdrawn, and that it never
reveals a need of a small group or of a round whose results are not released."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klyngekart.benchmark.models import BenchmarkEntry, BenchmarkProfile
from klyngekart.collaborations.tests.factories import make_opportunity
from klyngekart.core.events import ROUND_RELEASED, event_happened
from klyngekart.core.models import AuditLog, Cluster
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.core.tests.factories import ClusterFactory
from klyngekart.landscape.models import ClusterProfile, ProfileTag, TagKind
from klyngekart.landscape.tests.factories import make_profile
from klyngekart.members.tests.factories import MembershipFactory
from klyngekart.partners.publication import profile_refresh, top_needs
from klyngekart.partners.services import partner_settings_save
from klyngekart.partners.tests.helpers import AI, AQUA, CODES, ENERGY, LEAN, even_round, mapping_round

pytestmark = pytest.mark.django_db


def _tags(profile: ClusterProfile, kind: str) -> set[str]:
    return set(ProfileTag.objects.filter(profile=profile, kind=kind).values_list("code", flat=True))


def test_off_by_default_and_published_when_the_manager_turns_it_on(world) -> None:
    with scope(world.cluster):
        assert profile_refresh(world.cluster) is None
        assert not ClusterProfile.objects.filter(source_cluster=world.cluster).exists()
        profile = partner_settings_save(
            cluster=world.cluster,
            actor=world.users["manager"],
            values={"published": True, "region": "Innlandet", "founded": 2012},
            strengths={AQUA: 3, LEAN: 1},
        )
        actions = set(AuditLog.objects.values_list("action", flat=True))
    assert profile is not None and profile.live and profile.source == "Klyngekart"
    assert profile.record_date == timezone.localdate()
    assert (profile.name, profile.region, profile.founded) == (world.cluster.name, "Innlandet", 2012)
    assert _tags(profile, TagKind.AREA) == {AQUA, LEAN}
    assert {"partners.profile.published", "partners.strengths.saved"} <= actions
    with scope(world.cluster):
        assert (
            partner_settings_save(
                cluster=world.cluster, actor=world.users["manager"], values={"published": False}
            )
            is None
        )
        assert "partners.profile.withdrawn" in set(AuditLog.objects.values_list("action", flat=True))
    assert not ClusterProfile.objects.filter(source_cluster=world.cluster).exists()


def test_a_withdrawn_profile_that_a_pipeline_names_stays_as_a_plain_record(world) -> None:
    """Another cluster has the published profile as a partner in its pipeline: withdrawing it keeps
    the row (name and address) for that opportunity, without what the platform derived."""
    with scope(world.cluster):
        profile = partner_settings_save(
            cluster=world.cluster,
            actor=world.users["manager"],
            values={"published": True},
            strengths={AQUA: 3},
        )
    assert profile is not None
    elsewhere: Cluster = ClusterFactory()  # type: ignore[assignment]
    with scope(elsewhere):
        opportunity = make_opportunity(cluster=elsewhere, partners=[profile])
    with scope(world.cluster):
        partner_settings_save(
            cluster=world.cluster, actor=world.users["manager"], values={"published": False}
        )
        actions = set(AuditLog.objects.values_list("action", flat=True))
    kept = ClusterProfile.objects.get(pk=profile.pk)
    assert kept.source_cluster_id is None and kept.owner_cluster_id == world.cluster.pk
    assert kept.name == world.cluster.name
    assert (kept.members_sme, kept.members_large, kept.description) == (None, None, "")
    assert not ProfileTag.objects.filter(profile=kept).exists()
    assert "partners.profile.kept_as_record" in actions
    with scopes_disabled():
        assert list(opportunity.partners.all()) == [kept]


def test_members_by_type_sectors_label_and_fte_come_from_the_platform(world) -> None:
    cluster = world.cluster
    MembershipFactory(cluster=cluster, nace_code="28.110", size_class="large", employees=400)
    MembershipFactory(cluster=cluster, nace_code="72.190", size_class="small")
    MembershipFactory(cluster=cluster, nace_code="84.110", size_class="small")
    with scopes_disabled():
        BenchmarkProfile.objects.create(
            cluster=cluster, label="silver", label_valid_until=dt.date(2030, 1, 1)
        )
        BenchmarkEntry.objects.create(cluster=cluster, indicator="management_fte", value="2.5")
    with scope(cluster):
        profile = partner_settings_save(
            cluster=cluster, actor=world.users["manager"], values={"published": True}
        )
    assert profile is not None
    assert (profile.members_large or 0) >= 1
    assert (profile.members_research or 0) >= 1 and (profile.members_public or 0) >= 1
    assert (profile.label, profile.label_valid_until) == ("silver", dt.date(2030, 1, 1))
    assert profile.management_fte == Decimal("2.5")
    sectors = _tags(profile, TagKind.NACE)
    assert {"28", "72", "84"} <= sectors
    assert {"production_technology", "education"} <= _tags(profile, TagKind.CATEGORY)


def test_needs_come_from_the_latest_released_round_only(world) -> None:
    with scope(world.cluster):
        even_round(world.cluster, {AQUA: 2.0, AI: 1.4, ENERGY: 0.2})
        profile = partner_settings_save(
            cluster=world.cluster, actor=world.users["manager"], values={"published": True}
        )
        assert profile is not None and _tags(profile, TagKind.NEED) == {AQUA, AI}
        # A newer round with other needs, closed but not released: nothing of it shows.
        even_round(world.cluster, {LEAN: 3.0}, release=False)
        profile = profile_refresh(world.cluster)
    assert profile is not None and _tags(profile, TagKind.NEED) == {AQUA, AI}


def test_a_release_refreshes_the_profile(world) -> None:
    with scope(world.cluster):
        partner_settings_save(cluster=world.cluster, actor=world.users["manager"], values={"published": True})
        even_round(world.cluster, {ENERGY: 2.5})
    profile = ClusterProfile.objects.get(source_cluster=world.cluster)
    assert _tags(profile, TagKind.NEED) == set()
    event_happened.send(sender=None, cluster_id=world.cluster.pk, event=ROUND_RELEASED, payload={})
    assert _tags(profile, TagKind.NEED) == {ENERGY}


def test_publishing_takes_over_a_directory_record_of_the_cluster(world) -> None:
    world.cluster.website = "https://www.raufoss-klynge.example/"
    world.cluster.save()
    record = make_profile(name="Raufoss (imported)", website="https://raufoss-klynge.example")
    with scope(world.cluster):
        profile = partner_settings_save(
            cluster=world.cluster, actor=world.users["manager"], values={"published": True}
        )
    assert profile is not None and profile.pk == record.pk and profile.name == world.cluster.name
    assert ClusterProfile.objects.filter(website_key="raufoss-klynge.example").count() == 1


# --- k-safety, as a property ----------------------------------------------------------------

COMPANY = st.tuples(
    st.integers(min_value=1, max_value=8),  # respondents
    st.dictionaries(
        st.sampled_from(CODES),
        st.tuples(st.integers(min_value=1, max_value=8), st.integers(min_value=-3, max_value=4)),
        max_size=len(CODES),
    ),
)


def _company(item):  # type: ignore[no-untyped-def]
    n, areas = item
    # Answers for an area never exceed the company's respondents; the sum of gaps is the mean x answers.
    return n, {code: (min(count, n), mean * min(count, n)) for code, (count, mean) in areas.items()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    released=st.lists(COMPANY, max_size=9),
    unreleased=st.lists(COMPANY, max_size=9),
    k=st.integers(min_value=3, max_value=6),
)
def test_no_published_need_rests_on_fewer_than_k_people_or_companies_or_an_unreleased_round(
    db, released, unreleased, k
) -> None:
    cluster: Cluster = ClusterFactory(anonymity_threshold=k)  # type: ignore[assignment]
    released = [_company(item) for item in released]
    unreleased = [_company(item) for item in unreleased]
    with scope(cluster):
        from klyngekart.partners.models import PartnerSettings

        PartnerSettings.objects.create(cluster=cluster, published=True)
        mapping_round(cluster, released, opens_on=dt.date(2025, 3, 1))
        mapping_round(cluster, unreleased, release=False, opens_on=dt.date(2026, 3, 1))
        profile = profile_refresh(cluster)
        needs = top_needs(cluster)
    assert profile is not None
    published = _tags(profile, TagKind.NEED)
    assert published == {need.code for need in needs}
    answers: dict[str, int] = defaultdict(int)
    companies: dict[str, int] = defaultdict(int)
    gaps: dict[str, int] = defaultdict(int)
    for _n, areas in released:
        for code, (count, sum_gap) in areas.items():
            if count:
                answers[code] += count
                companies[code] += 1
                gaps[code] += sum_gap
    for code in published:
        assert answers[code] >= k, f"{code} rests on {answers[code]} answers, k={k}"
        assert companies[code] >= k, f"{code} rests on {companies[code]} companies, k={k}"
        assert gaps[code] > 0


def test_an_import_never_overwrites_a_published_profile(world, english) -> None:
    from klyngekart.landscape.importing import import_profiles

    world.cluster.website = "https://klynge-alfa.example"
    world.cluster.save()
    with scope(world.cluster):
        profile = partner_settings_save(
            cluster=world.cluster, actor=world.users["manager"], values={"published": True}
        )
    assert profile is not None
    content = b"name,country,website\nOverskrevet,NO,https://klynge-alfa.example\n"
    admin = world.users["manager"]
    admin.is_superuser = True
    report = import_profiles(actor=admin, owner=None, filename="x.csv", content=content, dry_run=False)
    assert not report.ok and "published by a cluster" in report.errors[0].message
    profile.refresh_from_db()
    assert profile.name == world.cluster.name
