"""The directory's pages: who sees them, what they show, and the import's two steps."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from klyngekart.accounts.tests.factories import UserFactory
from klyngekart.landscape.demo import generate, load_demo_directory
from klyngekart.landscape.models import ClusterProfile, Label
from klyngekart.landscape.tests.factories import make_profile

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_log_in(client) -> None:
    for name in ("landscape:list", "landscape:map", "landscape:export"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_searches_filters_and_shows_expired_labels(english, login, world) -> None:
    make_profile(
        name="Ocean Tech Cluster",
        label=Label.SILVER,
        label_valid_until=date(2020, 1, 1),
        tags=[("category", "water_transport")],
    )
    make_profile(name="Alpine Wood", country="AT", region="Tirol", fictional=True)
    client = login(world.users["member"])

    page = client.get(reverse("landscape:list")).content.decode()
    assert "Ocean Tech Cluster" in page and "Alpine Wood" in page
    assert "Silver, expired" in page and "Fictional" in page
    assert "?country=AT" in page  # a facet value links to the filtered list

    page = client.get(reverse("landscape:list"), {"q": "ocean", "country": "NO"}).content.decode()
    assert "Ocean Tech Cluster" in page and "Alpine Wood" not in page
    # The search box keeps the facet: the country goes along as a hidden field.
    assert 'name="country" value="NO"' in page


def test_the_detail_page_says_a_demo_profile_is_fictional(english, login, world) -> None:
    profile = make_profile(name="Demo Cluster", fictional=True, members_sme=12, tags=[("nace", "28")])
    page = login(world.users["member"]).get(reverse("landscape:detail", args=[profile.pk])).content.decode()
    assert "This is a fictional cluster" in page and "NACE 28" in page
    assert login(world.users["member"]).get(reverse("landscape:detail", args=[999999])).status_code == 404


def test_the_map_colours_countries_and_links_them(english, login, world) -> None:
    make_profile(country="NO")
    make_profile(country="NO")
    make_profile(country="DE")
    page = login(world.users["member"]).get(reverse("landscape:map")).content.decode()
    assert page.count("<svg") == 1
    assert 'aria-label="Norway: 2 clusters"' in page and 'aria-label="Germany: 1 cluster"' in page
    assert '<a href="/landscape/?country=NO"' in page
    assert "Boundaries: Natural Earth" in page


def test_the_export_is_the_filtered_list_and_imports_again(login, world) -> None:
    make_profile(name="Keep", country="NO", tags=[("category", "food"), ("nace", "10")])
    make_profile(name="Other", country="SE")
    client = login(world.users["member"])
    body = client.get(reverse("landscape:export"), {"country": "NO", "format": "json"}).json()
    assert [item["name"] for item in body["clusters"]] == ["Keep"]
    assert body["clusters"][0]["sectors"] == ["food", "NACE 10"]
    csv = client.get(reverse("landscape:export"), {"format": "csv"}).content
    assert csv.startswith(b"\xef\xbb\xbfname;acronym;country")
    xlsx = client.get(reverse("landscape:export"), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")

    # The export goes back in unchanged: every row updates its own record.
    admin = UserFactory(is_superuser=True, is_staff=True)
    client = login(admin)
    upload = SimpleUploadedFile("export.json", json.dumps(body).encode())
    response = client.post(reverse("landscape:import"), {"file": upload})
    assert response.context["report"].ok and response.context["report"].updated == 1


def test_a_manager_imports_in_two_steps_and_the_records_stay_the_clusters(english, login, world) -> None:
    client = login(world.users["manager"])
    url = reverse("landscape_cluster:import", args=[world.cluster.slug])
    upload = SimpleUploadedFile("klynger.csv", b"navn;land;nettside\nFjordklyngen;Norge;fjord.example\n")
    response = client.post(url, {"file": upload})
    assert response.status_code == 200 and not ClusterProfile.objects.exists()
    token = response.context["confirm_form"].initial["token"]
    response = client.post(url, {"token": token})
    assert response.status_code == 302
    assert ClusterProfile.objects.get(name="Fjordklyngen").owner_cluster == world.cluster
    # The same token cannot be used twice.
    assert client.post(url, {"token": token}).status_code == 302
    assert ClusterProfile.objects.count() == 1


def test_a_bad_file_shows_its_problems_by_row(english, login, world) -> None:
    client = login(world.users["manager"])
    url = reverse("landscape_cluster:import", args=[world.cluster.slug])
    upload = SimpleUploadedFile("klynger.csv", b"Navn;Land\nGood;NO\nBad;Atlantis\n")
    page = client.post(url, {"file": upload}).content.decode()
    assert "Unknown country" in page and 'name="token"' not in page
    assert "<td>Land</td>" in page  # the column as the file names it
    assert not ClusterProfile.objects.exists()


def test_the_platform_import_is_for_platform_admins_only(login, world) -> None:
    assert login(world.users["manager"]).get(reverse("landscape:import")).status_code == 404


def test_the_demo_directory_is_300_plausible_fictional_profiles_and_loads_once() -> None:
    items = generate(300)
    assert len({item.fields["name"] for item in items}) == 300
    assert len({item.fields["website"] for item in items}) == 300
    assert load_demo_directory() == 300
    assert load_demo_directory() == 0
    assert ClusterProfile.objects.filter(fictional=True).count() == 300
    today = date(2026, 1, 1)
    states = {profile.label_state(today) for profile in ClusterProfile.objects.all()}
    assert {"none", "bronze", "silver", "gold", "expired"} <= states
    assert generate(5, seed=3)[0].fields == generate(5, seed=3)[0].fields  # deterministic


def _edit_data(profile: ClusterProfile, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": profile.name, "country": profile.country, "label": profile.label, "sectors": "",
    }  # fmt: skip
    return data | changes


def test_a_manager_edits_the_clusters_own_record_and_no_one_elses(english, login, shared_worlds) -> None:
    home, away = shared_worlds.a, shared_worlds.b
    mine = make_profile(name="Mine", owner_cluster=home.cluster, tags=[("category", "food")])
    theirs = make_profile(name="Theirs", owner_cluster=away.cluster)
    platform = make_profile(name="Platform's")
    client = login(home.users["manager"])

    detail = client.get(reverse("landscape:detail", args=[mine.pk])).content.decode()
    assert reverse("landscape_cluster:edit", args=[home.cluster.slug, mine.pk]) in detail
    form = client.get(reverse("landscape_cluster:edit", args=[home.cluster.slug, mine.pk]))
    assert form.context["form"].initial["sectors"] == "Food processing and manufacturing"

    url = reverse("landscape_cluster:edit", args=[home.cluster.slug, mine.pk])
    response = client.post(
        url,
        _edit_data(
            mine,
            name="Mine renamed",
            sectors="Automotive; NACE 29; Batteries",
            technology_areas=["green-renewable-energy"],
        ),
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "Mine renamed"
    assert set(mine.tags.values_list("kind", "code")) == {
        ("category", "automotive"),
        ("nace", "29"),
        ("tag", "Batteries"),
        ("area", "green-renewable-energy"),
    }

    for other in (theirs, platform):
        edit = reverse("landscape_cluster:edit", args=[home.cluster.slug, other.pk])
        assert client.get(edit).status_code == 404
        assert client.post(edit, _edit_data(other, name="Hijacked")).status_code == 404
        other.refresh_from_db()
        assert other.name != "Hijacked"
        assert "/edit/" not in client.get(reverse("landscape:detail", args=[other.pk])).content.decode()


def test_a_bad_edit_keeps_what_was_typed(english, login, world) -> None:
    profile = make_profile(name="Mine", owner_cluster=world.cluster)
    url = reverse("landscape_cluster:edit", args=[world.cluster.slug, profile.pk])
    response = login(world.users["manager"]).post(url, _edit_data(profile, founded="1700", city="Ålesund"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Ålesund"' in page and 'value="1700"' in page


def test_a_platform_admin_edits_any_record(login, world) -> None:
    profile = make_profile(name="Theirs", owner_cluster=world.cluster)
    admin = UserFactory(is_superuser=True, is_staff=True)
    url = reverse("landscape:edit", args=[profile.pk])
    assert login(world.users["manager"]).get(url).status_code == 404
    assert login(admin).post(url, _edit_data(profile, name="Fixed by the platform")).status_code == 302
    profile.refresh_from_db()
    assert profile.name == "Fixed by the platform" and profile.owner_cluster == world.cluster
