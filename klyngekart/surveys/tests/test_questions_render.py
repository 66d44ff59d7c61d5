"""The question partials and post_to_raw agree: what a partial renders as chosen, posted back
as a browser would, cleans to the same answer."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import translation

from klyngekart.surveys.answering.forms import post_to_raw
from klyngekart.surveys.definitions.logic import validate_answers
from klyngekart.surveys.models import Question
from klyngekart.taxonomy.models import CompetenceArea

OPTIONS = [
    {"key": "courses", "nb": "Kurs", "en": "Courses"},
    {"key": "mentoring", "nb": "Mentorordning", "en": "Mentoring"},
    {"key": "digital", "nb": "Digital læring", "en": "Digital learning"},
]
AREAS = [
    CompetenceArea(code="digital-ai", group="digital", name_nb="Kunstig intelligens", name_en="AI"),
    CompetenceArea(code="green-energy", group="green", name_nb="Energi", name_en="Energy"),
]


class FormReader(HTMLParser):
    """Collects what a browser would submit, plus every control name, from rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.data = QueryDict(mutable=True)
        self.names: set[str] = set()
        self.labels_for: set[str] = set()
        self.ids: set[str] = set()  # of form controls
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("input", "select", "textarea"):
            self.ids.add(a["id"])
        if tag == "label" and "for" in a:
            self.labels_for.add(a["for"])
        if tag == "input":
            self.names.add(a["name"])
            if a.get("type") in ("radio", "checkbox"):
                if "checked" in a:
                    self.data.appendlist(a["name"], a["value"])
            elif a.get("value"):
                self.data.appendlist(a["name"], a["value"])
        elif tag == "select":
            self.names.add(a["name"])
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.data.appendlist(self._select, a["value"])
        elif tag == "textarea":
            self.names.add(a["name"])
            self._textarea = a["name"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and data:
            self.data.appendlist(self._textarea, data)


def render(question: Question, value: Any = None, **extra: Any) -> tuple[str, FormReader]:
    context = {"question": question, "value": value, "error": "", "areas": AREAS, "language": "nb"}
    context.update(extra)
    html = render_to_string("surveys/questions/question.html", context)
    reader = FormReader()
    reader.feed(html)
    return html, reader


CASES = [
    (Question(key="culture", type="likert", text_nb="Vi deler kunnskap"), 4),
    (Question(key="nps", type="nps", text_nb="Anbefale?"), 0),
    (Question(key="people", type="number", text_nb="Antall", min_value=0, max_value=500), 42),
    (Question(key="challenges", type="text", text_nb="Utfordringer"), "Rekruttering & <AI>"),
    (Question(key="role", type="single", text_nb="Rolle", options=OPTIONS), "mentoring"),
    (Question(key="ways", type="multiple", text_nb="Måter", options=OPTIONS), ["courses", "digital"]),
    (Question(key="rank", type="ranking", text_nb="Ranger", options=OPTIONS), ["digital", "courses"]),
    (
        Question(key="gaps", type="gap_matrix", text_nb="Behov"),
        {"digital-ai": {"importance": 5, "level": 2}, "green-energy": {"importance": 3, "level": 3}},
    ),
]


@pytest.mark.parametrize(("question", "value"), CASES, ids=[case[0].type for case in CASES])
def test_a_rendered_answer_posts_back_to_the_same_value(question: Question, value: Any) -> None:
    _html, reader = render(question, value)
    raw = post_to_raw([question], reader.data)
    cleaned = validate_answers([question], raw, area_codes=[a.code for a in AREAS])
    assert cleaned.ok, cleaned.errors
    assert cleaned.answers[question.key] == (value.strip() if isinstance(value, str) else value)
    # Every input has a label a screen reader announces.
    assert reader.ids and reader.ids <= reader.labels_for


def test_an_empty_question_posts_nothing_and_texts_follow_the_language() -> None:
    question = Question(key="role", type="single", text_nb="Rolle", text_en="Role", options=OPTIONS)
    html, reader = render(question, None, language="en")
    assert "Role" in html and "Mentoring" in html and "Mentorordning" not in html
    assert post_to_raw([question], reader.data) == {}
    html_nb, _reader = render(question, None)
    assert "Rolle" in html_nb and "Mentorordning" in html_nb


def test_other_is_an_option_with_its_own_text_field() -> None:
    question = Question(key="ways", type="multiple", text_nb="Måter", options=OPTIONS, allow_other=True)
    html, reader = render(question, ["other"], other_text="Messer")
    assert 'name="ways__other"' in html and 'value="Messer"' in html
    raw = post_to_raw([question], reader.data)
    assert raw == {"ways": ["other"], "ways__other": "Messer"}
    cleaned = validate_answers([question], raw)
    assert cleaned.answers == {"ways": ["other"]} and cleaned.other_texts == {"ways": "Messer"}


def test_gap_matrix_is_one_fieldset_per_area_with_two_radio_groups_and_not_relevant() -> None:
    question = Question(key="gaps", type="gap_matrix", text_nb="Behov", areas=["green-energy"])
    html, reader = render(question)
    assert reader.names == {
        "gaps__green-energy__importance",
        "gaps__green-energy__level",
        "gaps__green-energy__not_relevant",
    }
    assert "Ikke relevant for meg" in html or "Not relevant for me" in html
    assert "Energi" in html and "Kunstig intelligens" not in html
    assert "<table" not in html


def test_errors_are_shown_and_tied_to_the_question_and_raw_strings_stay_chosen() -> None:
    question = Question(key="nps", type="nps", text_nb="Anbefale?", required=True)
    html, reader = render(question, "7", error="Velg et tall.")
    assert "Velg et tall." in html and 'aria-describedby="q-nps-scale q-nps-error"' in html
    assert reader.data.get("nps") == "7"


def test_a_half_answered_area_reaches_validation_as_a_half_pair() -> None:
    question = Question(key="gaps", type="gap_matrix", text_nb="Behov", required=False)
    post = QueryDict("gaps__digital-ai__importance=4&unrelated=1")
    raw = post_to_raw([question], post)
    assert raw == {"gaps": {"digital-ai": {"importance": "4", "level": ""}}}
    with translation.override("en"):
        cleaned = validate_answers([question], raw, area_codes=["digital-ai"])
    assert "both" in cleaned.errors["gaps"]


def test_ranking_skips_blank_choices_and_keeps_order() -> None:
    question = Question(key="rank", type="ranking", text_nb="Ranger", options=OPTIONS)
    raw = post_to_raw([question], QueryDict("rank__rank1=digital&rank__rank2=&rank__rank3=courses"))
    assert raw == {"rank": ["digital", "courses"]}


def test_not_relevant_wins_over_ratings_in_the_same_row_and_is_shown_ticked() -> None:
    question = Question(key="gaps", type="gap_matrix", text_nb="Behov", required=True)
    post = QueryDict("gaps__digital-ai__importance=4&gaps__digital-ai__not_relevant=1")
    raw = post_to_raw([question], post)
    assert raw == {"gaps": {"digital-ai": {"not_relevant": True}}}
    cleaned = validate_answers([question], raw, area_codes=["digital-ai"])
    assert cleaned.ok and cleaned.answers == {"gaps": {"digital-ai": {"not_relevant": True}}}
    html, reader = render(question, cleaned.answers["gaps"])
    assert reader.data.get("gaps__digital-ai__not_relevant") == "1"
    assert "gaps__digital-ai__importance" not in reader.data


def test_a_row_error_is_shown_on_its_row() -> None:
    question = Question(key="gaps", type="gap_matrix", text_nb="Behov", areas=["green-energy"])
    html = render_to_string(
        "surveys/questions/question.html",
        {
            "question": question,
            "value": {},
            "language": "nb",
            "areas": list(AREAS),
            "row_errors": {"green-energy": "Vurder dette området."},
        },
    )
    assert 'id="q-gaps-green-energy-error"' in html and "Vurder dette området." in html
    assert "kk-row-error" in html
