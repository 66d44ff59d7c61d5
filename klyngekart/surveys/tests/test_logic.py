import pytest

from klyngekart.surveys.definitions.logic import AnswerError, clean_answer, is_visible, validate_answers
from klyngekart.surveys.models import Question

pytestmark = pytest.mark.django_db

AREAS = ("digital-ai", "green-energy")


def q(key: str, type_: str, **extra) -> Question:  # type: ignore[no-untyped-def]
    options = extra.pop("options", [{"key": "a", "nb": "A", "en": "A"}, {"key": "b", "nb": "B", "en": "B"}])
    return Question(key=key, type=type_, options=options, text_nb=key, **extra)


@pytest.mark.parametrize(
    ("type_", "good", "bad"),
    [
        ("likert", 3, 6),
        ("nps", 10, 11),
        ("number", "42", "4.5"),
        ("single", "a", "c"),
        ("multiple", ["a", "b"], ["a", "a"]),
        ("ranking", ["b", "a"], ["a", "x"]),
        ("text", "Vi trenger mer om AI", 17),
    ],
)
def test_each_type_takes_its_own_shape_and_refuses_others(type_, good, bad) -> None:
    question = q("x", type_)
    assert clean_answer(question, good) is not None
    with pytest.raises(AnswerError):
        clean_answer(question, bad)


def test_a_gap_matrix_takes_pairs_for_known_areas_only() -> None:
    question = q("gaps", "gap_matrix")
    value = {"digital-ai": {"importance": "5", "level": 2}}
    assert clean_answer(question, value, area_codes=AREAS) == {"digital-ai": {"importance": 5, "level": 2}}
    with pytest.raises(AnswerError):
        clean_answer(question, {"unknown": {"importance": 5, "level": 2}}, area_codes=AREAS)
    with pytest.raises(AnswerError):
        clean_answer(question, {"digital-ai": {"importance": 5}}, area_codes=AREAS)


def test_answers_to_hidden_questions_are_dropped_and_required_visible_ones_are_demanded() -> None:
    first = q("uses_ai", "single", required=True)
    follow_up = q("ai_needs", "text", required=True, show_if={"question": "uses_ai", "equals": "a"})
    hidden = validate_answers([first, follow_up], {"uses_ai": "b", "ai_needs": "ignored"})
    assert hidden.ok and hidden.answers == {"uses_ai": "b"}
    shown = validate_answers([first, follow_up], {"uses_ai": "a"})
    assert shown.errors == {"ai_needs": shown.errors["ai_needs"]}
    assert is_visible(follow_up, {"uses_ai": ["a", "b"]})


def test_unknown_questions_and_missing_other_text_are_errors() -> None:
    choice = q("tool", "single", allow_other=True)
    result = validate_answers([choice], {"tool": "other", "nope": 1})
    assert set(result.errors) == {"tool", "nope"}
    fine = validate_answers([choice], {"tool": "other", "tool__other": " Excel "})
    assert fine.ok and fine.other_texts == {"tool": "Excel"}


def test_a_draft_may_leave_required_questions_open() -> None:
    assert validate_answers([q("must", "likert", required=True)], {}, partial=True).ok


def test_nul_characters_are_removed_from_text_so_every_database_can_store_it() -> None:
    assert clean_answer(q("t", "text"), "før\x00 etter ") == "før etter"
    choice = q("tool", "single", allow_other=True)
    assert validate_answers([choice], {"tool": "other", "tool__other": "\x00Excel"}).other_texts == {
        "tool": "Excel"
    }
