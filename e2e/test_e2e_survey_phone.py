"""Journey: an employee answers the employee mapping on a 360 px phone, and the survey keeps the
start page's promise.

The journey counts what the respondent must do (every tap, choice and click) and measures every
page's height, then holds them against the start page: as many parts as it said, as many areas as
it said, and no page taller than a few screens. On the way it leaves one row unanswered, follows
the error summary's link to that row, marks a whole group not relevant with one tick and one area
of another group "Ikke relevant for meg". The figures
are printed (run with -s) so the estimate in surveys/answering/pages.py can be checked against them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from playwright.sync_api import Page, expect

from e2e.support import DEMO_SLUG, App
from e2e.test_e2e_mapping import create_survey_and_open_round
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.surveys.models import GapAnswer

SMALL_PHONE = {"width": 360, "height": 740}
# A matrix part holds one area group (at most seven areas in the demo taxonomy): measured at
# 2,500-3,150 px (the whole matrix on one page was 16,000 px). At most five screens.
MAX_PART_HEIGHT = 5 * SMALL_PHONE["height"]


def _stated(page: Page) -> tuple[int, int, int, int]:
    """(questions, areas, parts, minutes) as the start page states them."""
    text = page.locator("main").inner_text()
    match = re.search(
        r"Undersøkelsen har (\d+) spørsmål, der du vurderer (\d+) kompetanseområder?, fordelt på (\d+) del",
        text,
    )
    minutes = re.search(r"Det tar om lag (\d+) minutt", text)
    assert match and minutes, text
    questions, areas, parts = (int(value) for value in match.groups())
    return questions, areas, parts, int(minutes.group(1))


def _fits(page: Page, heights: list[int]) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SMALL_PHONE["width"], f"{page.url} is {width}px wide on a 360px phone"
    heights.append(page.evaluate("document.documentElement.scrollHeight"))


def test_an_employee_answers_on_a_360px_phone_as_the_start_page_promised(
    app: App, new_app: Callable[..., App]
) -> None:
    round_id, path = create_survey_and_open_round(app)
    phone = new_app(viewport=SMALL_PHONE, is_mobile=True, has_touch=True)
    page = phone.page
    page.goto(phone.url(path))
    questions, areas, parts, minutes = _stated(page)
    assert "ti minutter" not in page.locator("main").inner_text()
    heights: list[int] = []
    _fits(page, heights)
    taps = 0
    started = time.monotonic()

    page.locator("main a.ds-button").first.click()
    taps += 1
    expect(page.locator("#progress-label")).to_contain_text(f"Del 1 av {parts}")
    _fits(page, heights)
    page.locator("input[name=role][value=production]").check()
    page.locator("button[name=action][value=next]").click()
    taps += 2

    rated = not_relevant = matrix_parts = 0
    while page.get_by_role("heading", level=1).inner_text().startswith("Kompetansebehov"):
        matrix_parts += 1
        _fits(page, heights)
        rows = page.locator("fieldset.kk-panel[id^='q-gaps-']")
        count = rows.count()
        if matrix_parts == 1:
            phone.screenshot("answer-matrix-360.png", full_page=False)
            # Leave the last row out: the summary names it and links to its row.
            for index in range(count - 1):
                rows.nth(index).locator("input[name$='__importance'][value='4']").check()
                rows.nth(index).locator("input[name$='__level'][value='2']").check()
                taps += 2
            page.locator("button[name=action][value=next]").click()
            taps += 1
            summary = page.locator("#error-summary")
            expect(summary).to_be_visible()
            links = summary.locator("a")
            expect(links).to_have_count(1)
            missing = rows.nth(count - 1)
            expect(missing).to_have_class(re.compile("kk-row-error"))
            name = missing.locator("legend").first.inner_text()
            expect(links.first).to_have_text(name)
            links.first.click()
            taps += 1
            expect(page).to_have_url(re.compile(r"#q-gaps-"))
            missing.locator("input[name$='__importance'][value='3']").check()
            missing.locator("input[name$='__level'][value='3']").check()
            taps += 2
            rated += count
        elif matrix_parts == 2:
            # A group that has nothing to do with the job: one tick for the whole group.
            page.locator("input[name=gaps__group_not_relevant]").check()
            taps += 1
            # With JavaScript the rows show it at once (without, the server applies it on Next).
            expect(rows.last.locator("input[name$='__not_relevant']")).to_be_checked()
            not_relevant += count
        elif matrix_parts == 3:
            # One area of a group that does not concern the job: its own tick, the rest rated.
            rows.nth(0).locator("input[name$='__importance'][value='5']").check()
            rows.nth(0).locator("input[name$='__not_relevant']").check()
            expect(rows.nth(0).locator("input[name$='__importance'][value='5']")).not_to_be_checked()
            taps += 1
            not_relevant += 1
            for index in range(1, count):
                rows.nth(index).locator("input[name$='__importance'][value='4']").check()
                rows.nth(index).locator("input[name$='__level'][value='2']").check()
                taps += 2
            rated += count - 1
        else:
            for index in range(count):
                rows.nth(index).locator("input[name$='__importance'][value='4']").check()
                rows.nth(index).locator("input[name$='__level'][value='2']").check()
                taps += 2
            rated += count
        page.locator("button[name=action][value=next]").click()
        taps += 1

    expect(page.get_by_role("heading", level=1)).to_have_text("Læring i bedriften")
    _fits(page, heights)
    expect(page.locator("#progress-label")).to_contain_text(f"Del {parts} av {parts}")
    page.locator("select[name=learning_ways__rank1]").select_option("on_the_job")
    page.locator("input[name=culture_time][value='4']").check()
    page.locator("button[name=action][value=next]").click()
    taps += 3
    expect(page).to_have_url(re.compile(r"/thanks/(\?.*)?$"))
    expect(page.locator("[role=status] h1")).to_contain_text("Takk")
    expect(page.get_by_text("Start en ny besvarelse")).to_have_count(0)
    seconds = time.monotonic() - started

    assert 2 + matrix_parts == parts, f"{parts} parts promised, {2 + matrix_parts} answered"
    assert rated + not_relevant == areas
    # Not relevant is stored as no row: only the rated areas are answers (and gaps).
    with scope(Cluster.objects.get(slug=DEMO_SLUG)):
        assert GapAnswer.objects.filter(round_id=round_id).count() == rated
    assert max(heights) <= MAX_PART_HEIGHT, f"a part is {max(heights)}px tall: {heights}"
    # The required interactions of someone who rates every area: one role, two per area, a
    # click per part and the start; the estimate gives each area 12 s, so it must not promise
    # less than 5 s per required tap.
    required = 1 + 2 * areas + parts + 1
    assert minutes * 60 >= 5 * required, (minutes, required)
    print(  # noqa: T201 - the journey's measurement, read with -s
        f"\nsurvey at 360px: {parts} parts, {areas} areas, {questions} questions, promised {minutes} min; "
        f"required taps {required}, this journey {taps}; part heights {heights} px; "
        f"{seconds:.1f}s for the robot"
    )
    assert phone.console_errors == []
    phone.screenshot("answer-phone-360.png", full_page=False)
