"""One response rate: completed answers (invitations and open links) over who could answer."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import cast

import pytest
from django.utils import translation

from klyngekart.core.tenancy import scope
from klyngekart.members.models import Membership
from klyngekart.surveys.models import Round, RoundCompany
from klyngekart.surveys.rounds.rates import audience_size, rate_percent, response_rate
from klyngekart.surveys.tests.factories import RoundCompanyFactory, RoundFactory


@dataclass
class Part:
    invited: int
    employees: int | None
    open_link: bool
    completed_count: int

    @property
    def audience_size(self) -> int | None:
        return audience_size(invited=self.invited, employees=self.employees, open_link=self.open_link)


def test_with_an_open_link_everyone_employed_could_answer() -> None:
    # The page said "Invited 14 · Completed 44": 14 invitations and an open link in a company of 3,000.
    part = Part(invited=14, employees=3000, open_link=True, completed_count=44)
    assert part.audience_size == 3000
    assert response_rate([part]) == Decimal("0.0147")
    # Without an open link only those invited could answer; with nothing known, no rate.
    assert audience_size(invited=14, employees=3000, open_link=False) == 14
    assert audience_size(invited=0, employees=40, open_link=False) == 40
    assert audience_size(invited=0, employees=None, open_link=True) is None
    # An open link in a company whose head count is unknown, or smaller than its invitations.
    assert audience_size(invited=20, employees=None, open_link=True) == 20
    assert audience_size(invited=20, employees=12, open_link=True) == 20


def test_the_total_sums_the_companies_whose_audience_is_known() -> None:
    parts = [
        Part(invited=10, employees=50, open_link=False, completed_count=5),
        Part(invited=0, employees=None, open_link=False, completed_count=3),  # no audience: left out
        Part(invited=0, employees=30, open_link=True, completed_count=9),
    ]
    assert response_rate(parts) == Decimal("0.35")
    assert response_rate([]) is None
    assert response_rate([Part(invited=2, employees=None, open_link=False, completed_count=5)]) == 1


def test_rates_print_with_one_decimal_in_the_pages_language() -> None:
    with translation.override("nb"):
        assert rate_percent(Decimal("0.0147")) == "1,5 %"
        assert rate_percent(Decimal("1")) == "100,0 %"
    with translation.override("en"):
        assert rate_percent(Decimal("0.0147")) == "1.5 %"
    assert rate_percent(None) == "–"


@pytest.mark.django_db
def test_the_round_page_and_the_home_page_show_the_same_figures(world, login, english) -> None:
    round_ = cast(Round, RoundFactory(cluster=world.cluster))
    part = cast(
        RoundCompany, RoundCompanyFactory(round=round_, cluster=world.cluster, membership=world.membership)
    )
    with scope(world.cluster):
        RoundCompany.objects.filter(pk=part.pk).update(
            invited_count=14, completed_count=44, open_link_enabled=True
        )
        Membership.objects.filter(pk=world.membership.pk).update(employees=3000)
    client = login(world.users["manager"])
    detail = client.get(f"/c/{world.cluster.slug}/rounds/{round_.pk}/").content.decode()
    home = client.get(f"/c/{world.cluster.slug}/").content.decode()
    assert "1.5 %" in detail and "1.5 %" in home
    assert "Personal invitations" in detail and "through personal invitations and open links" in detail
