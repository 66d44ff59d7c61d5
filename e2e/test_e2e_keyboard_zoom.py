"""Issue 13, item 9: an employee completes the survey with the keyboard alone, and the main pages
work at 200 % zoom.

The keyboard journey never clicks. It presses Tab through each part and acts only on what has
focus: Space checks the first choice of a radio group no one has chosen, a select gets an option
by the arrow key (the n-th place of a ranking the n-th option), and Enter on "Next" sends the
part. Every control that takes focus must show it (an outline or a ring), or a keyboard user
cannot see where they are.

200 % zoom on a 1366 x 768 screen is a 683 x 384 CSS-pixel window at twice the pixel density: no
page may scroll sideways there, and the menu must be reachable."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from e2e.support import DEMO_SLUG, App
from e2e.test_e2e_mapping import create_survey_and_open_round

ZOOM_200 = {"width": 683, "height": 384}
# Each part is a few dozen tab stops (two radio groups and a tick per area, and the buttons):
# a bound that stops a journey that cannot leave a part, far above what a part needs.
MAX_TABS_PER_PART = 400

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const shown = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== 'none');
  const group = el.type === 'radio'
    ? document.querySelectorAll(`input[type=radio][name="${CSS.escape(el.name)}"]:checked`).length
    : 0;
  return {tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '',
          value: el.value || '', shown: shown, checkedInGroup: group,
          selected: el.tagName === 'SELECT' ? el.value : null};
}"""


def _answer_part_by_keyboard(page: Page) -> int:
    """Tab through one part, answering what must be answered, then press Enter on Next. Returns
    the number of keys pressed."""
    keys = 0
    unseen: list[str] = []
    for _tab in range(MAX_TABS_PER_PART):
        page.keyboard.press("Tab")
        keys += 1
        focused = page.evaluate(_FOCUSED)
        if focused is None:
            continue
        if focused["tag"] in ("input", "select", "button", "textarea") and not focused["shown"]:
            unseen.append(f"{focused['tag']} {focused['name']}={focused['value']}")
        if focused["type"] == "radio" and not focused["checkedInGroup"]:
            page.keyboard.press("Space")
            keys += 1
        elif focused["tag"] == "select" and not focused["selected"]:
            # A ranking's n-th place takes the n-th option, so no option is ranked twice.
            place = re.search(r"rank(\d+)$", focused["name"])
            for _step in range(int(place.group(1)) if place else 1):
                page.keyboard.press("ArrowDown")
                keys += 1
        elif focused["tag"] == "button" and focused["name"] == "action" and focused["value"] == "next":
            assert not unseen, f"focus is not visible on: {unseen[:5]}"
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return keys + 1
    raise AssertionError(f"no Next button reached within {MAX_TABS_PER_PART} tabs on {page.url}")


def test_an_employee_completes_the_survey_with_the_keyboard_alone(
    app: App, new_app: Callable[..., App]
) -> None:
    _round_id, path = create_survey_and_open_round(app)
    employee = new_app()
    page = employee.page
    page.goto(employee.url(path))

    # From the top of the start page to its "start" link, by Tab alone.
    for _tab in range(60):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement && document.activeElement.getAttribute('href')")
        if href and re.search(r"/part/\d+/", href):
            break
    else:
        raise AssertionError("the start link cannot be reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    keys, parts = 0, 0
    while not re.search(r"/thanks/(\?.*)?$", page.url):
        before = page.url
        keys += _answer_part_by_keyboard(page)
        parts += 1
        summary = page.locator("#error-summary")
        assert summary.count() == 0 or not summary.is_visible(), (
            f"part {parts} came back with errors: {summary.inner_text()}"
        )
        assert page.url != before or parts < 60, "the survey did not move on"
    expect(page.locator("[role=status] h1")).to_contain_text("Takk")
    print(f"keyboard journey: {parts} parts, {keys} key presses")


MANAGER_PAGES = [
    f"/c/{DEMO_SLUG}/",
    f"/c/{DEMO_SLUG}/members/",
    f"/c/{DEMO_SLUG}/rounds/",
    f"/c/{DEMO_SLUG}/results/",
    f"/c/{DEMO_SLUG}/needs/",
    f"/c/{DEMO_SLUG}/measures/",
    f"/c/{DEMO_SLUG}/reports/",
    f"/c/{DEMO_SLUG}/people/",
    "/accounts/profile/",
]


def test_the_main_pages_work_at_200_percent_zoom(new_app: Callable[..., App]) -> None:
    zoomed = new_app(viewport=ZOOM_200, device_scale_factor=2)
    zoomed.log_in()
    page = zoomed.page
    wide = {}
    for path in MANAGER_PAGES:
        response = page.goto(zoomed.url(path))
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > ZOOM_200["width"]:
            wide[path] = width
        # The menu is there to use: its toggle (or the menu itself) is visible.
        nav = page.locator("nav[aria-label], header nav").first
        expect(nav).to_be_attached()
    assert not wide, f"pages wider than the window at 200 % zoom: {wide}"
    page.goto(zoomed.url(f"/c/{DEMO_SLUG}/needs/"))
    zoomed.screenshot("zoom-200-needs.png", full_page=False)
