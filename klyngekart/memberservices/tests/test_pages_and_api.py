"""The portfolio's pages and API: the cluster team adds and edits services (audited), the board
reads them, the member survey starts from the pages, and the map leaves the API per service or
suppressed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from klyngekart.accounts.tokens import api_token_create
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.memberservices.models import MemberService
from klyngekart.memberservices.tests.helpers import add_service, answer, open_and_release, start_survey
from klyngekart.surveys.models import Round

pytestmark = pytest.mark.django_db


def _services(world):
    with scopes_disabled():
        return list(MemberService.objects.filter(cluster=world.cluster).order_by("pk"))


def test_staff_adds_and_edits_a_service_audited(world, login):
    client = login(world.users["staff"])
    url = reverse("memberservices:create", args=[world.cluster.slug])
    response = client.post(
        url,
        {
            "name_nb": "Fagnettverk",
            "name_en": "Networks",
            "category": "meeting_places",
            "active": "on",
            "order": 1,
        },
    )
    assert response.status_code == 302
    (service,) = _services(world)
    assert (service.name_nb, service.category, service.active) == ("Fagnettverk", "meeting_places", True)
    edit = reverse("memberservices:edit", args=[world.cluster.slug, service.pk])
    response = client.post(
        edit, {"name_nb": "Faglige nettverk", "name_en": "Networks", "category": "meeting_places", "order": 1}
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name_nb == "Faglige nettverk" and service.active is False
    with scopes_disabled():
        actions = list(
            AuditLog.objects.filter(cluster=world.cluster, action__startswith="memberservices.").values_list(
                "action", "data"
            )
        )
    assert sorted(action for action, _data in actions) == [
        "memberservices.service.created",
        "memberservices.service.updated",
    ]
    assert ("memberservices.service.updated", {"fields": ["name_nb", "active"]}) in actions
    page = client.get(reverse("memberservices:list", args=[world.cluster.slug])).content.decode()
    assert "Faglige nettverk" in page


def test_a_name_is_required(world, login):
    client = login(world.users["manager"])
    response = client.post(
        reverse("memberservices:create", args=[world.cluster.slug]), {"category": "other", "order": 0}
    )
    assert response.status_code == 200
    assert _services(world) == []


def test_board_reads_but_cannot_change(world, login):
    add_service(world.cluster, "Kurs")
    client = login(world.users["board"])
    assert client.get(reverse("memberservices:list", args=[world.cluster.slug])).status_code == 200
    assert client.get(reverse("memberservices:create", args=[world.cluster.slug])).status_code == 403


def test_starting_a_member_survey_from_the_page(world, login):
    add_service(world.cluster, "Kurs")
    client = login(world.users["manager"])
    url = reverse("memberservices:survey_new", args=[world.cluster.slug])
    assert "Kurs" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "Medlemsundersøkelse 2026",
            "opens_on": "2099-01-01",
            "closes_on": "2099-01-21",
            "reminder_days": "7",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        round_ = Round.objects.get(cluster=world.cluster)
    assert round_.title == "Medlemsundersøkelse 2026"
    assert round_.reminder_days == [7]
    assert response["Location"] == reverse("rounds:detail", args=[world.cluster.slug, round_.pk])


def _released(world):
    kurs = add_service(world.cluster, "Kurs", order=1)
    nett = add_service(world.cluster, "Nettverk", order=2)
    tips = add_service(world.cluster, "Tips", order=3)

    def fill(parts):
        for part in parts:
            for index in range(5):
                scores = {kurs.pk: (5, 2), nett.pk: (2, 5)}
                if part is parts[0] and index == 0:
                    scores[tips.pk] = (3, 3)
                answer(part, nps=9 if index else 3, scores=scores)

    return open_and_release(start_survey(world.cluster), fill), kurs, nett, tips


def test_results_page_shows_quadrants_nps_and_hides_small_figures(world, login, english):
    round_, *_ = _released(world)
    client = login(world.users["board"])
    body = client.get(
        reverse("memberservices:results", args=[world.cluster.slug, round_.pk])
    ).content.decode()
    assert "Concentrate here" in body and "Possible overkill" in body
    assert 'id="ipa-chart"' in body
    # NPS: 8 promoters, 2 detractors of 10 answers = 60.
    assert "<strong>60</strong>" in body
    assert "hidden" in body  # Tips: one answer


def test_api_services_and_map(world, client):
    round_, kurs, nett, tips = _released(world)
    _token, secret = api_token_create(user=world.users["manager"], name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    base = f"/api/v1/clusters/{world.cluster.slug}"
    listed = client.get(f"{base}/services", **headers).json()["items"]
    assert [s["name_nb"] for s in listed] == ["Kurs", "Nettverk", "Tips"]
    made = client.post(f"{base}/services", {"name_nb": "Messe"}, content_type="application/json", **headers)
    assert made.status_code == 201 and made.json()["category"] == "other"
    patched = client.patch(
        f"{base}/services/{made.json()['id']}", {"active": False}, content_type="application/json", **headers
    )
    assert patched.json()["active"] is False
    assert client.get(f"{base}/services/{made.json()['id']}", **headers).json()["name_nb"] == "Messe"
    maps = client.get(f"{base}/member-survey/{round_.pk}/services", **headers).json()
    (whole,) = maps
    by_id = {s["service_id"]: s for s in whole["services"]}
    assert by_id[kurs.pk]["quadrant"] == "concentrate_here"
    assert by_id[kurs.pk]["importance"] == {"suppressed": False, "mean": 5.0, "n": 10}
    assert by_id[nett.pk]["quadrant"] == "possible_overkill"
    assert whole["nps"] == {
        "suppressed": False,
        "score": 60,
        "promoters": 80,
        "passives": 0,
        "detractors": 20,
        "n": 10,
    }
    assert by_id[tips.pk] == {
        "service_id": tips.pk,
        "name": "Tips",
        "importance": {"suppressed": True, "mean": None, "n": None},
        "satisfaction": {"suppressed": True, "mean": None, "n": None},
        "quadrant": None,
    }
    # A round that is not a released member survey: 404.
    with scopes_disabled():
        draft = start_survey(world.cluster, "Utkast")
    assert client.get(f"{base}/member-survey/{draft.pk}/services", **headers).status_code == 404


def test_results_page_per_segment(world, login, english):
    from klyngekart.members.models import Membership

    with scopes_disabled():
        # Region codes as the member register keeps them: 42 Agder, 34 Innlandet.
        Membership.objects.filter(pk=world.membership.pk).update(region="42")
        Membership.objects.filter(pk=world.other_membership.pk).update(region="34")
    round_, *_ = _released(world)
    client = login(world.users["manager"])
    url = reverse("memberservices:results", args=[world.cluster.slug, round_.pk])
    body = client.get(url, {"segment": "region"}).content.decode()
    assert '<h3 class="ds-heading" data-size="xs">Agder</h3>' in body
    assert '<h3 class="ds-heading" data-size="xs">Innlandet</h3>' in body
    # Each region's five answers: four promoters and one detractor, NPS 60.
    assert (
        body.count('<p class="ds-paragraph" data-segment-nps>NPS: <strong>60</strong> (5 answers)</p>') == 2
    )
    assert "Innlandet" not in client.get(url).content.decode()


def test_a_member_survey_released_later_does_not_replace_the_mapping_round(world, login):
    """The results, needs and reports pages and the home's next steps list mapping rounds only: a
    member survey released after the last mapping round has its own page and measures no gap."""
    from klyngekart.surveys.tests.results_world import build_round, fill, release

    mapping = build_round(world.cluster)
    fill(mapping.add_company(world.membership), 6, seed=1)
    release(mapping.round)
    member_survey, *_ = _released(world)
    assert member_survey.opens_on >= mapping.round.opens_on

    client = login(world.users["manager"])
    slug = world.cluster.slug
    for name in ("results:cluster", "needs:index", "reports:index"):
        body = client.get(reverse(name, args=[slug])).content.decode()
        assert f'value="{mapping.round.pk}"' in body, name
        assert f'value="{member_survey.pk}"' not in body, name
