"""Organisation numbers read in groups of three, and NACE codes come with their names."""

from __future__ import annotations

from typing import cast

import pytest
from django.utils import translation

from klyngekart.members.models import Membership
from klyngekart.members.templatetags.member_tags import format_org_number, nace
from klyngekart.members.tests.factories import CompanyFactory, MembershipFactory

NBSP = "\u00a0"


def test_a_norwegian_org_number_is_grouped_in_threes() -> None:
    assert format_org_number("987654321") == f"987{NBSP}654{NBSP}321"
    assert format_org_number(" 987 654 321 ") == f"987{NBSP}654{NBSP}321"


def test_other_identifiers_are_left_as_they_are() -> None:
    assert format_org_number("SE-5561234567") == "SE-5561234567"
    assert format_org_number("") == ""
    assert format_org_number(None) == ""


def test_nace_shows_the_code_with_its_name_in_the_pages_language() -> None:
    with translation.override("en"):
        english = str(nace("03.211"))
    assert english.startswith("03.211 ") and "marine fish farms" in english
    assert str(nace("99.999")) == "99.999"
    assert nace("") == ""


@pytest.mark.django_db
def test_the_member_pages_show_the_grouped_number_and_the_industrys_name(world, login) -> None:
    membership = cast(
        Membership,
        MembershipFactory(
            cluster=world.cluster, company=CompanyFactory(org_number="987654321"), nace_code="03.211"
        ),
    )
    client = login(world.users["manager"])
    detail = client.get(f"/c/{world.cluster.slug}/members/{membership.pk}/").content.decode()
    listing = client.get(f"/c/{world.cluster.slug}/members/").content.decode()
    for body in (detail, listing):
        assert f"987{NBSP}654{NBSP}321" in body
        assert "987654321" not in body
    with translation.override("en"):
        name = str(nace("03.211")).split(">", 1)[1].split("<", 1)[0]
    assert name in detail
