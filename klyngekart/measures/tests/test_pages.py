from decimal import Decimal

import pytest
from django.urls import reverse

from klyngekart.core.tenancy import scopes_disabled
from klyngekart.measures.models import Measure, MeasureInterest
from klyngekart.measures.templatetags.measure_tags import kroner
from klyngekart.measures.tests.factories import MeasureInterestFactory, make_measure

pytestmark = pytest.mark.django_db


def test_kroner_rounds_only_for_display() -> None:
    from django.utils import translation

    with translation.override("nb"):
        assert kroner(Decimal("12499.50")) == "12\u202f500 kr"
    with translation.override("en"):
        assert kroner(Decimal("1234.4")) == "NOK 1,234"


def test_manager_creates_a_measure_and_sees_every_row(world, login, english) -> None:
    client = login(world.users["manager"])
    url = reverse("measures:create", args=[world.cluster.slug])
    data = {
        "title": "Lean course",
        "format": "course",
        "status": "proposed",
        "fixed_cost": "100000",
        "cost_per_participant": "2000",
        "funding_share": "150",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "1" in response.content.decode()
    with scopes_disabled():
        assert Measure.objects.count() == 0
    # Percent as people write it: 40 is 40 %, stored as the share 0.4.
    response = client.post(url, {**data, "funding_share": "40"})
    with scopes_disabled():
        measure = Measure.objects.get()
    assert response["Location"] == reverse("measures:detail", args=[world.cluster.slug, measure.pk])
    MeasureInterestFactory(measure=measure, membership=world.membership, participants=3)
    MeasureInterestFactory(measure=measure, membership=world.other_membership, participants=1)
    body = client.get(response["Location"]).content.decode()
    assert world.membership.company.name in body and world.other_membership.company.name in body
    assert "NOK 68,000" in body  # the total shared cost


def test_contact_sees_totals_and_only_its_own_row(world, login, english) -> None:
    measure = make_measure(cluster=world.cluster)
    MeasureInterestFactory(measure=measure, membership=world.other_membership, participants=1)
    client = login(world.users["contact"])
    url = reverse("measures:detail", args=[world.cluster.slug, measure.pk])
    interest_url = reverse("measures:interest", args=[world.cluster.slug, measure.pk])
    client.post(interest_url, {"membership": world.membership.pk, "participants": 3})
    with scopes_disabled():
        assert MeasureInterest.objects.get(membership=world.membership).participants == 3
    body = client.get(url).content.decode()
    assert world.membership.company.name in body
    assert world.other_membership.company.name not in body
    assert "NOK 68,000" in body
    # A neighbour's company cannot be signed up by this contact.
    assert (
        client.post(interest_url, {"membership": world.other_membership.pk, "participants": 2}).status_code
        == 404
    )
    with scopes_disabled():
        assert MeasureInterest.objects.get(membership=world.other_membership).participants == 1


def test_contact_list_shows_proposed_measures_not_ideas(world, login) -> None:
    make_measure(cluster=world.cluster, title="Proposed one")
    idea = make_measure(cluster=world.cluster, title="Secret idea", status="idea")
    client = login(world.users["contact"])
    body = client.get(reverse("measures:list", args=[world.cluster.slug])).content.decode()
    assert "Proposed one" in body and "Secret idea" not in body
    assert client.get(reverse("measures:detail", args=[world.cluster.slug, idea.pk])).status_code == 404


def test_interest_after_close_is_refused_with_a_message(world, login, english) -> None:
    measure = make_measure(cluster=world.cluster, status="completed")
    client = login(world.users["contact"])
    response = client.post(
        reverse("measures:interest", args=[world.cluster.slug, measure.pk]),
        {"membership": world.membership.pk, "participants": 2},
        follow=True,
    )
    assert "no longer takes registrations" in response.content.decode()
    with scopes_disabled():
        assert not MeasureInterest.objects.exists()


def test_create_from_a_need_prefills_areas(world, login) -> None:
    from klyngekart.needs.selectors import current_areas

    with scopes_disabled():
        code = current_areas(world.cluster)[0].code
    client = login(world.users["manager"])
    url = reverse("measures:create", args=[world.cluster.slug]) + f"?areas={code},nope"
    form = client.get(url).context["form"]
    assert form.initial["areas"] == [code]


def test_the_long_measure_form_sums_up_its_errors_at_the_top_and_takes_percent(world, login, english) -> None:
    client = login(world.users["manager"])
    url = reverse("measures:create", args=[world.cluster.slug])
    bad = {"title": "", "format": "course", "status": "proposed", "fixed_cost": "-5", "funding_share": "140"}
    body = client.post(url, bad).content.decode()
    summary = body.split('id="kk-error-summary"')[1].split("</div>")[0]
    # Every error is listed, each a link to its field, above the form.
    for field in ("title", "fixed_cost", "cost_per_participant", "funding_share"):
        assert f'href="#id_{field}"' in summary
        assert f'id="id_{field}"' in body
    assert body.index('id="kk-error-summary"') < body.index('name="title"')
    assert "4 things need fixing" in summary

    # 40 means 40 %: stored as the share 0.4, shown as 40 when editing.
    client.post(
        url,
        {**bad, "title": "Lean", "fixed_cost": "1000", "cost_per_participant": "0", "funding_share": "40"},
    )
    with scopes_disabled():
        measure = Measure.objects.get()
    assert measure.funding_share == Decimal("0.4")
    edit = client.get(reverse("measures:edit", args=[world.cluster.slug, measure.pk])).content.decode()
    assert 'name="funding_share" value="40"' in edit or 'value="40" ' in edit
    assert (
        "40 %"
        in client.get(reverse("measures:detail", args=[world.cluster.slug, measure.pk])).content.decode()
    )


def test_a_short_form_keeps_its_errors_beside_the_field_without_a_summary(world, login, english) -> None:
    measure = make_measure(cluster=world.cluster)
    client = login(world.users["contact"])
    response = client.post(
        reverse("measures:interest", args=[world.cluster.slug, measure.pk]),
        {"membership": world.membership.pk, "participants": 0},
        follow=True,
    )
    assert 'id="kk-error-summary"' not in response.content.decode()
