"""Journey d for the internal mapping: axe-core finds no serious or critical problem on the pages of
surveys, rounds, answering, results and strategies (as the demo's manager, contact and an employee)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from e2e.support import DEMO_SLUG, PHONE, App
from e2e.test_e2e_accessibility import _describe
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.home.demo_mapping import round_title
from klyngekart.surveys.models import Round

CONTACT = "contact@demo.klyngekart.no"
LOGIN_COMPANY = "Fjordlaks Oppdrett AS"


def _rounds() -> tuple[Round, Round]:
    year = timezone.localdate().year
    cluster = Cluster.objects.get(slug=DEMO_SLUG)
    with scope(cluster):
        return Round.objects.get(title=round_title(year - 1)), Round.objects.get(title=round_title(year))


def _check(app: App, paths: list[str]) -> dict[str, str]:
    found = {}
    for path in paths:
        response = app.page.goto(app.url(path))
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        app.page.wait_for_load_state("networkidle")
        violations = app.axe_violations()
        if violations:
            found[path] = _describe(violations)
    return found


@pytest.fixture
def axe_app(new_app: Callable[..., App]) -> Callable[..., App]:
    # Only these contexts bypass the Content-Security-Policy, so axe-core can be injected.
    return lambda **options: new_app(bypass_csp=True, **options)


def test_mapping_pages_have_no_serious_violations(axe_app: Callable[..., App]) -> None:
    closed, open_round = _rounds()
    cluster = Cluster.objects.get(slug=DEMO_SLUG)
    with scope(cluster):
        own_closed = closed.companies.get(company__name=LOGIN_COMPANY)
        own_open = open_round.companies.get(company__name=LOGIN_COMPANY)
        membership_id = own_open.membership_id
    base = f"/c/{DEMO_SLUG}/"
    found: dict[str, str] = {}

    manager = axe_app()
    manager.log_in()
    found |= _check(
        manager,
        [
            f"{base}surveys/",
            f"{base}rounds/",
            f"{base}rounds/{open_round.pk}/",
            f"{base}rounds/{open_round.pk}/companies/{own_open.pk}/",
            f"{base}results/?round={closed.pk}",
            f"{base}strategy/",
            f"{base}taxonomy/",
        ],
    )

    contact = axe_app()
    contact.log_in(CONTACT)
    year = timezone.localdate().year
    found |= _check(
        contact,
        [
            f"{base}results/rounds/{closed.pk}/companies/{own_closed.pk}/",
            f"{base}strategy/",
            f"{base}strategy/{membership_id}/{year}/",
            f"{base}strategy/{membership_id}/{year}/edit/",
        ],
    )

    # The answering pages on a phone: the start page, then each part in turn.
    employee = axe_app(viewport=PHONE, is_mobile=True, has_touch=True)
    start = f"/s/{own_open.link_token}/"
    found |= _check(employee, [start, f"{start}part/1/"])
    employee.page.locator("input[name=role][value=production]").check()
    employee.page.locator("button[name=action][value=next]").click()
    employee.page.wait_for_load_state("networkidle")
    violations = employee.axe_violations()
    if violations:
        found[f"{start}part/2/"] = _describe(violations)
    # The first area group sent unanswered: every row marked, the summary naming each area.
    employee.page.locator("button[name=action][value=next]").click()
    employee.page.wait_for_load_state("networkidle")
    violations = employee.axe_violations()
    if violations:
        found[f"{start}part/2/ (errors)"] = _describe(violations)
    assert not found, "\n\n".join(f"{path}\n{text}" for path, text in found.items())
