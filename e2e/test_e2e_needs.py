"""Journey of common needs and joint measures, as the issue's "done when" tells it.

The demo manager opens Common needs for last year's round and finds the three deepest shared
needs at the top, follows "create a measure" from the top one, fills format, costs and capacity
and saves it as proposed. Two company contacts (the demo contact, and a contact of another company
with the need made here) register interest, and each sees its own saving. The manager sees the
cost table with both rows and the total, then orders the needs report as PDF and downloads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from e2e.support import DEMO_PASSWORD, DEMO_SLUG, DESKTOP, SCREENSHOTS, App
from klyngekart.accounts.models import CompanyRole, User
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.home.demo_mapping import round_title
from klyngekart.measures.models import Measure
from klyngekart.measures.selectors import companies_with_need
from klyngekart.members.models import Membership
from klyngekart.needs.analysis import needs_analysis
from klyngekart.surveys.models import Round

CONTACT = "contact@demo.klyngekart.no"
SECOND_CONTACT = "kontakt@andre-bedrift.example.no"
TITLE = "Fornybar energi i havbruket – felles kursrekke"


def _last_years_round() -> tuple[Round, list[str], Membership]:
    """Last year's round, the names of its three top needs, and a company (not the demo contact's)
    that has the top need."""
    cluster = Cluster.objects.get(slug=DEMO_SLUG)
    with scope(cluster):
        round_ = Round.objects.select_related("cluster").get(title=round_title(timezone.localdate().year - 1))
        ranking = needs_analysis(round=round_).ranking
        contact_company = CompanyRole.objects.get(user__email=CONTACT).company_id
        other = next(
            m
            for m in companies_with_need(round_=round_, areas=[ranking[0].code])
            if m.company_id != contact_company
        )
    return round_, [row.name for row in ranking[:3]], other


def _shot_to_the_end_of(app: App, name: str, selector: str) -> None:
    """The page from its top to the end of ``selector``: the ranking and the heatmap, without the
    strategies and free texts below them, which would make the picture several metres long."""
    box = app.page.locator(selector).bounding_box()
    assert box is not None
    bottom = app.page.evaluate("window.scrollY") + box["y"] + box["height"] + 24
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    app.page.evaluate("document.fonts.ready.then(() => true)")
    app.page.screenshot(
        path=str(SCREENSHOTS / name),
        full_page=True,
        clip={"x": 0, "y": 0, "width": DESKTOP["width"], "height": bottom},
        animations="disabled",
    )


def _second_contact(membership: Membership) -> None:
    user = User.objects.create_user(SECOND_CONTACT, DEMO_PASSWORD, full_name="Kari Nordvik")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    # A company role belongs to the cluster that grants it.
    with scopes_disabled():
        CompanyRole.objects.create(
            cluster=membership.cluster, company=membership.company, user=user, role="contact"
        )


def _register_interest(contact: App, measure_id: int, participants: int, company: str) -> None:
    page = contact.page
    page.goto(contact.cluster_url(f"measures/{measure_id}/"))
    form = page.locator("#interest form").first
    form.locator("input[name=participants]").fill(str(participants))
    form.locator("[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".kk-messages .ds-alert[data-color=success]")).to_be_visible()
    # The company sees its own row of the cost table, with its saving, and no other company's.
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("th")).to_contain_text(company)
    saving = rows.first.locator("td").nth(3).inner_text()
    assert re.search(r"\d", saving), saving
    assert contact.console_errors == []


def test_manager_proposes_a_measure_from_the_top_need_and_two_companies_sign_up(
    app: App, new_app: Callable[..., App]
) -> None:
    round_, top_three, other = _last_years_round()
    page = app.page
    app.log_in()

    # Common needs: the ranking with the three deepest shared needs first, and the heatmap.
    page.goto(app.cluster_url(f"needs/?round={round_.pk}"))
    ranking = page.locator("main table:has(a[href*='/measures/new/'])")
    first_rows = ranking.locator("tbody tr")
    for index, name in enumerate(top_three):
        expect(first_rows.nth(index).locator("th")).to_have_text(name)
    expect(page.locator("main table.kk-heatmap tbody tr").first).to_be_visible()
    assert app.console_errors == []
    _shot_to_the_end_of(app, "needs.png", "section:has(#kk-heatmap)")

    # "Create a measure" from the top need: the form comes with its area and round filled in.
    first_rows.first.locator("a[href*='/measures/new/']").click()
    expect(page).to_have_url(re.compile(r"/measures/new/\?"))
    expect(page.locator("select[name=source_round]")).to_have_value(str(round_.pk))
    assert page.locator("input[name=areas]:checked").count() == 1
    page.locator("input[name=title]").fill(TITLE)
    page.locator("select[name=format]").select_option("course")
    page.locator("input[name=provider]").fill("Fagskolen i Hordaland")
    page.locator("input[name=capacity]").fill("30")
    page.locator("select[name=status]").select_option("proposed")
    page.locator("input[name=fixed_cost]").fill("200000")
    page.locator("input[name=cost_per_participant]").fill("3000")
    page.locator("input[name=funding_share]").fill("40")  # percent, as the form asks
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    match = re.search(r"/measures/(\d+)/$", page.url)
    assert match, f"saving did not lead to the measure: {page.url}"
    measure_id = int(match.group(1))
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    cluster = Cluster.objects.get(slug=DEMO_SLUG)
    with scope(cluster):
        measure = Measure.objects.get(pk=measure_id)
    assert measure.status == "proposed" and measure.source_round_id == round_.pk

    # Two companies sign up: the demo contact's company, and another company with the need.
    contact = new_app()
    contact.log_in(CONTACT)
    _register_interest(contact, measure_id, 3, "Fjordlaks Oppdrett AS")
    _second_contact(other)
    second = new_app()
    second.log_in(SECOND_CONTACT)
    _register_interest(second, measure_id, 2, other.company.name)

    # The manager sees both rows and the total.
    page.goto(app.cluster_url(f"measures/{measure_id}/"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Fjordlaks Oppdrett AS")).to_have_count(1)
    expect(rows.filter(has_text=other.company.name)).to_have_count(1)
    # 200 000 * 0.6 + 3 000 * 5 participants = 135 000 kroner together.
    total = page.locator("main table tfoot tr")
    expect(total.locator("td").first).to_have_text("5")
    assert re.sub(r"\D", "", total.locator("td").nth(1).inner_text()) == "135000"
    assert app.console_errors == []
    app.screenshot("measure.png")

    # The needs report of the round as PDF, built by a task and downloaded.
    page.goto(app.cluster_url(f"reports/?round={round_.pk}"))
    page.locator("input[name=format][value=pdf]").check()
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    download_link = page.locator("a[href$='/download/']")
    expect(download_link).to_be_visible(timeout=60_000)
    with page.expect_download() as download_info:
        download_link.click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF"), pdf[:20]
    page.goto(app.cluster_url("reports/"))
    expect(page.locator("main table tbody tr").first).to_be_visible()
    assert app.console_errors == []
    app.screenshot("reports.png")
