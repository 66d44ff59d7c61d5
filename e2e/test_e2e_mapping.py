"""Journeys of the internal mapping.

a) The manager creates a survey from the employee template, opens a round for it over two members
   through the pages, and finds a company's open link and the progress.
b) An employee answers that link on a phone, in Norwegian, through every part to the thank-you
   page; then a colleague does the same with JavaScript off. The progress says 2 completed.
c) The company contact opens the company's results for last year's closed demo round and
   downloads the PDF; the manager looks at the cluster's results and the strategies.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e.support import DEMO_SLUG, PHONE, App
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.home.demo_mapping import round_title
from klyngekart.members.models import Membership
from klyngekart.surveys.models import Round, RoundCompany, SurveyVersion

CONTACT = "contact@demo.klyngekart.no"
# Two members of different sizes; the first is the demo contact's company.
COMPANIES = ("Fjordlaks Oppdrett AS", "Havbris Settefisk AS")


def _memberships() -> list[Membership]:
    cluster = Cluster.objects.get(slug=DEMO_SLUG)
    with scope(cluster):
        return list(Membership.objects.filter(company__name__in=COMPANIES).order_by("company__name"))


def create_survey_and_open_round(app: App) -> tuple[int, str]:
    """Journey a. Returns the round's id and the first company's open link (its path)."""
    page = app.page
    app.log_in()
    page.goto(app.cluster_url("surveys/"))
    expect(page.locator("main table tbody tr").first).to_be_visible()
    app.screenshot("surveys.png")

    page.locator(f'a[href="/c/{DEMO_SLUG}/surveys/new/"]').first.click()
    page.locator("form:has(input[name=template][value=employee_mapping]) [type=submit]").click()
    page.wait_for_load_state()
    match = re.search(r"/surveys/(\d+)/", page.url) or re.search(r"/surveys/versions/(\d+)/", page.url)
    assert match, page.url
    cluster = Cluster.objects.get(slug=DEMO_SLUG)
    with scope(cluster):
        version = SurveyVersion.objects.filter(status="published").order_by("-pk").first()
    assert version is not None and version.survey.kind == "employee_mapping"

    # A round of the new survey over two chosen members, through the round form.
    page.goto(app.cluster_url("rounds/new/"))
    today = timezone.localdate()
    page.locator("select[name=survey_version]").select_option(str(version.pk))
    page.locator("input[name=title]").fill("Kartlegging våren")
    page.locator("input[name=opens_on]").fill(today.isoformat())
    page.locator("input[name=closes_on]").fill((today + timedelta(days=21)).isoformat())
    page.locator("input[name=which][value=chosen]").check()
    for membership in _memberships():
        page.locator(f"input[name=companies][value='{membership.pk}']").check()
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    match = re.search(r"/rounds/(\d+)/", page.url)
    assert match, f"the round form did not lead to the round: {page.url}"
    round_id = int(match.group(1))

    # Open it: a confirmation page, then the round takes answers.
    page.locator(f'a[href="/c/{DEMO_SLUG}/rounds/{round_id}/open/"]').click()
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(rf"/rounds/{round_id}/$"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    assert app.console_errors == []
    app.screenshot("round.png")

    # Personal invitations are the default: the first company's open link is off until the manager
    # turns it on, past a plain warning about padding. Then its page shows the link and QR codes.
    rows.filter(has_text=COMPANIES[0]).locator("th a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COMPANIES[0])
    expect(page.locator("main code")).to_have_count(0)
    page.locator('main a[href$="/open-link/"]').first.click()
    page.locator("main form button[name=enabled][value=on]").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(COMPANIES[0])
    link = page.locator("main code").first.inner_text()
    path = re.search(r"/s/[^/\s]+/", link)
    assert path, link
    expect(page.locator('main a[href$="qr.png"]')).to_be_visible()
    # The link is on the host the browser uses, and "Kopier lenke" (JavaScript) copies it and says so.
    assert link.startswith(app.base_url), link
    copy = page.locator("main [data-copy-button]").first
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator("main [data-copy-status]").first).not_to_be_empty()
    expect(page.locator('main a[href$="/poster/"]')).to_be_visible()
    return round_id, path.group(0)


def answer_every_part(page: Page, on_matrix: Callable[[], None] | None = None) -> None:
    """Answer the employee mapping survey from its start page to the thank-you page."""
    page.locator("main a.ds-button").first.click()
    # Part 1: about you (the role group), in Norwegian.
    expect(page.get_by_role("heading", level=1)).to_have_text("Om deg")
    page.locator("input[name=role][value=production]").check()
    page.locator("button[name=action][value=next]").click()
    # Then the competence gap matrix, one area group per part: importance and today's level for
    # every area of the group.
    groups = 0
    while page.get_by_role("heading", level=1).inner_text().startswith("Kompetansebehov"):
        groups += 1
        if on_matrix is not None and groups == 1:
            on_matrix()
        importance = page.locator("input[type=radio][name$='__importance'][value='4']")
        level = page.locator("input[type=radio][name$='__level'][value='2']")
        assert 1 <= importance.count() <= 10 and importance.count() == level.count()
        for index in range(importance.count()):
            importance.nth(index).check()
            level.nth(index).check()
        page.locator("button[name=action][value=next]").click()
    # The demo taxonomy's seven groups, and "Annet" for the cluster's own fish health area.
    assert groups >= 7, f"the matrix took {groups} parts, one per area group was expected"
    # The last part: learning at work; the last button submits.
    expect(page.get_by_role("heading", level=1)).to_have_text("Læring i bedriften")
    page.locator("select[name=learning_ways__rank1]").select_option("on_the_job")
    page.locator("select[name=learning_ways__rank2]").select_option("courses")
    for key in ("culture_time", "culture_share", "culture_leader"):
        page.locator(f"input[name={key}][value='4']").check()
    page.locator("textarea[name=challenges]").fill("Lite tid til opplæring i høysesongen.")
    page.locator("button[name=action][value=next]").click()
    expect(page).to_have_url(re.compile(r"/thanks/(\?.*)?$"))
    expect(page.locator("[role=status] h1")).to_contain_text("Takk")


def test_manager_opens_a_round_and_employees_answer_on_a_phone_with_and_without_javascript(
    app: App, new_app: Callable[..., App]
) -> None:
    round_id, path = create_survey_and_open_round(app)

    phone = new_app(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.page.goto(phone.url(path))
    expect(phone.page.locator("html")).to_have_attribute("lang", "nb")

    def fits_the_phone() -> None:
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the answering page is {width}px wide on a phone"
        phone.screenshot("answer-phone.png", full_page=False)

    answer_every_part(phone.page, on_matrix=fits_the_phone)
    assert phone.console_errors == []

    no_js = new_app(viewport=PHONE, java_script_enabled=False)
    no_js.page.goto(no_js.url(path))
    answer_every_part(no_js.page)
    no_js.screenshot("answer-nojs.png", full_page=False)

    cluster = Cluster.objects.get(slug=DEMO_SLUG)
    with scope(cluster):
        part = RoundCompany.objects.get(round_id=round_id, company__name=COMPANIES[0])
    assert part.completed_count == 2
    app.page.goto(app.cluster_url(f"rounds/{round_id}/"))
    row = app.page.locator("main table tbody tr").filter(has_text=COMPANIES[0])
    # Invited, started, completed: the third count is the completed one. Two is under k (5), and
    # the page says so rather than how many: a small count read twice would tell when one answered.
    expect(row.locator("td").nth(2)).to_have_text("under 5")


def test_the_contact_sees_the_company_results_and_downloads_the_pdf(
    app: App, new_app: Callable[..., App]
) -> None:
    page = app.page
    app.log_in(CONTACT)
    page.goto(app.cluster_url("results/mine/"))
    last_year = round_title(timezone.localdate().year - 1)
    page.get_by_role("link", name=last_year).click()
    expect(page).to_have_url(re.compile(r"/results/rounds/\d+/companies/\d+/$"))
    # Gaps by area against the cluster average: a chart drawn in the page and the table under it.
    expect(page.locator("[data-chart] svg").first).to_be_visible()
    table = page.locator("main table").first
    expect(table.locator("tbody tr").first).to_be_visible()
    assert table.locator("tbody tr").count() >= 30
    assert re.search(r"\d,\d\d|\d\.\d\d", table.inner_text()), "the table shows mean gaps"
    assert app.console_errors == []
    app.screenshot("results-company.png")

    with page.expect_download() as download_info:
        page.locator('a[href*="/pdf/"]').first.click()
    download = download_info.value
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF"), pdf[:20]

    page.goto(app.cluster_url("strategy/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert app.console_errors == []
    app.screenshot("strategy.png")

    manager = new_app()
    manager.log_in()
    cluster = Cluster.objects.get(slug=DEMO_SLUG)
    with scope(cluster):
        closed = Round.objects.get(title=last_year)
    manager.page.goto(manager.cluster_url(f"results/?round={closed.pk}"))
    expect(manager.page.locator("[data-chart] svg").first).to_be_visible()
    assert manager.console_errors == []
    manager.screenshot("results-cluster.png")
    manager.page.goto(manager.cluster_url("taxonomy/"))
    expect(manager.page.get_by_role("heading", level=1)).to_be_visible()
    manager.screenshot("taxonomy.png", full_page=False)
