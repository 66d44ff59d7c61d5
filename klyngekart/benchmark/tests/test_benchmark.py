"""The benchmarking self-assessment: pre-filled from the platform's own figures, the manager's
entries checked before anything is stored, peers compared only with at least five of them and
never shown one by one, the label readiness checklist, and the page, the PDF and the API."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from klyngekart.accounts.tokens import api_token_create
from klyngekart.activities.models import RegistrationStatus
from klyngekart.activities.tests.factories import ActivityFactory, RegistrationFactory
from klyngekart.benchmark import selectors, services
from klyngekart.benchmark.indicators import INDICATORS, MANUAL, PLATFORM
from klyngekart.benchmark.models import BenchmarkEntry, BenchmarkSnapshot
from klyngekart.core.models import AuditLog, Cluster
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.core.tests.factories import ClusterFactory
from klyngekart.measures.models import MeasureStatus
from klyngekart.measures.tests.factories import MeasureFactory, MeasureInterestFactory
from klyngekart.members.models import Membership
from klyngekart.members.tests.factories import CompanyFactory, MembershipFactory
from klyngekart.memberservices.tests.helpers import add_service, answer, open_and_release, start_survey
from klyngekart.reports.tests.pdf_layout import check_pdf, layout_problems, overlapping_text

pytestmark = pytest.mark.django_db


def _member(cluster, *, nace: str = "62.100", employees: int = 25, region: str = "46", **extra) -> Membership:
    company = CompanyFactory(nace_code=nace, employees=employees, region=region)
    return MembershipFactory(cluster=cluster, company=company, **extra)  # type: ignore[return-value]


def _assessment(cluster):
    with scope(cluster):
        return selectors.assessment(cluster)


def _values(cluster):
    return _assessment(cluster).values


def test_structure_is_counted_from_the_member_register(world):
    # The world has two members of 25 employees in Vestland (46); add a large company, a university,
    # a municipality, a member elsewhere and one that has left.
    _member(world.cluster, employees=900)
    _member(world.cluster, nace="85.401", employees=3000)  # a university: research and education
    _member(world.cluster, nace="84.110", employees=400, region="11")  # a municipality: public
    _member(world.cluster, employees=4, status="left")
    values = _values(world.cluster)
    assert values["members"] == 5
    assert values["sme_share"] == Decimal("40.0")  # two SMEs of five members of a known type
    assert values["research_members"] == 1
    assert values["public_members"] == 1
    assert values["member_types"] == 4
    assert values["regional_concentration"] == Decimal("80.0")  # four of five in Vestland


def test_services_and_cooperation_are_counted_from_activities_and_measures(world):
    now = timezone.now()
    past = ActivityFactory(
        cluster=world.cluster,
        starts_at=now - datetime.timedelta(days=30),
        ends_at=now - datetime.timedelta(days=30),
    )
    ActivityFactory(
        cluster=world.cluster,
        starts_at=now - datetime.timedelta(days=500),
        ends_at=now - datetime.timedelta(days=500),
    )
    ActivityFactory(cluster=world.cluster)  # in two weeks: not held yet
    for status in (RegistrationStatus.ATTENDED, RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW):
        RegistrationFactory(activity=past, membership=world.membership, status=status)
    running = MeasureFactory(cluster=world.cluster, status=MeasureStatus.RUNNING)
    MeasureFactory(cluster=world.cluster, status=MeasureStatus.IDEA)
    MeasureInterestFactory(measure=running, membership=world.membership)
    MeasureInterestFactory(measure=running, membership=world.other_membership)
    add_service(world.cluster, "Møteplasser")
    values = _values(world.cluster)
    assert values["activities_held"] == 1
    assert values["attendances"] == 2
    assert values["measures"] == 1
    assert values["measure_companies"] == 2
    assert values["services_offered"] == 1
    assert values["members_in_activities"] == Decimal("50.0")  # one of the two members


def test_member_satisfaction_comes_from_the_released_survey_and_hides_below_k(world):
    service = add_service(world.cluster, "Kurs")

    def fill(parts):
        for part in parts:
            for index in range(5):
                answer(part, nps=10 if index else 5, scores={service.pk: (4, 4)})

    open_and_release(start_survey(world.cluster), fill)
    values = _values(world.cluster)
    # Ten answers: eight promoters, two detractors.
    assert values["member_nps"] == 60
    assert _assessment(world.cluster).checklist[5].status == selectors.MET


def test_a_member_survey_below_k_gives_no_satisfaction(world):
    service = add_service(world.cluster, "Kurs")

    def fill(parts):
        answer(parts[0], nps=10, scores={service.pk: (4, 4)})

    open_and_release(start_survey(world.cluster), fill)
    assert _values(world.cluster)["member_nps"] is None


def test_entries_are_checked_before_anything_is_stored(world):
    manager = world.users["manager"]
    with scope(world.cluster), pytest.raises(Exception) as refused:
        services.assessment_save(
            cluster=world.cluster,
            actor=manager,
            values={"management_fte": "1.5", "members": 40, "private_share": 140},
            profile={},
        )
    assert set(refused.value.message_dict) == {"members", "private_share"}  # type: ignore[attr-defined]
    with scopes_disabled():
        assert not BenchmarkEntry.objects.exists()
    with scope(world.cluster):
        services.assessment_save(
            cluster=world.cluster,
            actor=manager,
            values={"management_fte": "1.5", "budget": 2400000},
            profile={"eccp_listed": True, "label": "bronze", "label_valid_until": datetime.date(2030, 1, 1)},
        )
        values = selectors.assessment(world.cluster).values
        assert (values["management_fte"], values["budget"]) == (Decimal("1.50"), Decimal("2400000.00"))
        services.assessment_save(cluster=world.cluster, actor=manager, values={"budget": None}, profile={})
        assert selectors.assessment(world.cluster).values["budget"] is None
    with scopes_disabled():
        changed = [
            entry.data["changed"]
            for entry in AuditLog.objects.filter(cluster=world.cluster, action="benchmark.assessment.saved")
        ]
    assert sorted(map(sorted, changed)) == [
        ["budget"],
        ["budget", "eccp_listed", "label", "label_valid_until", "management_fte"],
    ]


def test_a_label_needs_its_valid_until_date(world):
    with scope(world.cluster), pytest.raises(Exception) as refused:
        services.assessment_save(cluster=world.cluster, actor=None, values={}, profile={"label": "silver"})
    assert "label_valid_until" in refused.value.message_dict  # type: ignore[attr-defined]


def _peer(value_of_members: int, fte: str | None = None) -> Cluster:
    cluster: Cluster = ClusterFactory()  # type: ignore[assignment]
    for _ in range(value_of_members):
        _member(cluster)
    if fte is not None:
        with scope(cluster):
            services.assessment_save(cluster=cluster, actor=None, values={"management_fte": fte}, profile={})
    services.snapshot_refresh(cluster)
    return cluster


def test_peers_show_only_from_five_and_never_one_by_one(world):
    for members in (2, 4, 6, 8):
        _peer(members, fte="1.0")
    found = _assessment(world.cluster)
    assert found.peer_count == 4
    assert all(row.peers is None for area in found.areas for row in area.rows)

    _peer(10, fte="3.0")
    found = _assessment(world.cluster)
    rows = {row.indicator.key: row for area in found.areas for row in area.rows}
    members = rows["members"].peers
    assert members is not None
    assert (members.count, members.q1, members.median, members.q3) == (5, Decimal(4), Decimal(6), Decimal(8))
    assert rows["management_fte"].peers is not None and rows["management_fte"].peers.median == Decimal("1.0")
    # An indicator that fewer than five peers have a value for stays without peers.
    assert rows["budget"].peers is None
    # The cluster itself is never among its peers.
    services.snapshot_refresh(world.cluster)
    assert _assessment(world.cluster).peer_count == 5


def test_an_inactive_cluster_is_no_peer(world):
    peers = [_peer(3) for _ in range(5)]
    with scopes_disabled():
        peers[0].is_active = False
        peers[0].save()
    assert _assessment(world.cluster).peer_count == 4


def test_the_readiness_checklist(world):
    today = timezone.localdate()
    for _ in range(13):
        _member(world.cluster)
    with scope(world.cluster):
        services.assessment_save(
            cluster=world.cluster,
            actor=None,
            values={"management_fte": "0.4"},
            profile={
                "eccp_listed": True,
                "measurable_goals": True,
                "label": "gold",
                "label_valid_until": today + datetime.timedelta(days=30),
            },
        )
    checks = {c.key: c.status for c in _assessment(world.cluster).checklist}
    assert checks == {
        "eccp": selectors.MET,
        "members": selectors.MET,  # fifteen
        "fte": selectors.NOT_MET,
        "types": selectors.NOT_MET,  # SMEs only
        "strategy": selectors.NOT_MET,  # goals, but no annual plan
        "survey": selectors.NOT_MET,
        "label": selectors.SOON,
    }
    with scope(world.cluster):
        services.assessment_save(
            cluster=world.cluster,
            actor=None,
            values={},
            profile={"label_valid_until": today - datetime.timedelta(days=1)},
        )
    label = _assessment(world.cluster).checklist[-1]
    yesterday = formats.date_format(today - datetime.timedelta(days=1), "SHORT_DATE_FORMAT")
    assert label.status == selectors.NOT_MET and yesterday in label.detail


def test_every_indicator_has_an_area_a_definition_and_a_source():
    assert {i.area for i in INDICATORS} == set(selectors.AREAS)
    assert all(str(i.definition) and i.source in (PLATFORM, MANUAL) for i in INDICATORS)
    assert len({i.key for i in INDICATORS}) == len(INDICATORS)


def test_the_page_shows_values_sources_and_checklist(world, login, english):
    client = login(world.users["board"])
    body = client.get(reverse("benchmark:index", args=[world.cluster.slug])).content.decode()
    assert "Readiness for the labels" in body
    assert "it does not award or predict a label" in body
    assert 'id="kk-indicator-members"' in body and "Fewer than 5 peers" in body
    assert reverse("benchmark:edit", args=[world.cluster.slug]) not in body  # the board reads only
    with scopes_disabled():
        assert BenchmarkSnapshot.objects.filter(cluster=world.cluster).exists()


def test_the_form_keeps_what_was_typed_when_refused(world, login, english):
    client = login(world.users["advisor"])
    url = reverse("benchmark:edit", args=[world.cluster.slug])
    response = client.post(
        url, {"value_management_fte": "1,5", "value_private_share": "140", "label": "gold"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="1,5"' in body and 'value="140"' in body
    assert "Enter the date the label is valid until." in body or "less than or equal to 100" in body
    with scopes_disabled():
        assert not BenchmarkEntry.objects.exists()
    response = client.post(url, {"value_management_fte": "1.5", "value_private_share": "60"})
    assert response.status_code == 302
    with scope(world.cluster):
        assert selectors.manual_values() == {
            "management_fte": Decimal("1.50"),
            "private_share": Decimal("60.00"),
        }


def test_the_pdf_prints_the_assessment(world, login, english):
    client = login(world.users["advisor"])
    response = client.get(reverse("reports:benchmark_pdf", args=[world.cluster.slug]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "Benchmarking" in response["Content-Disposition"]
    # Nothing falls off a page, no heading is left alone at its foot, no text overlaps.
    assert layout_problems(response.content) == []
    assert overlapping_text(response.content) == []
    text = " ".join(page.text for page in check_pdf(response.content))
    assert "does not award or predict a label" in text and "Committed members" in text


def test_the_api_reads_and_writes_the_assessment(world, client):
    base = f"/api/v1/clusters/{world.cluster.slug}/benchmark"
    _token, secret = api_token_create(user=world.users["manager"], name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    found = client.get(base, **headers).json()
    assert [area["key"] for area in found["areas"]] == list(selectors.AREAS)
    members = next(i for i in found["areas"][0]["indicators"] if i["key"] == "members")
    assert members == {**members, "value": 2.0, "source": "platform", "peers": None}
    put = client.put(
        base,
        {"values": {"management_fte": 2}, "eccp_listed": True},
        content_type="application/json",
        **headers,
    )
    assert put.status_code == 200
    fte = next(i for i in put.json()["areas"][1]["indicators"] if i["key"] == "management_fte")
    assert fte["value"] == 2.0 and put.json()["profile"]["eccp_listed"] is True
    refused = client.put(base, {"values": {"members": 99}}, content_type="application/json", **headers)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "payload", "values", "members"]
    # The board reads, but may not write.
    _token, board = api_token_create(user=world.users["board"], name="b")
    assert client.get(base, HTTP_AUTHORIZATION=f"Bearer {board}").status_code == 200
    assert (
        client.put(
            base, {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {board}"
        ).status_code
        == 403
    )
