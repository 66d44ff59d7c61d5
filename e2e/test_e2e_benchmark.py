"""Journey: the cluster manager reads the benchmarking self-assessment, ticks the ECCP listing that
the readiness checklist says is missing, and downloads the PDF for the benchmarking interview."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from e2e.support import App
from e2e.test_e2e_accessibility import _describe


def test_manager_completes_the_label_readiness_checklist(new_app: Callable[..., App]) -> None:
    app = new_app(bypass_csp=True)  # axe-core is injected as an inline script
    app.log_in()
    page = app.page
    page.goto(app.cluster_url("benchmark/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Egenvurdering for benchmarking")
    eccp = page.locator('#kk-readiness li[data-status="not_met"]', has_text="European Cluster Collaboration")
    expect(eccp).to_be_visible()
    expect(page.locator("#kk-indicator-management_fte")).to_contain_text("2,5")
    violations = app.axe_violations()
    assert not violations, _describe(violations)
    app.screenshot("benchmark.png")

    page.get_by_role("link", name="Fyll inn verdier").click()
    page.get_by_label("Klyngen er oppført på European Cluster Collaboration Platform").check()
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator("main")).to_contain_text("Egenvurderingen er lagret.")
    listed = page.locator('#kk-readiness li[data-status="met"]', has_text="European Cluster Collaboration")
    expect(listed).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert app.console_errors == []
