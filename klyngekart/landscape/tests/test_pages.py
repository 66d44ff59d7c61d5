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
from klyngekart.landscape.tests.factories import ClusterProfileFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_log_in(client) -> None:
    for name in ("landscape:list", "landscape:map", "landscape:export"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_searches_filters_and_shows_expired_labels(english, login, world) -> None:
    ClusterProfileFactory(
        name="Ocean Tech Cluster",
        label=Label.SILVER,
        label_valid_until=date(2020, 1, 1),
        tags=[("category", "water_transport")],
    )
    ClusterProfileFactory(name="Alpine Wood", country="AT", region="Tirol", fictional=True)
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
    profile = ClusterProfileFactory(
        name="Demo Cluster", fictional=True, members_sme=12, tags=[("nace", "28")]
    )
    page = login(world.users["member"]).get(reverse("landscape:detail", args=[profile.pk])).content.decode()
    assert "This is a fictional cluster" in page and "NACE 28" in page
    assert login(world.users["member"]).get(reverse("landscape:detail", args=[999999])).status_code == 404


def test_the_map_colours_countries_and_links_them(english, login, world) -> None:
    ClusterProfileFactory(country="NO")
    ClusterProfileFactory(country="NO")
    ClusterProfileFactory(country="DE")
    page = login(world.users["member"]).get(reverse("landscape:map")).content.decode()
    assert page.count("<svg") == 1
    assert 'aria-label="Norway: 2 clusters"' in page and 'aria-label="Germany: 1 cluster"' in page
    assert '<a href="/landscape/?country=NO"' in page
    assert "Boundaries: Natural Earth" in page


def test_the_export_is_the_filtered_list_and_imports_again(login, world) -> None:
    ClusterProfileFactory(name="Keep", country="NO", tags=[("category", "food"), ("nace", "10")])
    ClusterProfileFactory(name="Other", country="SE")
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
    upload = SimpleUploadedFile(
        "klynger.csv", "navn;land;nettside\nFjordklyngen;Norge;fjord.example\n".encode()
    )
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
    upload = SimpleUploadedFile("klynger.csv", b"name;country\nGood;NO\nBad;Atlantis\n")
    page = client.post(url, {"file": upload}).content.decode()
    assert "Unknown country" in page and 'name="token"' not in page
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
