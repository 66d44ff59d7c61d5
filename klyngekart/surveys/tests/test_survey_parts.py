"""A survey people finish (issue 13, item 1): the gap matrix one area group per page, "not relevant
for me" per area, unanswered rows named and linked, and a start page that states what the survey
asks and how long it takes."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from django.core.cache import cache
from django.db.models import F
from django.test import Client
from django.utils import translation

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.answering.pages import effort, plan_pages
from klyngekart.surveys.definitions.logic import gap_row_errors, validate_answers
from klyngekart.surveys.models import GapAnswer, Question, Response, ResponseDraft
from klyngekart.surveys.results import company_results
from klyngekart.surveys.tests.answering import AREA_CODES, build_mapping
from klyngekart.surveys.tests.factories import QuestionFactory
from klyngekart.surveys.tests.results_world import answers, build_round, release, submit
from klyngekart.taxonomy.models import CompetenceArea

pytestmark = pytest.mark.django_db

GROUPS = {"digital-ai": "digital", "green-energy": "green", "lean": "operations"}
ROLE = {"role": "office", "shown": "role"}
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


def _group_areas(cluster: Any) -> None:
    with scopes_disabled():
        for code, group in GROUPS.items():
            CompetenceArea.objects.filter(cluster=cluster, code=code).update(group=group)


@pytest.fixture
def mapping(world):  # type: ignore[no-untyped-def]
    made = build_mapping(world.membership)
    _group_areas(world.cluster)
    return made


def url(mapping: Any, rest: str = "", lang: str = "en") -> str:
    return f"/s/{mapping.token}/{rest}?lang={lang}"


def post(client: Client, mapping: Any, number: int, data: dict[str, Any], action: str = "next") -> Any:
    return client.post(f"/s/{mapping.token}/part/{number}/?lang=en", {**data, "action": action})


def rate(code: str, importance: str = "4", level: str = "2") -> dict[str, str]:
    return {f"gaps__{code}__importance": importance, f"gaps__{code}__level": level, "shown": "gaps"}


def stored_gaps(cluster: Any) -> dict[str, tuple[int, int]]:
    with scope(cluster):
        return {row.area_code: (row.importance, row.level) for row in GapAnswer.objects.all()}


def test_the_matrix_is_one_page_per_area_group_and_the_section_keeps_its_other_question(
    client, mapping
) -> None:  # type: ignore[no-untyped-def]
    """Pages: 1 role, 2-4 the matrix's three groups, 5 the matrix section's free text, 6 the rest."""
    client.get(url(mapping))
    assert post(client, mapping, 1, ROLE).headers["Location"] == url(mapping, "part/2/")
    page = client.get(url(mapping, "part/2/")).content.decode()
    assert "Part 2 of 6" in page and "area group 1 of 3" in page
    assert "Digital competence" in page
    assert 'name="gaps__digital-ai__importance"' in page
    assert 'name="gaps__green-energy__importance"' not in page and 'name="gaps__lean__level"' not in page
    assert 'name="gaps__digital-ai__not_relevant"' in page and 'name="challenges"' not in page

    assert post(client, mapping, 2, rate("digital-ai")).headers["Location"] == url(mapping, "part/3/")
    assert post(client, mapping, 3, rate("green-energy", "5", "1")).headers["Location"] == url(
        mapping, "part/4/"
    )
    # Back from the third group keeps the second's ratings in the draft, and the first's too.
    assert post(client, mapping, 4, {"shown": "gaps"}, action="back").headers["Location"] == url(
        mapping, "part/3/"
    )
    again = client.get(url(mapping, "part/3/")).content.decode()
    assert 'name="gaps__green-energy__importance" value="5" checked' in again
    assert post(client, mapping, 4, {**rate("lean"), "gaps__lean__importance": ""}).status_code == 200
    assert post(client, mapping, 4, rate("lean", "3", "3")).headers["Location"] == url(mapping, "part/5/")
    page = client.get(url(mapping, "part/5/")).content.decode()
    assert 'name="challenges"' in page and 'name="gaps__' not in page
    assert post(client, mapping, 5, {"challenges": "Mer opplæring", "shown": "challenges"}).status_code == 302
    assert post(client, mapping, 6, LAST).headers["Location"] == url(mapping, "thanks/")
    assert stored_gaps(mapping.round.cluster) == {
        "digital-ai": (4, 2),
        "green-energy": (5, 1),
        "lean": (3, 3),
    }
    with scope(mapping.round.cluster):
        assert not ResponseDraft.objects.exists()


def test_a_resumed_draft_starts_at_the_group_left(client, mapping) -> None:  # type: ignore[no-untyped-def]
    client.get(url(mapping))
    post(client, mapping, 1, ROLE)
    post(client, mapping, 2, rate("digital-ai"))
    start = client.get(url(mapping)).content.decode()
    assert "Continue where you left off" in start and "part/3/" in start


def test_not_relevant_is_no_row_completes_a_required_matrix_and_wins_over_ratings(client, mapping) -> None:  # type: ignore[no-untyped-def]
    client.get(url(mapping))
    post(client, mapping, 1, ROLE)
    post(client, mapping, 2, rate("digital-ai"))
    # Rated first, then ticked "not relevant": the tick is the answer.
    assert (
        post(
            client, mapping, 3, {**rate("green-energy"), "gaps__green-energy__not_relevant": "1"}
        ).status_code
        == 302
    )
    back = client.get(url(mapping, "part/3/")).content.decode()
    assert 'name="gaps__green-energy__not_relevant" value="1" checked' in back
    assert 'name="gaps__green-energy__importance" value="4" checked' not in back
    post(client, mapping, 4, {"gaps__lean__not_relevant": "1", "shown": "gaps"})
    post(client, mapping, 5, {"shown": "challenges"})
    assert post(client, mapping, 6, LAST).headers["Location"] == url(mapping, "thanks/")
    assert stored_gaps(mapping.round.cluster) == {"digital-ai": (4, 2)}
    with scope(mapping.round.cluster):
        assert Response.objects.count() == 1


def test_one_tick_marks_a_whole_group_not_relevant(client, mapping) -> None:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        CompetenceArea.objects.filter(code="lean").update(group="green")
    client.get(url(mapping))
    post(client, mapping, 1, ROLE)
    post(client, mapping, 2, rate("digital-ai"))
    page = client.get(url(mapping, "part/3/")).content.decode()
    assert 'name="gaps__group_not_relevant"' in page and "None of these areas concern my work" in page
    assert "Green transition and sustainability" in page
    # Ticked over a rating already given: the group's tick is the answer for every area in it.
    done = post(client, mapping, 3, {**rate("lean"), "gaps__group_not_relevant": "1"})
    assert done.headers["Location"] == url(mapping, "part/4/")
    back = client.get(url(mapping, "part/3/")).content.decode()
    assert 'name="gaps__group_not_relevant" value="1" checked' in back
    assert 'name="gaps__lean__not_relevant" value="1" checked' in back
    assert 'name="gaps__green-energy__not_relevant" value="1" checked' in back
    post(client, mapping, 4, {"shown": "challenges"})
    assert post(client, mapping, 5, LAST).headers["Location"] == url(mapping, "thanks/")
    assert stored_gaps(mapping.round.cluster) == {"digital-ai": (4, 2)}


def test_unanswered_rows_are_marked_and_named_in_a_summary_that_links_to_them(client, mapping) -> None:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        CompetenceArea.objects.filter(code="green-energy").update(group="digital", name_en="Renewable energy")
    client.get(url(mapping))
    post(client, mapping, 1, ROLE)
    page = post(client, mapping, 2, {"gaps__digital-ai__importance": "4", "shown": "gaps"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Please check these answers" in text
    assert 'href="#q-gaps-digital-ai"' in text and 'href="#q-gaps-green-energy"' in text
    assert "Renewable energy</a>: Rate this area, or mark it as not relevant for you." in text
    assert "Rate both importance and today&#x27;s level" in text
    assert text.count("kk-row-error") == 2
    assert 'id="q-gaps-green-energy-error"' in text
    # The rating given stays chosen, and the area in the next group is not asked about yet.
    assert 'name="gaps__digital-ai__importance" value="4" checked' in text
    assert "lean" not in text.split("error-summary")[1].split("</ul>")[0]


def test_the_summary_is_in_norwegian(client, mapping) -> None:  # type: ignore[no-untyped-def]
    client.get(url(mapping, lang="nb"))
    client.post(f"/s/{mapping.token}/part/1/?lang=nb", {**ROLE, "action": "next"})
    text = client.post(
        f"/s/{mapping.token}/part/2/?lang=nb", {"shown": "gaps", "action": "next"}
    ).content.decode()
    assert "Vurder området, eller marker at det ikke er relevant for deg." in text
    assert "Ikke relevant for meg" in text and "Del 2 av 6" in text


def test_the_start_page_states_questions_areas_pages_and_minutes(client, mapping) -> None:  # type: ignore[no-untyped-def]
    text = client.get(url(mapping)).content.decode()
    # role, gaps, challenges + culture, recommend, hours, forms, top, why_mentoring
    assert "The survey has 9 questions, where you rate 3 competence areas, in 6 parts." in text
    with scope(mapping.round.cluster):
        questions = list(Question.objects.filter(version=mapping.round.survey_version))
    minutes = effort(questions, list(AREA_CODES), 6).minutes
    assert f"It takes about {minutes} minutes, less if some areas are not relevant for you." in text
    assert "ten minutes" not in text


def test_the_estimate_grows_with_the_areas() -> None:
    gaps = Question(key="gaps", type="gap_matrix", required=True)
    role = Question(key="role", type="single")
    few = effort([role, gaps], ["a", "b"], 3)
    many = effort([role, gaps], [f"area-{n}" for n in range(42)], 9)
    assert (few.questions, few.areas, few.pages) == (2, 2, 3)
    assert many.areas == 42 and 9 <= many.minutes <= 11
    assert few.minutes == 1


def test_plan_pages_puts_questions_before_and_after_the_matrix_on_their_own_pages(mapping) -> None:  # type: ignore[no-untyped-def]
    round_ = mapping.round
    with scope(round_.cluster):
        matrix_section = mapping.questions["gaps"].section
        Question.objects.filter(
            pk__in=[mapping.questions["gaps"].pk, mapping.questions["challenges"].pk]
        ).update(position=F("position") + 10)
        QuestionFactory(section=matrix_section, key="before", type="likert", position=0)
        sections = list(round_.survey_version.sections.order_by("position", "id"))
        questions = list(
            Question.objects.filter(version=round_.survey_version).order_by(
                "section__position", "position", "id"
            )
        )
        areas = list(
            CompetenceArea.objects.filter(version=round_.taxonomy_version).order_by("position", "code")
        )
    pages = plan_pages(sections, questions, areas)
    assert [(page.section, page.keys, page.group) for page in pages] == [
        (0, ("role",), ""),
        (1, ("before",), ""),
        (1, ("gaps",), "digital"),
        (1, ("gaps",), "green"),
        (1, ("gaps",), "operations"),
        (1, ("challenges",), ""),
        (2, ("culture", "recommend", "hours", "forms", "top", "why_mentoring"), ""),
    ]
    assert pages[3].area_codes == ("green-energy",) and (pages[3].group_number, pages[3].group_count) == (
        2,
        3,
    )


def test_a_matrix_of_one_group_stays_on_its_sections_page(world) -> None:  # type: ignore[no-untyped-def]
    made = build_mapping(world.membership)  # every area in one group
    client = Client()
    client.get(f"/s/{made.token}/?lang=en")
    client.post(f"/s/{made.token}/part/1/?lang=en", {**ROLE, "action": "next"})
    page = client.get(f"/s/{made.token}/part/2/?lang=en").content.decode()
    assert "Part 2 of 3" in page and 'name="challenges"' in page
    assert all(f'name="gaps__{code}__level"' in page for code in AREA_CODES)


# --- the cleaning rules, for every door --------------------------------------------------------


def test_logic_accepts_not_relevant_and_refuses_it_with_ratings() -> None:
    gaps = Question(key="gaps", type="gap_matrix", required=True)
    codes = ["a", "b"]
    ok = validate_answers(
        [gaps], {"gaps": {"a": {"not_relevant": True}, "b": {"importance": 3, "level": 2}}}, area_codes=codes
    )
    assert ok.ok and ok.answers["gaps"]["a"] == {"not_relevant": True}
    with translation.override("en"):
        both = validate_answers(
            [gaps],
            {"gaps": {"a": {"not_relevant": True, "importance": 3}, "b": {"not_relevant": True}}},
            area_codes=codes,
        )
    assert "not both" in both.errors["gaps"]
    flag = validate_answers([gaps], {"gaps": {"a": {"not_relevant": "yes"}, "b": {}}}, area_codes=codes)
    assert "gaps" in flag.errors
    with translation.override("en"):
        missing = validate_answers([gaps], {"gaps": {"a": {"not_relevant": True}}}, area_codes=codes)
    assert "1 area is missing" in missing.errors["gaps"]


def test_a_draft_keeps_the_rows_it_can_and_the_page_names_the_others() -> None:
    gaps = Question(key="gaps", type="gap_matrix", required=True)
    raw = {"gaps": {"a": {"importance": "4", "level": "2"}, "b": {"importance": "4", "level": ""}}}
    draft = validate_answers([gaps], raw, area_codes=["a", "b", "c"], partial=True)
    assert draft.ok and draft.answers == {"gaps": {"a": {"importance": 4, "level": 2}}}
    with translation.override("en"):
        errors = gap_row_errors(gaps, raw["gaps"], ["a", "b", "c"])
    assert set(errors) == {"b", "c"} and "both" in errors["b"]


# --- figures: not relevant is neither answer nor gap, and the per-area k rule still holds ------------


def test_not_relevant_enters_no_figure_and_an_area_fewer_than_k_rated_is_hidden(world) -> None:  # type: ignore[no-untyped-def]
    results = build_round(world.cluster)
    company = results.add_company(world.membership)
    rng = random.Random(7)  # noqa: S311 - test data
    for index in range(6):
        raw = answers(rng)
        raw["gaps"]["digital-ai"] = {"importance": 5, "level": 1}
        raw["gaps"]["green-energy"] = {"not_relevant": True} if index == 0 else {"importance": 4, "level": 2}
        if index < 2:
            raw["gaps"]["lean"] = {"not_relevant": True}
        submit(company, raw)
    round_ = release(results.round)
    with scope(world.cluster):
        figures = company_results(
            round=round_, round_company=company, viewer_company_ids=[world.membership.company_id]
        )
    rows = {row.code: row.figures for row in figures.areas}
    assert figures.n.value == 6
    # Six rated "digital-ai" with a gap of 4.
    digital = rows["digital-ai"].value
    assert digital is not None and digital.gap_mean == 4 and rows["digital-ai"].n == 6
    # "green-energy": five rated it with a gap of 2, one said not relevant. Counted as a 0 the mean
    # would be 10/6; it is 2 from five answers.
    green = rows["green-energy"].value
    assert green is not None and green.gap_mean == 2 and green.importance_mean == 4
    assert rows["green-energy"].n == 5
    # "lean": four rated it, two said not relevant; 4 < k = 5, so it is hidden.
    assert rows["lean"].suppressed


# --- the public API takes "not relevant" too ---------------------------------------------------


def _api_answers(lean: Any) -> dict[str, Any]:
    return {
        "role": "office",
        "gaps": {
            "digital-ai": {"importance": 4, "level": 2},
            "green-energy": {"importance": 3, "level": 3},
            "lean": lean,
        },
        "culture": 4,
    }


def _api_submit(token: str, body: dict[str, Any], key: str) -> Any:
    return Client().post(
        f"/api/v1/public/surveys/{token}/responses",
        data=json.dumps({"answers": body}),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def test_the_public_api_accepts_not_relevant_and_refuses_it_beside_ratings(mapping) -> None:  # type: ignore[no-untyped-def]
    refused = _api_submit(
        mapping.token, _api_answers({"not_relevant": True, "importance": 2, "level": 1}), "a"
    )
    assert refused.status_code == 422 and "gaps" in refused.json()["detail"]
    stored = _api_submit(mapping.token, _api_answers({"not_relevant": True}), "b")
    assert stored.status_code == 201
    assert set(stored_gaps(mapping.round.cluster)) == {"digital-ai", "green-energy"}


def test_the_public_survey_names_each_areas_group(mapping) -> None:  # type: ignore[no-untyped-def]
    body = Client().get(f"/api/v1/public/surveys/{mapping.token}?lang=nb").json()
    [matrix] = [q for section in body["sections"] for q in section["questions"] if q["key"] == "gaps"]
    groups = {area["code"]: (area["group"], area["group_name"]) for area in matrix["areas"]}
    assert groups["green-energy"] == ("green", "Grønn omstilling og bærekraft")
