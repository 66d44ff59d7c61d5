"""Answering pages that fly (issue 13, item 10): a round's definition read once per process, and a
part nobody has answered yet served from a rendered skeleton with the request's own CSRF token,
link token and names put in (surveys/answering/skeleton.py). What the cache must never do: show one
respondent's answers or errors to another, mix up tokens, or keep a renamed company's old name."""

from __future__ import annotations

import gzip
import re
from typing import Any

import pytest
from django.test import Client

from klyngekart.core.tenancy import scopes_disabled
from klyngekart.members.models import Membership
from klyngekart.surveys.answering import skeleton, views
from klyngekart.surveys.models import Question
from klyngekart.surveys.tests.answering import build_mapping, invite
from klyngekart.taxonomy.models import CompetenceArea

pytestmark = pytest.mark.django_db

GROUPS = {"digital-ai": "digital", "green-energy": "green", "lean": "operations"}
CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")|("X-CSRFToken": ")[^"]*(")')


@pytest.fixture
def mapping(world):  # type: ignore[no-untyped-def]
    made = build_mapping(world.membership)
    with scopes_disabled():
        for code, group in GROUPS.items():
            CompetenceArea.objects.filter(cluster=world.cluster, code=code).update(group=group)
    return made


def part_url(token: str, number: int, lang: str = "en") -> str:
    return f"/s/{token}/part/{number}/?lang={lang}"


def without_csrf(html: str) -> str:
    return CSRF_VALUE.sub(lambda found: "".join(part or "" for part in found.groups()), html)


def csrf_in(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def fresh(monkeypatch: Any, client: Client, url: str) -> str:
    """The page rendered the ordinary way, never from a skeleton."""
    with monkeypatch.context() as patch:
        patch.setattr(views, "skeleton", _no_skeleton)
        return client.get(url).content.decode()


def _no_skeleton(key: Any, draw: Any) -> Any:
    raise AssertionError("this page must be rendered, not served from a skeleton")


def test_a_cached_part_equals_a_fresh_render_for_a_new_respondent(mapping, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.get(f"/s/{mapping.token}/?lang=en")
    for number in range(1, 7):
        url = part_url(mapping.token, number)
        served = client.get(url)
        assert served.status_code == 200
        cached = served.content.decode()
        # The same again: now certainly from the skeleton, and still equal to an ordinary render.
        again = client.get(url).content.decode()
        with monkeypatch.context() as patch:
            patch.setattr(views, "_unanswered", lambda *args: False)
            rendered = client.get(url).content.decode()
        assert without_csrf(cached) == without_csrf(rendered) == without_csrf(again), number
        assert csrf_in(cached) and csrf_in(cached) != skeleton.MARKS["csrf"]
        assert not any(mark in cached for mark in skeleton.MARKS.values())


def test_a_part_is_rendered_once_and_then_served(mapping, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    drawn: list[Any] = []
    real = skeleton.skeleton

    def counting(key: Any, draw: Any) -> Any:
        def counted(marks: dict[str, str]) -> str:
            drawn.append(key)
            return draw(marks)

        return real(key, counted)

    monkeypatch.setattr(views, "skeleton", counting)
    for _respondent in range(3):
        assert Client().get(part_url(mapping.token, 2)).status_code == 200
    assert len(drawn) <= 1


def test_earlier_answers_are_shown_to_their_respondent_only(mapping) -> None:  # type: ignore[no-untyped-def]
    first, second = Client(), Client()
    token = mapping.token
    first.post(part_url(token, 1), {"role": "office", "shown": "role", "action": "next"})
    rated = {"gaps__digital-ai__importance": "5", "gaps__digital-ai__level": "1", "shown": "gaps"}
    assert first.post(part_url(token, 2), {**rated, "action": "next"}).status_code == 302

    own_role = first.get(part_url(token, 1)).content.decode()
    own_matrix = first.get(part_url(token, 2)).content.decode()
    assert re.search(r'value="office"\s+checked', own_role)
    assert re.search(r'id="q-gaps-digital-ai-i5"[^>]*checked', own_matrix)
    assert re.search(r'id="q-gaps-digital-ai-l1"[^>]*checked', own_matrix)

    for page in (second.get(part_url(token, 1)), second.get(part_url(token, 2))):
        assert " checked" not in page.content.decode()
    # And the first respondent, served after the second, still sees their own.
    assert re.search(r'value="office"\s+checked', first.get(part_url(token, 1)).content.decode())


def test_errors_render_and_are_not_kept_for_the_next_respondent(mapping) -> None:  # type: ignore[no-untyped-def]
    token = mapping.token
    failed = Client().post(part_url(token, 2), {"shown": "gaps", "action": "next"})
    assert failed.status_code == 200
    page = failed.content.decode()
    assert 'id="error-summary"' in page and "needs an answer" in page
    after = Client().get(part_url(token, 2)).content.decode()
    assert 'id="error-summary"' not in after and "needs an answer" not in after


def test_each_respondent_gets_their_own_csrf_and_link_tokens(mapping) -> None:  # type: ignore[no-untyped-def]
    personal = invite(mapping.company, language="en")
    pages = {}
    for token in (mapping.token, personal):
        client = Client(enforce_csrf_checks=True)
        page = client.get(part_url(token, 1)).content.decode()
        pages[token] = page
        assert f'action="/s/{token}/part/1/?lang=en"' in page
        assert f'href="/s/{token}/part/1/?lang=nb"' in page
        # The CSRF token in the page is this client's: its POST passes the check.
        reply = client.post(
            part_url(token, 1),
            {"csrfmiddlewaretoken": csrf_in(page), "role": "office", "shown": "role", "action": "next"},
        )
        assert reply.status_code == 302, reply.content[:300]
    assert personal not in pages[mapping.token] and mapping.token not in pages[personal]
    assert csrf_in(pages[mapping.token]) != csrf_in(pages[personal])


def test_a_renamed_company_shows_its_new_name_escaped(mapping) -> None:  # type: ignore[no-untyped-def]
    url = part_url(mapping.token, 1)
    assert "Old &amp; Co" not in Client().get(url).content.decode()
    with scopes_disabled():
        Membership.objects.filter(pk=mapping.company.membership_id).update(name="Old & Co")
    assert "Old &amp; Co" in Client().get(url).content.decode()
    with scopes_disabled():
        Membership.objects.filter(pk=mapping.company.membership_id).update(name="<b>Ny</b> AS")
    page = Client().get(url).content.decode()
    assert "&lt;b&gt;Ny&lt;/b&gt; AS" in page and "<b>Ny</b>" not in page and "Old &amp; Co" not in page


def test_a_name_that_looks_like_a_placeholder_stays_text(mapping) -> None:  # type: ignore[no-untyped-def]
    """The values are put in in one pass: a name holding another placeholder is not filled in."""
    with scopes_disabled():
        Membership.objects.filter(pk=mapping.company.membership_id).update(name=skeleton.MARKS["token"])
    page = Client().get(part_url(mapping.token, 1)).content.decode()
    assert skeleton.MARKS["token"] in page
    assert f'action="/s/{mapping.token}/part/1/?lang=en"' in page


def test_the_language_switch_serves_each_language(mapping) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    english = client.get(part_url(mapping.token, 1, "en")).content.decode()
    norwegian = client.get(part_url(mapping.token, 1, "nb")).content.decode()
    assert '<html lang="en"' in english and '<html lang="nb"' in norwegian
    assert ">Next<" in english and ">Neste<" in norwegian
    assert f'href="/s/{mapping.token}/part/1/?lang=nb"' in english
    assert f'href="/s/{mapping.token}/part/1/?lang=en"' in norwegian


def test_queries_per_request_are_bounded(mapping, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    """Before: 7 queries per GET of a part (token, survey title, sections, questions, areas,
    submission check, draft) and 10-18 per POST. Now the definition is read once per process, and a
    GET reads the token and the draft (a draft means not answered yet, so no submission check).
    (In a test each transaction counts a SAVEPOINT and its RELEASE.)"""
    token = mapping.token
    Client().get(part_url(token, 2))  # this process reads the definition once
    client = Client()
    with django_assert_max_num_queries(1):  # a new respondent: the token only
        client.get(part_url(token, 1))
    # token, draft, check; the first save: 2 foreign key checks, insert, 2 counters (+ savepoint)
    with django_assert_max_num_queries(11):
        client.post(part_url(token, 1), {"role": "office", "shown": "role", "action": "next"})
    with django_assert_max_num_queries(2):  # token, draft (a draft means not answered yet)
        client.get(part_url(token, 2))
    rated = {"gaps__digital-ai__importance": "5", "gaps__digital-ai__level": "1", "shown": "gaps"}
    with django_assert_max_num_queries(5):  # token, draft, its update (+ savepoint)
        client.post(part_url(token, 2), {**rated, "action": "next"})


def test_a_part_from_a_skeleton_is_gzipped_and_a_page_with_answers_is_not(mapping) -> None:  # type: ignore[no-untyped-def]
    """BREACH: only a page with nothing of the request in it but its own tokens is compressed."""
    client = Client(headers={"Accept-Encoding": "gzip"})
    url = part_url(mapping.token, 2)
    served = client.get(url)
    assert served.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in served.headers["Vary"]
    unpacked = gzip.decompress(served.content).decode()
    assert f'action="/s/{mapping.token}/part/2/?lang=en"' in unpacked
    assert without_csrf(unpacked) == without_csrf(Client().get(url).content.decode())

    failed = client.post(part_url(mapping.token, 2), {"shown": "gaps", "action": "next"})
    assert failed.status_code == 200 and "Content-Encoding" not in failed.headers
    client.post(part_url(mapping.token, 1), {"role": "office", "shown": "role", "action": "next"})
    answered = client.get(part_url(mapping.token, 1))
    assert "Content-Encoding" not in answered.headers
    assert re.search(r'value="office"\s+checked', answered.content.decode())


def test_whether_a_part_is_the_last_follows_each_respondents_earlier_answers(mapping) -> None:  # type: ignore[no-untyped-def]
    """The last part shows only to office staff: for them part 5 says Next, for production Submit,
    though part 5 itself is unanswered (served from a skeleton) for both."""
    last_part = ("culture", "recommend", "hours", "forms", "top", "why_mentoring")
    with scopes_disabled():
        Question.objects.filter(key__in=last_part, section__version=mapping.round.survey_version).update(
            show_if={"question": "role", "equals": "office"}
        )
    labels = {}
    for role in ("office", "production"):
        client = Client()
        client.post(part_url(mapping.token, 1), {"role": role, "shown": "role", "action": "next"})
        page = client.get(part_url(mapping.token, 5)).content.decode()
        labels[role] = re.search(r'name="action" value="next"[^>]*>([^<]+)<', page).group(1)  # type: ignore[union-attr]
    assert labels == {"office": "Next", "production": "Submit answers"}
