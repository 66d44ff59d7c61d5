"""Journey: from the map of the cluster landscape to a partner and into the collaboration pipeline.
The manager opens the map, chooses a country, opens a cluster's profile, adds it to the pipeline,
finds it on the board, moves it from idea to contacted with the card's own small form (no
JavaScript involved) and writes a note. Then the board on a 360 px phone: stacked, never wider
than the screen."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.utils import timezone
from playwright.sync_api import expect

from e2e.support import App
from e2e.test_e2e_accessibility import _describe

WIDE = {"width": 1366, "height": 900}
SMALL_PHONE = {"width": 360, "height": 800}


def test_manager_takes_a_partner_from_the_map_into_the_pipeline(new_app: Callable[..., App]) -> None:
    app = new_app(viewport=WIDE, bypass_csp=True)  # axe-core is injected as an inline script
    app.log_in()
    page = app.page
    page.goto(app.url("/landscape/map/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kart over klyngelandskapet")
    page.locator("svg a[href*='country=DE']").first.click()
    expect(page).to_have_url(re.compile(r"country=DE"))
    profile = page.locator("table tbody th a.ds-link").first
    name = profile.inner_text()
    profile.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)

    page.get_by_role("link", name="Legg til i samarbeidstrakten").click()
    expect(page.get_by_label("Tittel eller tema")).to_have_value(f"Samarbeid med {name}")
    page.get_by_label("Tittel eller tema").fill(f"Havvind med {name}")
    page.get_by_label("Neste steg", exact=True).fill("Ringe klyngelederen")
    due = timezone.localdate() + dt.timedelta(days=7)
    page.get_by_label("Dato for neste steg").fill(due.isoformat())
    page.get_by_role("button", name="Lagre").click()

    expect(page.locator("main")).to_contain_text(f"«Havvind med {name}» er på tavlen.")
    idea = page.locator('.kk-board__column[data-stage="idea"]')
    card = idea.locator("article", has_text=f"Havvind med {name}")
    expect(card).to_be_visible()
    expect(page.locator(".kk-card--overdue")).to_have_count(1)  # the demo's overdue next step
    violations = app.axe_violations()
    assert not violations, _describe(violations)
    app.screenshot("collaborations-board.png")

    card.get_by_label(f"Fase for «Havvind med {name}»").select_option("contacted")
    card.get_by_role("button", name="Flytt").click()
    expect(page.locator("main")).to_contain_text("er flyttet til Kontaktet")
    contacted = page.locator('.kk-board__column[data-stage="contacted"]')
    moved = contacted.locator("article", has_text=f"Havvind med {name}")
    expect(moved).to_be_visible()
    expect(idea.locator("article", has_text=f"Havvind med {name}")).to_have_count(0)

    moved.get_by_role("link", name=f"Havvind med {name}").click()
    page.get_by_label("Legg til et notat").fill("Hyggelig telefon; de sender programmet for studieturen.")
    page.get_by_role("button", name="Legg til notatet").click()
    expect(page.locator("main")).to_contain_text("Notatet er lagt til.")
    history = page.locator(".kk-history")
    expect(history).to_contain_text("Hyggelig telefon; de sender programmet for studieturen.")
    expect(history).to_contain_text("Flyttet den fra Idé til Kontaktet")
    violations = app.axe_violations()
    assert not violations, _describe(violations)
    assert app.console_errors == []


def test_the_board_stacks_on_a_small_phone(new_app: Callable[..., App]) -> None:
    app = new_app(viewport=SMALL_PHONE, is_mobile=True, has_touch=True)
    app.log_in()
    page = app.page
    page.goto(app.cluster_url("collaborations/"))
    expect(page.locator(".kk-board__column").first).to_be_visible()
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= SMALL_PHONE["width"], f"the page is {page_width}px wide on a 360px screen"
    # Stacked: every column starts at the same left edge, one under the other.
    boxes = [page.locator(".kk-board__column").nth(i).bounding_box() for i in range(6)]
    assert all(box is not None for box in boxes)
    assert len({round(box["x"]) for box in boxes if box}) == 1
    assert app.console_errors == []
    app.screenshot("collaborations-board-phone.png")
