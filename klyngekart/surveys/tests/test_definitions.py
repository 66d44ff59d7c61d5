import pytest
from django.core.exceptions import ValidationError

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.definitions.services import (
    ordered_questions,
    question_create,
    question_delete,
    question_move,
    question_update,
    section_create,
    section_delete,
    section_move,
    survey_create,
    survey_list,
    survey_new_version,
    survey_publish,
    version_to_spec,
)
from klyngekart.surveys.definitions.templates import survey_create_from_template, survey_templates
from klyngekart.surveys.models import SurveyVersion
from klyngekart.taxonomy.tests.factories import CompetenceAreaFactory, TaxonomyVersionFactory

pytestmark = pytest.mark.django_db

OPTIONS = [{"key": "yes", "nb": "Ja", "en": "Yes"}, {"key": "no", "nb": "Nei", "en": "No"}]


@pytest.fixture
def draft(world):  # type: ignore[no-untyped-def]
    survey = survey_create(
        cluster=world.cluster, actor=world.users["manager"], title_nb="Kartlegging", title_en="Mapping"
    )
    with scope(world.cluster):
        version = survey.versions.get()
        section = version.sections.get()
    return version, section


def _actions(cluster) -> list[str]:  # type: ignore[no-untyped-def]
    with scope(cluster):
        return list(AuditLog.objects.filter(cluster=cluster).order_by("id").values_list("action", flat=True))


def test_a_new_survey_is_a_draft_v1_with_a_section_and_is_audited(world, draft) -> None:
    version, section = draft
    assert version.number == 1 and version.status == "draft" and section.title_nb == "Del 1"
    assert _actions(world.cluster) == ["surveys.survey.created"]
    [survey] = survey_list(world.cluster)
    assert [v.number for v in survey.version_list] == [1]  # type: ignore[attr-defined]


def test_questions_are_checked_when_saved(world, draft, english) -> None:
    _version, section = draft
    actor = world.users["manager"]
    with pytest.raises(ValidationError) as error:
        question_create(
            section=section, actor=actor, data={"key": "Bad Key", "type": "single", "text_nb": ""}
        )
    text = " ".join(error.value.messages)
    assert "key" in text and "Norwegian" in text and "two options" in text
    with pytest.raises(ValidationError):
        question_create(
            section=section,
            actor=actor,
            data={"key": "a__b", "type": "likert", "text_nb": "x", "is_segment": True},
        )
    with pytest.raises(ValidationError):
        question_create(
            section=section,
            actor=actor,
            data={"key": "n", "type": "number", "text_nb": "x", "min_value": 5, "max_value": 1},
        )
    question_create(section=section, actor=actor, data={"key": "q1", "type": "likert", "text_nb": "x"})
    with pytest.raises(ValidationError):  # the key is taken in this version
        question_create(section=section, actor=actor, data={"key": "q1", "type": "text", "text_nb": "y"})


def test_publish_checks_show_if_order_and_values_and_then_freezes_the_version(world, draft, english) -> None:
    version, section = draft
    actor = world.users["manager"]
    with pytest.raises(ValidationError, match="at least one question"):
        survey_publish(version=version, actor=actor)
    follow = question_create(
        section=section,
        actor=actor,
        data={
            "key": "why",
            "type": "text",
            "text_nb": "Hvorfor?",
            "show_if": {"question": "uses", "equals": "yes"},
        },
    )
    uses = question_create(
        section=section,
        actor=actor,
        data={"key": "uses", "type": "single", "text_nb": "Bruker dere AI?", "options": OPTIONS},
    )
    with pytest.raises(ValidationError, match="earlier question"):
        survey_publish(version=version, actor=actor)
    question_move(question=uses, actor=actor, direction=-1)
    with scope(world.cluster):
        assert [q.key for q in ordered_questions(version)] == ["uses", "why"]
    question_update(question=follow, actor=actor, data={"show_if": {"question": "uses", "equals": "maybe"}})
    with pytest.raises(ValidationError, match="cannot have"):
        survey_publish(version=version, actor=actor)
    question_update(question=follow, actor=actor, data={"show_if": {"question": "uses", "in": ["yes"]}})
    published = survey_publish(version=version, actor=actor)
    assert published.status == "published" and published.published_at is not None

    for change in (
        lambda: question_update(question=uses, actor=actor, data={"text_nb": "Endret"}),
        lambda: question_create(
            section=section, actor=actor, data={"key": "x", "type": "text", "text_nb": "x"}
        ),
        lambda: question_delete(question=uses, actor=actor),
        lambda: section_create(version=published, actor=actor, data={"title_nb": "Ny"}),
        lambda: section_delete(section=section, actor=actor),
        lambda: survey_publish(version=published, actor=actor),
    ):
        with pytest.raises(ValidationError, match="published"):
            change()
    with scope(world.cluster):
        uses.refresh_from_db()
    assert uses.text_nb == "Bruker dere AI?"
    assert "surveys.version.published" in _actions(world.cluster)


def test_gap_matrix_areas_must_be_in_the_current_taxonomy(world, draft) -> None:
    version, section = draft
    actor = world.users["manager"]
    with scopes_disabled():
        taxonomy = TaxonomyVersionFactory(cluster=world.cluster)
        CompetenceAreaFactory(version=taxonomy, cluster=world.cluster, code="digital-ai")
    question_create(
        section=section,
        actor=actor,
        data={"key": "gaps", "type": "gap_matrix", "text_nb": "Behov", "areas": ["digital-ai", "made-up"]},
    )
    with pytest.raises(ValidationError, match="made-up"):
        survey_publish(version=version, actor=actor)
    with scope(world.cluster):
        gaps = version.questions.get(key="gaps")
    question_update(question=gaps, actor=actor, data={"areas": ["digital-ai"]})
    survey_publish(version=version, actor=actor)


def test_a_new_version_copies_the_published_one_and_only_one_draft_at_a_time(world, draft, english) -> None:
    version, section = draft
    actor = world.users["manager"]
    question_create(
        section=section,
        actor=actor,
        data={"key": "q1", "type": "single", "text_nb": "x", "options": OPTIONS, "allow_other": True},
    )
    section_create(version=version, actor=actor, data={"title_nb": "Del 2", "title_en": "Part 2"})
    survey_publish(version=version, actor=actor)
    new = survey_new_version(survey=version.survey, actor=actor)
    assert (new.number, new.status) == (2, "draft")
    with scope(world.cluster):
        assert version_to_spec(new) == version_to_spec(version)
        question_update(question=new.questions.get(key="q1"), actor=actor, data={"text_nb": "ny tekst"})
        assert version.questions.get(key="q1").text_nb == "x"
    with pytest.raises(ValidationError, match="still a draft"):
        survey_new_version(survey=version.survey, actor=actor)
    assert "surveys.version.created" in _actions(world.cluster)


def test_sections_move_and_delete_renumbers(world, draft) -> None:
    version, first = draft
    actor = world.users["manager"]
    second = section_create(version=version, actor=actor, data={"title_nb": "To"})
    third = section_create(version=version, actor=actor, data={"title_nb": "Tre"})
    section_move(section=third, actor=actor, direction=-1)
    with scope(world.cluster):
        assert [s.title_nb for s in version.sections.order_by("position")] == ["Del 1", "Tre", "To"]
    section_delete(section=first, actor=actor)
    with scope(world.cluster):
        assert list(version.sections.order_by("position").values_list("title_nb", "position")) == [
            ("Tre", 0),
            ("To", 1),
        ]
    assert second.pk


@pytest.mark.parametrize("key", list(survey_templates()))
def test_every_template_creates_a_published_survey_in_both_languages(world, key) -> None:
    survey = survey_create_from_template(
        cluster=world.cluster, actor=world.users["manager"], template_key=key
    )
    with scope(world.cluster):
        version = SurveyVersion.objects.get(survey=survey)
        questions = ordered_questions(version)
    assert version.status == "published" and survey.kind == key
    assert survey.title_nb and survey.title_en
    assert questions and all(q.text_nb and q.text_en for q in questions)
    assert all(o["nb"] and o["en"] for q in questions for o in q.options)


def test_the_mapping_template_has_the_segment_gap_ranking_text_and_likert(world) -> None:
    survey = survey_create_from_template(
        cluster=world.cluster, actor=world.users["manager"], template_key="employee_mapping"
    )
    with scope(world.cluster):
        questions = {q.key: q for q in SurveyVersion.objects.get(survey=survey).questions.all()}
    assert questions["role"].is_segment and questions["role"].type == "single"
    assert questions["gaps"].type == "gap_matrix" and questions["gaps"].areas == []
    assert questions["learning_ways"].type == "ranking" and "mentoring" in {
        o["key"] for o in questions["learning_ways"].options
    }
    assert questions["challenges"].type == "text"
    assert sum(q.type == "likert" for q in questions.values()) >= 3
    with pytest.raises(ValidationError):
        survey_create_from_template(cluster=world.cluster, actor=None, template_key="nope")
