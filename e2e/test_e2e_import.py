"""Journey b: import members from a spreadsheet export, fix the row that was wrong, confirm."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from e2e.support import DEMO_SLUG, App
from klyngekart.members.models import Company
from klyngekart.members.validators import org_number_check_digit

MEMBERS = f"/c/{DEMO_SLUG}/members/"
# Named to sort first in the member list, so the screenshot after the import shows them.
NEW_COMPANIES = ("Akvaplan Solsiden AS", "Albatross Fiskehelse AS")


def _unused_org_numbers(count: int, start: int = 92_100_000) -> list[str]:
    """Valid (MOD11) organisation numbers that no company in the database has."""
    found: list[str] = []
    first_eight = start
    while len(found) < count:
        check = org_number_check_digit(str(first_eight))
        number = f"{first_eight}{check}"
        if check is not None and not Company.objects.filter(org_number=number).exists():
            found.append(number)
        first_eight += 1
    return found


def _csv(rows: list[tuple[str, str]]) -> bytes:
    """A member list as Norwegian Excel saves it: semicolons, Norwegian headers, UTF-8 with a BOM."""
    lines = ["Organisasjonsnummer;Navn;Næringskode;Antall ansatte;Kommune;Kontaktperson;E-post"]
    for org_number, name in rows:
        slug = name.split()[0].lower()
        lines.append(f"{org_number};{name};03.211;12;Bergen;Kari Nordmann;kari@{slug}.example.no")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _upload(app: App, content: bytes) -> None:
    page = app.page
    page.locator("input[type=file][name=file]").set_input_files(
        files=[{"name": "medlemmer.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.locator("form[enctype='multipart/form-data'] [type=submit]").click()
    page.wait_for_load_state()


def test_import_shows_the_bad_row_then_imports_the_fixed_file(app: App) -> None:
    page = app.page
    good, fixed = _unused_org_numbers(2)
    # The same number with a wrong check digit: nine digits, but not a real organisation number.
    bad = fixed[:8] + str((int(fixed[8]) + 1) % 10)

    app.log_in()
    page.goto(app.url(MEMBERS))
    members_before = page.locator("#kk-member-count").inner_text()
    page.locator(f'a[href="{MEMBERS}import/"]').first.click()
    expect(page).to_have_url(re.compile(rf"{MEMBERS}import/$"))

    # First try: row 3 (the header is row 1, as in Excel) has a bad organisation number.
    _upload(app, _csv([(good, NEW_COMPANIES[0]), (bad, NEW_COMPANIES[1])]))
    errors = page.locator("tr.kk-error-row")
    expect(errors).to_have_count(1)
    expect(errors.locator("th[scope=row]")).to_have_text("3")
    expect(errors).to_contain_text(bad)
    expect(page.locator("form[action$='/import/confirm/']")).to_have_count(0)
    app.screenshot("import-errors.png")

    # Nothing was written by the dry run.
    assert not Company.objects.filter(org_number__in=[good, bad]).exists()

    # Second try with the number corrected: a preview of both rows, then confirm.
    _upload(app, _csv([(good, NEW_COMPANIES[0]), (fixed, NEW_COMPANIES[1])]))
    expect(page.locator("tr.kk-error-row")).to_have_count(0)
    preview = page.locator("section[aria-labelledby=kk-import-result] tbody tr")
    expect(preview).to_have_count(2)
    page.locator("form[action$='/import/confirm/'] [type=submit]").click()

    # Back on the member list, with a success message and the new members in it.
    expect(page).to_have_url(re.compile(rf"{MEMBERS}$"))
    expect(page.locator(".kk-messages .ds-alert[data-color=success]")).to_be_visible()
    expect(page.locator("#kk-member-count")).not_to_have_text(members_before)
    names = page.locator("#kk-member-results tbody th[scope=row]")
    for name in NEW_COMPANIES:
        expect(names.filter(has_text=name)).to_have_count(1)
    assert app.console_errors == []
    app.screenshot("import-done.png")

    # And they can be found with the search box.
    page.locator("input[name=q]").fill("Albatross")
    page.get_by_role("search").locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(r"q=Albatross"))
    expect(names).to_have_count(1)
    expect(names.first).to_have_text(NEW_COMPANIES[1])
