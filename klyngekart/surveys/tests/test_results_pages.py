"""Results pages, PDF and API over HTTP: who sees what, the suppression marker, no figures for a
company below k (page, PDF text and JSON), and a bounded number of queries."""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from klyngekart.accounts.tokens import api_token_create
from klyngekart.surveys.models import Round, RoundCompany
from klyngekart.surveys.tests.results_world import ResultsRound, build_round, fill, release

pytestmark = pytest.mark.django_db


@dataclass
class Mapped:
    made: ResultsRound
    big: RoundCompany
    neighbour: RoundCompany
    small: RoundCompany

    @property
    def round(self) -> Round:
        return self.made.round

    def add_company(self) -> RoundCompany:
        return self.made.add_company()


@pytest.fixture
def mapped(world) -> Mapped:  # type: ignore[no-untyped-def]
    """The contact's company with 12 answers, the neighbour with 6 and a small company with 2:
    the small one is pooled with the neighbour (the pool must reach k=5)."""
    made = build_round(world.cluster)
    result = Mapped(
        made, made.add_company(world.membership), made.add_company(world.other_membership), made.add_company()
    )
    fill(result.big, 12, text="Too little time for courses")
    fill(result.neighbour, 6, seed=2)
    fill(result.small, 2, seed=3)
    release(made.round)
    return result


def _company_url(world, made, part, name="results:company") -> str:  # type: ignore[no-untyped-def]
    return reverse(name, args=[world.cluster.slug, made.round.pk, part.pk])


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_cluster_page_ranks_areas_and_pools_small_companies(world, mapped, login, english) -> None:
    client = login(world.users["board"])
    response = client.get(reverse("results:cluster", args=[world.cluster.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert mapped.big.company.name in body
    assert "areas-chart" in body
    # 20 respondents in all; the neighbour (6) and the small company (2) are counted together.
    assert ">20<" in body
    assert "2 companies counted together" in body
    assert ">8<" in body


def test_the_company_listing_links_for_those_who_may_open_a_company(world, mapped, login, english) -> None:
    url = reverse("results:cluster", args=[world.cluster.slug])
    body = login(world.users["manager"]).get(url).content.decode()

    def heading(part: RoundCompany, linked: bool) -> str:
        name = str(escape(part.company.name))
        if linked:
            name = f'<a class="ds-link" href="{_company_url(world, mapped, part)}">{name}</a>'
        return f'<tr><th scope="row">{name}</th>'

    big = body.index(heading(mapped.big, True) + "<td>12</td><td>")
    assert body[big:].split("</tr>", 1)[0].endswith(" %</td>")
    # The pooled ones come after the pooled row, their figures hidden.
    pooled = body.index("2 companies counted together")
    for part in (mapped.neighbour, mapped.small):
        assert body.index(heading(part, True) + '<td colspan="2">') > pooled > big
    # The board sees the same listing but may not open a company's page.
    board = login(world.users["board"]).get(url).content.decode()
    assert heading(mapped.big, False) + "<td>12</td>" in board
    assert _company_url(world, mapped, mapped.big) not in board


def test_a_contact_sees_its_own_results_and_only_those(world, mapped, login, english) -> None:
    client = login(world.users["contact"])
    response = client.get(_company_url(world, mapped, mapped.big) + "?segment=role")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Competence gaps by area, against the cluster average" in body
    assert "Too little time for courses" in body
    assert "Download PDF" in body
    assert client.get(_company_url(world, mapped, mapped.neighbour)).status_code == 404
    assert client.get(_company_url(world, mapped, mapped.neighbour, "reports:company_pdf")).status_code == 404
    assert client.get(reverse("results:cluster", args=[world.cluster.slug])).status_code == 403
    mine = client.get(reverse("results:mine", args=[world.cluster.slug]))
    assert mapped.round.title in mine.content.decode()


def test_a_company_below_k_shows_no_figure(world, mapped, login, english) -> None:
    client = login(world.users["manager"])
    response = client.get(_company_url(world, mapped, mapped.small))
    body = response.content.decode()
    assert "Fewer than 5 answers: hidden to protect anonymity" in body
    main = body.split("<main", 1)[1]
    assert "gaps-chart" not in main
    assert not re.search(r"\d+[.,]\d\d", main)


def test_the_pdf_of_a_company_and_of_a_suppressed_one(world, mapped, login, english) -> None:
    client = login(world.users["contact"])
    started = time.perf_counter()
    response = client.get(_company_url(world, mapped, mapped.big, "reports:company_pdf"))
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert mapped.big.company.name in text
    assert "Method and anonymity" in text
    assert re.search(r"\d[.,]\d\d", text)  # gap means are there
    assert elapsed < 10

    manager = login(world.users["manager"])
    response = manager.get(_company_url(world, mapped, mapped.small, "reports:company_pdf"))
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert "Fewer than 5 answers" in text
    # No figure from the answers: the only numbers are k, the date and the page numbers.
    assert not re.search(r"\d[.,]\d", text)
    assert "Respondents hidden" in text


def test_the_pdf_follows_the_language(world, mapped, login) -> None:
    client = login(world.users["contact"])
    client.cookies["django_language"] = "nb"
    response = client.get(_company_url(world, mapped, mapped.big, "reports:company_pdf"))
    assert response.status_code == 200
    text = _pdf_text(response.content)
    assert re.search(r"\d,\d\d", text)  # Norwegian decimal comma


def _api(client, world, made, token, **params):  # type: ignore[no-untyped-def]
    url = f"/api/v1/clusters/{world.cluster.slug}/rounds/{made.round.pk}/results"
    return client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_for_the_cluster_and_a_company(world, mapped, client) -> None:
    _token, manager = api_token_create(user=world.users["manager"], name="t")
    body = _api(client, world, mapped, manager).json()
    assert body["n"] == 20 and body["suppressed"] is False and body["k"] == 5
    assert {area["code"] for area in body["areas"]} == {"digital-ai", "green-energy", "lean"}
    assert all(area["gap_mean"] is not None for area in body["areas"])

    org_number = mapped.big.company.org_number
    body = _api(client, world, mapped, manager, company=org_number, segment="role").json()
    assert body["n"] == 12 and body["company"] == mapped.big.company.org_number
    # A company's split by segment is for its own contact: beside the cluster's split, the cluster
    # team could subtract across the two tables.
    assert [segment["key"] for segment in body["segments"]] == ["role=production", "role=office"]
    assert all(segment["suppressed"] and segment["n"] is None for segment in body["segments"])
    _token, contact = api_token_create(user=world.users["contact"], name="t")
    body = _api(client, world, mapped, contact, company=org_number, segment="role").json()
    assert all(segment["n"] == 6 for segment in body["segments"])

    # The neighbour (6 answers) is pooled with the small company for the cluster team.
    body = _api(client, world, mapped, manager, company=mapped.neighbour.company.org_number).json()
    assert body["suppressed"] is True and body["n"] is None and body["areas"] == []


def test_the_cluster_api_reads_no_company_listing_it_would_not_show(world, mapped, client) -> None:
    _token, manager = api_token_create(user=world.users["manager"], name="t")
    with CaptureQueriesContext(connection) as queries:
        body = _api(client, world, mapped, manager).json()
    assert body["n"] == 20 and "companies" not in body
    # The listing reads each company's name as "company__name" (surveys.results_cluster.listed_companies).
    assert not [q["sql"] for q in queries if '"company__name"' in q["sql"]]


def test_the_api_keeps_a_contact_to_its_own_company(world, mapped, client) -> None:
    _token, contact = api_token_create(user=world.users["contact"], name="t")
    assert _api(client, world, mapped, contact).status_code == 403
    own = _api(client, world, mapped, contact, company=mapped.big.company.org_number)
    assert own.status_code == 200 and own.json()["n"] == 12
    other = _api(client, world, mapped, contact, company=mapped.neighbour.company.org_number)
    assert other.status_code == 404


def test_a_suppressed_api_body_has_no_figure(world, mapped, client) -> None:
    _token, manager = api_token_create(user=world.users["manager"], name="t")
    org_number = mapped.small.company.org_number
    body = _api(client, world, mapped, manager, company=org_number, segment="role").json()
    assert body == {
        "round": mapped.round.pk,
        "company": mapped.small.company.org_number,
        "released": True,
        "building": False,
        "k": 5,
        "suppressed": True,
        "n": None,
        "areas": [],
        "segments": [],
    }


def test_results_pages_read_a_bounded_number_of_queries(
    world, mapped, login, django_assert_max_num_queries
) -> None:
    client = login(world.users["manager"])
    with django_assert_max_num_queries(40):
        url = reverse("results:cluster", args=[world.cluster.slug]) + "?segment=role"
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(40):
        assert client.get(_company_url(world, mapped, mapped.big) + "?segment=role").status_code == 200


def test_more_companies_do_not_mean_more_queries(world, mapped, login) -> None:
    client = login(world.users["manager"])

    def pages(made: ResultsRound, part: RoundCompany) -> int:
        # Counted with nothing cached: the round's areas are kept once read, and the figures by
        # the release's name.
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(
                reverse("results:cluster", args=[world.cluster.slug]) + f"?round={made.round.pk}&segment=role"
            )
            client.get(
                reverse("results:company", args=[world.cluster.slug, made.round.pk, part.pk])
                + "?segment=role"
            )
        return len(queries)

    bigger = build_round(world.cluster)
    big = bigger.add_company(world.membership)
    fill(big, 12, seed=20)
    for index in range(5):
        fill(bigger.add_company(), 6, seed=10 + index)
    release(bigger.round)
    assert pages(bigger, big) == pages(mapped.made, mapped.big)


def test_the_trend_follows_the_company_across_rounds(world, mapped, login, english) -> None:
    """A second round with 3 answers (below k): its point in the trend is hidden, the first shown."""
    from klyngekart.core.tenancy import scope
    from klyngekart.surveys.results import questions as results_questions

    later = build_round(world.cluster)
    part = later.add_company(world.membership)
    fill(part, 3, seed=7)
    release(later.round)
    with scope(world.cluster):
        lines = results_questions.company_trend(membership=world.membership, area_codes=["lean"])
    assert [point.gap.suppressed for point in lines[0].points] == [False, True]
    client = login(world.users["contact"])
    body = client.get(_company_url(world, mapped, mapped.big)).content.decode()
    assert "Trend between rounds" in body and later.round.title in body
