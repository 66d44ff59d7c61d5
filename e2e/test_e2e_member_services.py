"""Journey: the cluster manager reads the member services and the latest member survey: the NPS
with its change, the importance–satisfaction map drawn by Vega-Lite, and no serious accessibility
problem on either page."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from e2e.support import DEMO_SLUG, App
from e2e.test_e2e_accessibility import _describe
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.memberservices.selectors import member_survey_rounds


def test_manager_reads_the_member_survey_map(new_app: Callable[..., App]) -> None:
    cluster = Cluster.objects.get(slug=DEMO_SLUG)
    with scope(cluster):
        latest = member_survey_rounds(cluster)[-1]
    app = new_app(bypass_csp=True)  # axe-core is injected as an inline script
    app.log_in()
    page = app.page

    page.goto(app.cluster_url("services/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main table tbody tr")).to_have_count(6)
    violations = app.axe_violations()
    assert not violations, _describe(violations)
    app.screenshot("member-services.png")

    page.goto(app.cluster_url(f"services/survey/{latest.pk}/"))
    page.wait_for_load_state("networkidle")
    # The map is drawn (an SVG or canvas inside the chart's frame), and the table beside it names
    # the quadrant of each service.
    expect(page.locator(".kk-chart svg, .kk-chart canvas").first).to_be_visible()
    body = page.locator("main").inner_text()
    assert "Konsentrer innsatsen her" in body and "+" in body
    violations = app.axe_violations()
    assert not violations, _describe(violations)
    assert app.console_errors == []
    app.screenshot("member-survey.png")
