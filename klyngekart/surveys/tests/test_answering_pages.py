"""The answering pages over HTTP, as a phone without JavaScript uses them."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.answering.log_privacy import DropAnsweringRequests
from klyngekart.surveys.models import Answer, Response, ResponseDraft, RoundCompany
from klyngekart.surveys.models.rounds import RespondentInvitation
from klyngekart.surveys.tests.answering import AREA_CODES, build_mapping, invite

pytestmark = pytest.mark.django_db

ROLE = {"role": "office", "shown": "role"}
GAPS: dict[str, Any] = {
    f"gaps__{code}__{part}": "3" for code in AREA_CODES for part in ("importance", "level")
}
GAPS.update(shown="gaps,challenges", challenges="Vi trenger mer opplæring")
LAST: dict[str, Any] = {
    "culture": "4",
    "recommend": "9",
    "hours": "12",
    "forms": ["courses"],
    "shown": "culture,recommend,hours,forms,top",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()


@pytest.fixture
def mapping(world):  # type: ignore[no-untyped-def]
    return build_mapping(world.membership)


def url(mapping, rest: str = "", lang: str = "en") -> str:  # type: ignore[no-untyped-def]
    return f"/s/{mapping.token}/{rest}?lang={lang}"


def post(client: Client, mapping, number: int, data: dict, action: str = "next", token: str | None = None):  # type: ignore[no-untyped-def]
    token = token or mapping.token
    return client.post(f"/s/{token}/part/{number}/?lang=en", {**data, "action": action})


def answer_all(client: Client, mapping, token: str | None = None):  # type: ignore[no-untyped-def]
    client.get(f"/s/{token or mapping.token}/?lang=en")
    assert post(client, mapping, 1, ROLE, token=token).status_code == 302
    assert post(client, mapping, 2, GAPS, token=token).status_code == 302
    return post(client, mapping, 3, LAST, token=token)


def stored(cluster) -> list[Response]:  # type: ignore[no-untyped-def]
    with scope(cluster):
        return list(Response.objects.all())


def test_the_start_page_explains_anonymity_and_sets_a_private_resume_cookie(client, mapping) -> None:  # type: ignore[no-untyped-def]
    page = client.get(url(mapping))
    assert page.status_code == 200
    text = page.content.decode()
    assert mapping.company.company.name in text and mapping.company.cluster.name in text
    assert "anonymous" in text and "at least 5 people" in text and "IP address" in text
    assert "Log in" not in text and "Log out" not in text
    cookie = page.cookies["kk_resume"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == f"/s/{mapping.token}/"
    # Until the round closes (in 30 days here), and never less than 30 days.
    assert int(cookie["max-age"]) == 31 * 24 * 3600
    assert page.headers["Cache-Control"] == "no-store"


def test_a_respondent_goes_through_every_part_without_javascript(client, mapping) -> None:  # type: ignore[no-untyped-def]
    client.get(url(mapping))
    first = post(client, mapping, 1, ROLE)
    assert first.headers["Location"] == url(mapping, "part/2/")
    second_page = client.get(first.headers["Location"])
    assert "Part 2 of 3" in second_page.content.decode()
    assert post(client, mapping, 2, GAPS).headers["Location"] == url(mapping, "part/3/")
    last_page = client.get(url(mapping, "part/3/")).content.decode()
    assert "Submit answers" in last_page and "Back" in last_page
    done = post(client, mapping, 3, LAST)
    assert done.headers["Location"] == url(mapping, "thanks/")
    thanks = client.get(done.headers["Location"]).content.decode()
    assert "Thank you" in thanks and "Receipt" in thanks
    [response] = stored(mapping.round.cluster)
    with scope(mapping.round.cluster):
        answers = {a.question_key: a.value for a in Answer.objects.filter(response=response)}
        assert answers["role"] == "office" and answers["culture"] == 4 and answers["forms"] == ["courses"]
        assert answers["challenges"] == "Vi trenger mer opplæring"
        assert response.segments == ["role=office"]
        assert not ResponseDraft.objects.exists()
        company = RoundCompany.objects.get(pk=mapping.company.pk)
        assert (company.started_count, company.completed_count) == (1, 1)
    # The start page now says thank you instead of starting again.
    assert client.get(url(mapping)).headers["Location"] == url(mapping, "thanks/")


def test_errors_show_beside_the_fields_with_a_summary_and_keep_what_was_typed(client, mapping) -> None:  # type: ignore[no-untyped-def]
    client.get(url(mapping))
    post(client, mapping, 1, ROLE)
    post(client, mapping, 2, GAPS)
    page = post(client, mapping, 3, {**LAST, "culture": "", "hours": "tolv"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Please check these answers" in text
    assert 'href="#q-culture"' in text and 'href="#q-hours"' in text
    assert "This question needs an answer." in text and "Give a whole number." in text
    assert 'value="tolv"' in text
    assert not stored(mapping.round.cluster)


def test_a_half_rated_area_is_an_error_and_keeps_the_other_ratings(client, mapping) -> None:  # type: ignore[no-untyped-def]
    client.get(url(mapping))
    post(client, mapping, 1, ROLE)
    half = {**GAPS}
    del half["gaps__lean__level"]
    page = post(client, mapping, 2, half)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Rate every area." in text or "Rate both" in text
    assert 'name="gaps__lean__importance" value="3" checked' in text


def test_the_cookie_resumes_where_the_respondent_left(client, mapping) -> None:  # type: ignore[no-untyped-def]
    client.get(url(mapping))
    post(client, mapping, 1, ROLE)
    again = client.get(url(mapping)).content.decode()
    assert "Continue where you left off" in again and url(mapping, "part/2/").replace("&", "&amp;") in again
    first = client.get(url(mapping, "part/1/")).content.decode()
    assert 'value="office" checked' in first
    stranger = Client().get(url(mapping)).content.decode()
    assert "Continue where you left off" not in stranger


def test_back_keeps_the_answers_of_the_part_left(client, mapping) -> None:  # type: ignore[no-untyped-def]
    client.get(url(mapping))
    post(client, mapping, 1, ROLE)
    back = post(
        client, mapping, 2, {"challenges": "Halvferdig tekst", "shown": "gaps,challenges"}, action="back"
    )
    assert back.headers["Location"] == url(mapping, "part/1/")
    assert "Halvferdig tekst" in client.get(url(mapping, "part/2/")).content.decode()


def test_a_double_submit_stores_once_and_shows_the_same_thank_you(client, mapping) -> None:  # type: ignore[no-untyped-def]
    first = answer_all(client, mapping)
    second = post(client, mapping, 3, LAST)
    assert first.headers["Location"] == second.headers["Location"] == url(mapping, "thanks/")
    assert len(stored(mapping.round.cluster)) == 1
    with scope(mapping.round.cluster):
        assert RoundCompany.objects.get(pk=mapping.company.pk).completed_count == 1


def test_a_show_if_question_appears_on_the_same_page_without_javascript(client, mapping) -> None:  # type: ignore[no-untyped-def]
    client.get(url(mapping))
    post(client, mapping, 1, ROLE)
    post(client, mapping, 2, GAPS)
    page = post(client, mapping, 3, {**LAST, "forms": ["mentoring"]})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="why_mentoring"' in text and "opened more questions" in text
    done = post(
        client,
        mapping,
        3,
        {
            **LAST,
            "forms": ["mentoring"],
            "why_mentoring": "Lære av de erfarne",
            "shown": LAST["shown"] + ",why_mentoring",
        },
    )
    assert done.status_code == 302
    with scope(mapping.round.cluster):
        assert Answer.objects.get(question_key="why_mentoring").value == "Lære av de erfarne"


def test_one_browser_answers_an_open_link_once(client, mapping) -> None:  # type: ignore[no-untyped-def]
    """Regression (issue 12, finding 4): "Start a new response" let one person answer again and
    again. After submitting, every page of the link leads to the thank-you page, which offers no
    new start; the address that did it is gone."""
    answer_all(client, mapping)
    thanks = client.get(url(mapping, "thanks/")).content.decode()
    assert "Thank you" in thanks and "Start a new response" not in thanks and "again/" not in thanks
    for path in ("", "part/1/", "part/3/"):
        assert client.get(url(mapping, path)).headers["Location"] == url(mapping, "thanks/")
    assert post(client, mapping, 3, LAST).headers["Location"] == url(mapping, "thanks/")
    assert client.post(url(mapping, "again/")).status_code == 404
    assert len(stored(mapping.round.cluster)) == 1


@pytest.mark.parametrize(("status", "words"), [("closed", "is closed"), ("draft", "has not opened yet")])
def test_a_round_that_is_not_open_says_so_politely(client, mapping, status, words) -> None:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        mapping.round.status = status
        mapping.round.save()
    for path in ("", "part/1/"):
        page = client.get(url(mapping, path))
        assert page.status_code == 410 and words in page.content.decode()
    assert post(client, mapping, 1, ROLE).status_code == 410


def test_an_unknown_token_or_part_is_not_found(client, mapping) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/s/no-such-token/").status_code == 404
    assert client.get(url(mapping, "part/9/")).status_code == 404


def test_the_language_follows_lang_then_the_invitation_then_the_browser(client, mapping) -> None:  # type: ignore[no-untyped-def]
    part = mapping.questions["culture"]
    english = client.get(url(mapping, "part/3/", lang="en")).content.decode()
    assert part.text_en in english and "Part 3 of 3" in english and 'lang="en"' in english
    assert 'href="/s/' + mapping.token + '/part/3/?lang=nb"' in english  # the switch
    norwegian = client.get(url(mapping, "part/3/", lang="nb")).content.decode()
    assert part.text_nb in norwegian and 'lang="nb"' in norwegian
    browser = client.get(f"/s/{mapping.token}/part/3/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert part.text_en in browser.content.decode()
    assert part.text_nb in client.get(f"/s/{mapping.token}/part/3/").content.decode()
    token = invite(mapping.company, language="en")
    personal = client.get(f"/s/{token}/part/3/", HTTP_ACCEPT_LANGUAGE="nb")
    assert part.text_en in personal.content.decode()


def test_a_personal_link_resumes_by_its_token_and_completes_its_invitation(client, mapping) -> None:  # type: ignore[no-untyped-def]
    token = invite(mapping.company)
    start = client.get(f"/s/{token}/?lang=en")
    assert "kk_resume" not in start.cookies
    post(client, mapping, 1, ROLE, token=token)
    assert "Continue where you left off" in Client().get(f"/s/{token}/?lang=en").content.decode()
    with scopes_disabled():
        assert RespondentInvitation.objects.get().status == "started"
    other_device = Client()
    assert post(other_device, mapping, 2, GAPS, token=token).status_code == 302
    assert post(other_device, mapping, 3, LAST, token=token).status_code == 302
    # The completion is applied later, with a batch (surveys/rounds/completions.py); the link is used now.
    assert len(stored(mapping.round.cluster)) == 1
    assert Client().get(f"/s/{token}/?lang=en").headers["Location"].startswith(f"/s/{token}/thanks/")
    assert Client().get(f"/s/{token}/thanks/?lang=en").status_code == 200


def test_a_token_reaches_only_its_own_round_and_pages_name_no_other_company(
    client, world, other_world, mapping
) -> None:  # type: ignore[no-untyped-def]
    theirs = build_mapping(other_world.membership)
    neighbour = build_mapping(world.other_membership)
    answer_all(client, mapping)
    pages = [client.get(url(mapping, path)).content.decode() for path in ("thanks/",)]
    fresh = Client()
    pages += [
        fresh.get(url(mapping, path)).content.decode() for path in ("", "part/1/", "part/2/", "part/3/")
    ]
    for text in pages:
        for outsider in (
            other_world.membership.company.name,
            other_world.cluster.name,
            world.other_membership.company.name,
        ):
            assert outsider not in text
    # The other cluster's round, and the same cluster's other company, got nothing.
    assert stored(other_world.cluster) == []
    with scopes_disabled():
        assert not Response.objects.filter(round_company__in=[theirs.company, neighbour.company]).exists()
        assert Response.objects.get().round_company_id == mapping.company.pk
    # Posting one company's link to another's page address is impossible: the token is the address.
    assert client.get(f"/s/{theirs.token}/part/1/?lang=en").status_code == 200


@override_settings(KLYNGEKART_RESPOND_SESSION_POSTS=2)
def test_posts_are_rate_limited_per_respondent_without_keeping_the_address(client, mapping) -> None:  # type: ignore[no-untyped-def]
    client.get(url(mapping))
    assert post(client, mapping, 1, ROLE).status_code == 302
    assert post(client, mapping, 1, ROLE).status_code == 302
    assert post(client, mapping, 1, ROLE).status_code == 429
    keys = [str(key) for key in cache._cache]  # type: ignore[attr-defined]
    assert keys and not any("127.0.0.1" in key or mapping.token in key for key in keys)
    # A colleague behind the same address (the office's NAT) answers on: the limit is theirs.
    colleague = Client()
    colleague.get(url(mapping))
    assert post(colleague, mapping, 1, ROLE).status_code == 302


@override_settings(KLYNGEKART_RESPOND_SESSION_POSTS=1000, KLYNGEKART_RESPOND_ADDRESS_POSTS=30)
def test_a_whole_office_behind_one_address_finishes_and_one_hammering_client_is_stopped(
    mapping,
) -> None:  # type: ignore[no-untyped-def]
    """Ten colleagues (3 POSTs each) share an address; their 30 POSTs all pass. The address's
    ceiling then stops a client that drops its cookie with every POST."""
    for _person in range(10):
        colleague = Client()
        assert answer_all(colleague, mapping).status_code == 302
    assert len(stored(mapping.round.cluster)) == 10
    hammer = Client()
    assert post(hammer, mapping, 1, ROLE).status_code == 429


@override_settings(KLYNGEKART_RESPOND_ANONYMOUS_POSTS=2)
def test_posts_without_a_respondent_key_are_counted_per_address_and_link(client, mapping) -> None:  # type: ignore[no-untyped-def]
    for _attempt in range(2):
        client.cookies.clear()
        assert post(client, mapping, 1, ROLE).status_code == 302
    client.cookies.clear()
    assert post(client, mapping, 1, ROLE).status_code == 429
    # A browser that keeps its cookie is counted as its own respondent, not as the address.
    browser = Client()
    browser.get(url(mapping))
    assert post(browser, mapping, 1, ROLE).status_code == 302


def test_the_log_filter_drops_answering_requests_only() -> None:
    keep = DropAnsweringRequests()

    def record(message: str, args: Any = ()) -> logging.LogRecord:
        return logging.LogRecord("x", logging.INFO, __file__, 1, message, args, None)

    assert not keep.filter(record("Not Found: /s/abc123/part/1/"))
    assert not keep.filter(record('"POST /api/v1/public/surveys/abc/responses HTTP/1.1" 201 30'))
    assert not keep.filter(
        record("%(h)s %(r)s", {"h": "10.0.0.1", "r": "GET /s/abc/ HTTP/1.1", "U": "/s/abc/"})
    )
    assert keep.filter(record("Not Found: /c/alfa/members/"))
    assert keep.filter(record("%(h)s %(r)s", {"h": "10.0.0.1", "r": "GET /c/a/ HTTP/1.1", "U": "/c/a/"}))


def test_gunicorns_access_log_leaves_out_the_answering_urls(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import runpy
    from pathlib import Path

    from django.conf import settings
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    conf = runpy.run_path(str(Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py"))
    logged: list[str] = []
    monkeypatch.setattr(
        Logger, "access", lambda self, resp, req, environ, t: logged.append(environ["PATH_INFO"])
    )
    logger = conf["logger_class"](Config())
    for path in ("/s/secret-token/part/1/", "/api/v1/public/surveys/t/responses", "/c/alfa/"):
        logger.access(None, None, {"PATH_INFO": path}, 0)
    assert logged == ["/c/alfa/"] and conf["accesslog"] == "-"
