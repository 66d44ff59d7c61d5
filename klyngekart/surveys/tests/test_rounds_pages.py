"""Round pages over HTTP: who sees what, creating, opening and closing, invitation upload, QR."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import segno
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.models import RespondentInvitation, Round, RoundCompany, RoundStatus
from klyngekart.surveys.rounds.open_links import open_link_set
from klyngekart.surveys.rounds.services import invitations_add, round_open
from klyngekart.surveys.tests.rounds_helpers import draft_round, part_of, published_version
from klyngekart.taxonomy.tests.factories import TaxonomyVersionFactory

pytestmark = pytest.mark.django_db


def _url(world, name: str, *args) -> str:
    return reverse(f"rounds:{name}", args=[world.cluster.slug, *args])


def _with_invitations(world):
    round_ = draft_round(world)
    round_open(round_=round_, actor=world.users["manager"])
    for own, emails in ((True, ["ola@bedrift.no", "kari@bedrift.no"]), (False, ["nabo@annen.no"])):
        invitations_add(
            round_company=part_of(round_, world, own=own),
            actor=world.users["manager"],
            emails=emails,
            language="nb",
        )
    with scope(world.cluster):
        RoundCompany.objects.filter(company=world.membership.company).update(
            started_count=2, completed_count=1
        )
    return round_


def test_the_cluster_sees_every_company_with_counts_and_never_an_address(world, login, english) -> None:
    round_ = _with_invitations(world)
    for role in ("manager", "staff", "advisor", "board"):
        body = login(world.users[role]).get(_url(world, "detail", round_.pk)).content.decode()
        assert world.membership.company.name in body and world.other_membership.company.name in body
        assert "bedrift.no" not in body and "annen.no" not in body
        # 1 completed of 2 invited: a count under k, shown as such, and no rate from it.
        assert "under 5" in body and "50.0 %" not in body
        page = login(world.users[role]).get(_url(world, "company", round_.pk, part_of(round_, world).pk))
        assert page.status_code == 200
        assert "bedrift.no" not in page.content.decode()


def test_links_and_qr_codes_only_for_those_who_distribute(world, login) -> None:
    round_ = _with_invitations(world)
    part = part_of(round_, world)
    with scope(world.cluster):
        open_link_set(round_company=part, actor=world.users["manager"], enabled=True)
    for role, sees in (
        ("manager", True),
        ("staff", True),
        ("advisor", False),
        ("board", False),
        ("contact", True),
    ):
        body = login(world.users[role]).get(_url(world, "detail", round_.pk)).content.decode()
        assert (part.link_token in body) is sees, role


def test_a_contact_sees_only_its_own_company_and_its_address_list_without_status(
    world, login, english
) -> None:
    round_ = _with_invitations(world)
    with scopes_disabled():
        RespondentInvitation.objects.filter(email="ola@bedrift.no").update(status="completed")
    client = login(world.users["contact"])
    listing = client.get(_url(world, "list")).content.decode()
    assert round_.title in listing
    detail = client.get(_url(world, "detail", round_.pk)).content.decode()
    assert world.membership.company.name in detail
    assert world.other_membership.company.name not in detail
    own = part_of(round_, world)
    page = client.get(_url(world, "company", round_.pk, own.pk)).content.decode()
    assert "ola@bedrift.no" in page and "kari@bedrift.no" in page
    # The list says nothing about who answered: no status words beside the addresses.
    assert "Completed</span" not in page.split("Invited addresses")[1]
    assert "completed" not in page.split("Invited addresses")[1].lower()
    neighbour = part_of(round_, world, own=False)
    for name in ("company", "invite", "qr_png", "qr_svg"):
        assert client.get(_url(world, name, round_.pk, neighbour.pk)).status_code == 404


def test_a_contact_never_reaches_a_round_its_company_is_not_in(world, login) -> None:
    round_ = draft_round(world, companies=[world.other_membership])
    client = login(world.users["contact"])
    assert client.get(_url(world, "detail", round_.pk)).status_code == 404
    assert round_.title not in client.get(_url(world, "list")).content.decode()


def test_roles_below_the_page_are_refused(world, login) -> None:
    round_ = draft_round(world)
    assert login(world.users["member"]).get(_url(world, "list")).status_code == 403
    for role in ("advisor", "board", "contact"):
        assert login(world.users[role]).get(_url(world, "create")).status_code == 403
        assert login(world.users[role]).post(_url(world, "open", round_.pk)).status_code in {403, 404}
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DRAFT


def test_the_manager_creates_a_round_for_chosen_members(world, login, english) -> None:
    TaxonomyVersionFactory(cluster=world.cluster)
    version = published_version(world)
    today = timezone.localdate()
    client = login(world.users["manager"])
    assert client.get(_url(world, "create")).status_code == 200
    response = client.post(
        _url(world, "create"),
        {
            "survey_version": version.pk,
            "title": "Høstkartlegging",
            "opens_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=14)).isoformat(),
            "audience": "employees",
            "which": "chosen",
            "companies": [world.other_membership.pk],
            "reminder_days": "3, 7",
        },
    )
    with scope(world.cluster):
        round_ = Round.objects.get(title="Høstkartlegging")
        assert list(round_.companies.values_list("company_id", flat=True)) == [
            world.other_membership.company_id
        ]
    assert response.status_code == 302 and response["Location"] == _url(world, "detail", round_.pk)
    assert round_.reminder_days == [3, 7] and round_.status == RoundStatus.DRAFT


def test_the_create_form_keeps_what_was_typed_and_explains_errors(world, login, english) -> None:
    TaxonomyVersionFactory(cluster=world.cluster)
    version = published_version(world)
    today = timezone.localdate()
    response = login(world.users["manager"]).post(
        _url(world, "create"),
        {
            "survey_version": version.pk,
            "title": "Vårkartlegging",
            "opens_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=5)).isoformat(),
            "audience": "employees",
            "which": "all",
            "reminder_days": "3, 9",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Vårkartlegging" in body and "between 1 and 5" in body
    with scope(world.cluster):
        assert not Round.objects.exists()


def test_opening_and_closing_ask_first_then_change_state(
    world, login, django_capture_on_commit_callbacks
) -> None:
    round_ = draft_round(world)
    invitations_add(
        round_company=part_of(round_, world),
        actor=world.users["contact"],
        emails=["ola@bedrift.no"],
        language="en",
    )
    client = login(world.users["staff"])
    confirm = client.get(_url(world, "open", round_.pk))
    assert confirm.status_code == 200
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_url(world, "open", round_.pk)).status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN
    assert [message.to for message in mail.outbox] == [["ola@bedrift.no"]]
    assert client.post(_url(world, "close", round_.pk)).status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    # Opening a closed round again is explained, not done.
    refused = client.post(_url(world, "open", round_.pk))
    assert refused.status_code == 200
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED


def test_an_upload_with_a_bad_line_saves_nothing_and_shows_the_line(world, login, english) -> None:
    round_ = draft_round(world)
    part = part_of(round_, world)
    upload = SimpleUploadedFile(
        "ansatte.csv", b"E-post\nola@bedrift.no\nkari.bedrift.no\n", content_type="text/csv"
    )
    response = login(world.users["contact"]).post(
        _url(world, "invite", round_.pk, part.pk), {"file": upload, "language": "nb"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "kari.bedrift.no" in body and '<th scope="row">3</th>' in body
    with scopes_disabled():
        assert not RespondentInvitation.objects.exists()


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("ansatte.txt", b"ola@bedrift.no\r\n\r\nkari@bedrift.no\r\nola@bedrift.no\r\n"),
        ("ansatte.csv", "Navn;E-post\nOla;ola@bedrift.no\nKari;kari@bedrift.no\n".encode("cp1252")),
    ],
)
def test_an_upload_invites_every_address_once(world, login, filename, content) -> None:
    round_ = draft_round(world)
    part = part_of(round_, world)
    upload = SimpleUploadedFile(filename, content)
    response = login(world.users["contact"]).post(
        _url(world, "invite", round_.pk, part.pk), {"file": upload, "language": "en"}
    )
    assert response.status_code == 302
    with scope(world.cluster):
        invited = sorted(part.invitations.values_list("email", "language"))
    assert invited == [("kari@bedrift.no", "en"), ("ola@bedrift.no", "en")]


def test_an_xlsx_upload_and_pasted_addresses(world, login) -> None:
    from io import BytesIO

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in (["E-post"], ["ola@bedrift.no"], ["kari@bedrift.no"]):
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    round_ = draft_round(world)
    part = part_of(round_, world)
    client = login(world.users["staff"])
    upload = SimpleUploadedFile("liste.xlsx", buffer.getvalue())
    assert (
        client.post(_url(world, "invite", round_.pk, part.pk), {"file": upload, "language": "nb"}).status_code
        == 302
    )
    pasted = {"addresses": "per@bedrift.no\nola@bedrift.no", "language": "nb"}
    assert client.post(_url(world, "invite", round_.pk, part.pk), pasted).status_code == 302
    part.refresh_from_db()
    assert part.invited_count == 3


OUTLOOK = (
    '"Nordmann, Ola" <ola@bedrift.no>; Kari Hansen <KARI@bedrift.no>; per.bedrift.no; '
    "kari@bedrift.no\nAnne\tanne@bedrift.no"
)


def test_a_pasted_outlook_list_with_a_mistake_sends_nothing_and_keeps_the_text(
    world, login, django_capture_on_commit_callbacks
) -> None:
    round_ = draft_round(world)
    round_open(round_=round_, actor=world.users["manager"])
    part = part_of(round_, world)
    client = login(world.users["contact"])
    url = _url(world, "invite", round_.pk, part.pk)
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, {"addresses": OUTLOOK, "language": "nb"})
    assert refused.status_code == 200
    page = refused.content.decode()
    # The problem is named with its line and text, and the list is still in the box as typed.
    assert "per.bedrift.no" in page and "ikke en e-postadresse" in page.lower()
    assert "&quot;Nordmann, Ola&quot; &lt;ola@bedrift.no&gt;; Kari Hansen" in page
    assert 'name="skip_invalid"' in page and "Inviter de 3 gyldige adressene" in page
    assert mail.outbox == []
    with scope(world.cluster):
        assert not part.invitations.exists()
    # Corrected, it goes through: four entries, three addresses (Kari twice, in two cases).
    fixed = OUTLOOK.replace("per.bedrift.no", "per@bedrift.no")
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"addresses": fixed, "language": "nb"})
    assert sent.status_code == 302
    with scope(world.cluster):
        assert sorted(part.invitations.values_list("email", flat=True)) == [
            "anne@bedrift.no",
            "kari@bedrift.no",
            "ola@bedrift.no",
            "per@bedrift.no",
        ]
    assert len(mail.outbox) == 4


def test_the_valid_addresses_go_only_when_asked_explicitly(world, login) -> None:
    round_ = draft_round(world)
    part = part_of(round_, world)
    client = login(world.users["contact"])
    url = _url(world, "invite", round_.pk, part.pk)
    skipped = client.post(url, {"addresses": OUTLOOK, "language": "nb", "skip_invalid": "1"}, follow=True)
    assert "1 oppføring som ikke var en adresse, ble utelatt." in skipped.content.decode()
    with scope(world.cluster):
        assert sorted(part.invitations.values_list("email", flat=True)) == [
            "anne@bedrift.no",
            "kari@bedrift.no",
            "ola@bedrift.no",
        ]


def test_a_file_with_a_mistake_comes_back_as_text_to_correct(world, login) -> None:
    round_ = draft_round(world)
    part = part_of(round_, world)
    client = login(world.users["contact"])
    upload = SimpleUploadedFile("ansatte.csv", b"Navn;E-post\nOla;ola@bedrift.no\nKari;kari(at)bedrift.no\n")
    page = client.post(_url(world, "invite", round_.pk, part.pk), {"file": upload, "language": "nb"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "kari(at)bedrift.no" in body and "Ola\tola@bedrift.no" in body
    with scope(world.cluster):
        assert not part.invitations.exists()


def test_qr_codes_of_the_open_link(world, login, settings) -> None:
    settings.SITE_URL = "https://mail.example.no"
    round_ = draft_round(world)
    part = part_of(round_, world)
    client = login(world.users["contact"])
    # Off by default: no QR code until the link is on.
    off = client.get(_url(world, "qr_png", round_.pk, part.pk))
    assert off.status_code == 302 and off["Location"] == _url(world, "company", round_.pk, part.pk)
    with scope(world.cluster):
        open_link_set(round_company=part, actor=world.users["contact"], enabled=True)
    png = client.get(_url(world, "qr_png", round_.pk, part.pk))
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    assert "attachment" in png["Content-Disposition"]
    svg = client.get(_url(world, "qr_svg", round_.pk, part.pk))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    page = client.get(_url(world, "company", round_.pk, part.pk)).content.decode()
    assert f"http://testserver/s/{part.link_token}/" in page
    assert "mail.example.no" not in page


def test_links_and_qr_codes_follow_the_host_and_port_the_user_reached(world, login, settings) -> None:
    """Behind another host, port and scheme (a proxy setting X-Forwarded-Proto), the open link on
    the page, in the QR code and in the API is on that address, not on SITE_URL."""
    settings.SITE_URL = "https://mail.example.no"
    settings.ALLOWED_HOSTS = ["kart.example.no"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    round_ = draft_round(world)
    part = part_of(round_, world)
    with scope(world.cluster):
        open_link_set(round_company=part, actor=world.users["contact"], enabled=True)
    client = login(world.users["contact"])
    where = {"HTTP_HOST": "kart.example.no:8443", "HTTP_X_FORWARDED_PROTO": "https"}
    expected = f"https://kart.example.no:8443/s/{part.link_token}/"
    page = client.get(_url(world, "company", round_.pk, part.pk), **where).content.decode()
    assert expected in page and "mail.example.no" not in page
    detail = client.get(_url(world, "detail", round_.pk), **where).content.decode()
    assert expected in detail
    png = client.get(_url(world, "qr_png", round_.pk, part.pk), **where)
    made = io.BytesIO()
    segno.make(expected, error="m").save(made, kind="png", scale=12, border=4)
    assert png.content == made.getvalue()
    plain = client.get(_url(world, "company", round_.pk, part.pk), HTTP_HOST="kart.example.no:8001")
    assert f"http://kart.example.no:8001/s/{part.link_token}/" in plain.content.decode()


def test_copy_link_is_an_enhancement_of_selectable_text(world, login) -> None:
    round_ = draft_round(world)
    part = part_of(round_, world)
    with scope(world.cluster):
        open_link_set(round_company=part, actor=world.users["contact"], enabled=True)
    client = login(world.users["contact"])
    link = f"http://testserver/s/{part.link_token}/"
    for page in (_url(world, "company", round_.pk, part.pk), _url(world, "detail", round_.pk)):
        body = client.get(page).content.decode()
        # Without JavaScript: the link as text, the button hidden; the script shows it.
        assert f'<code class="kk-copy__link" data-copy-source>{link}</code>' in body
        assert "data-copy-button hidden" in body and 'data-copied="Kopiert"' in body
        assert "Kopier lenke" in body and "klyngekart/copy-link.js" in body
    script = (settings_base_dir() / "static" / "klyngekart" / "copy-link.js").read_text()
    assert "navigator.clipboard" in script and "button.hidden = false" in script


def settings_base_dir():  # type: ignore[no-untyped-def]
    from django.conf import settings as django_settings

    return django_settings.BASE_DIR


def test_the_a4_poster_names_the_company_and_round_with_a_large_qr_code(world, login) -> None:
    round_ = draft_round(world, title="Kompetanse 2026")
    part = part_of(round_, world)
    client = login(world.users["contact"])
    url = _url(world, "poster", round_.pk, part.pk)
    # Off by default: no poster until the open link is on.
    off = client.get(url)
    assert off.status_code == 302 and off["Location"] == _url(world, "company", round_.pk, part.pk)
    with scope(world.cluster):
        open_link_set(round_company=part, actor=world.users["contact"], enabled=True)
        survey = round_.survey_version.survey
        survey.title_en = ""
        survey.save()
    assert url in client.get(_url(world, "company", round_.pk, part.pk)).content.decode()
    body = client.get(url).content.decode()
    link = f"http://testserver/s/{part.link_token}/"
    assert "@page { size: A4 portrait" in body
    assert "Kompetanse 2026" in body and world.membership.name in body and world.cluster.name in body
    assert f'<p class="link">{link}</p>' in body
    assert "<svg" in body and f"<title>{link}</title>" in body
    assert "Skann koden med kameraet på mobilen" in body
    # English too only when the survey can be answered in English.
    assert "Scan the code with your phone" not in body
    with scope(world.cluster):
        survey.title_en = "Competence 2026"
        survey.save()
    english = client.get(url).content.decode()
    assert "Scan the code with your phone" in english and 'lang="en"' in english
    # The cluster team reaches it too; a board member does not.
    assert login(world.users["manager"]).get(url).status_code == 200
    assert login(world.users["board"]).get(url).status_code == 403
