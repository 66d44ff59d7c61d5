"""The survey builder through the API: a draft version's sections and questions added, changed,
moved and removed with the builder's own forms and services, seen through GET of the version; a
published version, another cluster's survey and a role below the builder's refused, nothing
changed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.definitions.services import current_areas, survey_create, version_to_spec
from klyngekart.surveys.definitions.templates import survey_create_from_template
from klyngekart.surveys.models import Question, Section, Survey, SurveyVersion

pytestmark = pytest.mark.django_db
JSON = "application/json"
NOT_FOUND = {"detail": "Not found."}


def _draft(world: Any) -> tuple[Survey, SurveyVersion, Section]:
    """A new survey whose draft version 1 has its first, empty section (as the builder makes it)."""
    survey = survey_create(cluster=world.cluster, actor=None, title_nb="Kartlegging")
    with scope(world.cluster):
        version = survey.versions.get()
        return survey, version, version.sections.get()


def _base(world: Any, version: SurveyVersion) -> str:
    return f"/api/v1/clusters/{world.cluster.slug}/surveys/{version.survey_id}/versions/{version.number}"


def _role_question(client: Any, base: str, section: Section, headers: dict[str, str]) -> Any:
    question = {
        "key": "role",
        "type": "single",
        "text_nb": "Rolle?",
        "text_en": "Role?",
        "required": True,
        "options": [
            {"key": "prod", "nb": "Produksjon", "en": "Production"},
            {"key": "office", "nb": "Kontor", "en": "Office"},
        ],
        "is_segment": True,
    }
    return client.post(f"{base}/sections/{section.pk}/questions", question, content_type=JSON, **headers)


def _state(version: SurveyVersion) -> tuple[dict[str, Any], list[tuple[int, int]], int]:
    """What a refused call must leave as it was: the version's content, its order and the audit."""
    with scopes_disabled():
        sections = list(Section.objects.filter(version=version).values_list("pk", "position"))
        questions = list(Question.objects.filter(version=version).values_list("pk", "position"))
        return version_to_spec(version), sorted(sections + questions), AuditLog.objects.count()


def _every_call(
    client: Any, base: str, section_id: int, question_id: int, headers: dict[str, str]
) -> list[Any]:
    """One call of each builder endpoint, each with a body that would be accepted."""
    question = {"key": "extra", "type": "text", "text_nb": "Noe mer?"}
    section, one = f"{base}/sections/{section_id}", f"{base}/questions/{question_id}"
    return [
        client.post(f"{base}/sections", {"title_nb": "Ny del"}, content_type=JSON, **headers),
        client.patch(section, {"title_en": "Part"}, content_type=JSON, **headers),
        client.post(f"{section}/move", {"direction": "down"}, content_type=JSON, **headers),
        client.post(f"{section}/questions", question, content_type=JSON, **headers),
        client.patch(one, {"text_en": "Changed"}, content_type=JSON, **headers),
        client.post(f"{one}/move", {"direction": "down"}, content_type=JSON, **headers),
        client.delete(one, **headers),
        client.delete(section, **headers),
    ]


def test_sections_are_added_changed_moved_and_removed_as_the_version_then_shows(
    client, world, bearer
) -> None:
    _survey, version, first = _draft(world)
    headers, base = bearer(world.users["staff"]), _base(world, version)

    added = client.post(
        f"{base}/sections",
        {"title_nb": "Om bedriften", "title_en": "About the company", "intro_nb": "Litt om dere."},
        content_type=JSON,
        **headers,
    )
    assert added.status_code == 201
    new = added.json()["sections"][-1]
    assert (new["title"], new["intro"]) == (
        {"nb": "Om bedriften", "en": "About the company"},
        {"nb": "Litt om dere.", "en": ""},
    )

    changed = client.patch(
        f"{base}/sections/{new['id']}", {"intro_en": "About you."}, content_type=JSON, **headers
    )
    assert changed.status_code == 200
    moved = client.post(
        f"{base}/sections/{new['id']}/move", {"direction": "up"}, content_type=JSON, **headers
    )
    assert moved.status_code == 200

    shown = client.get(base, **headers).json()
    assert [section["id"] for section in shown["sections"]] == [new["id"], first.pk]
    assert shown["sections"][0]["intro"] == {"nb": "Litt om dere.", "en": "About you."}
    assert shown["sections"][0]["title"]["nb"] == "Om bedriften"  # a PATCH keeps what it was not sent

    removed = client.delete(f"{base}/sections/{new['id']}", **headers)
    assert removed.status_code == 200
    after = client.get(base, **headers).json()["sections"]
    assert [(section["id"], section["position"]) for section in after] == [(first.pk, 0)]


def test_questions_are_added_changed_moved_and_removed_as_the_version_then_shows(
    client, world, bearer
) -> None:
    _survey, version, section = _draft(world)
    headers, base = bearer(world.users["manager"]), _base(world, version)

    assert _role_question(client, base, section, headers).status_code == 201
    follow = {
        "key": "why",
        "type": "text",
        "text_nb": "Hvorfor?",
        "help_nb": "Kort.",
        "help_en": "Briefly.",
        # The page offers {"question", "equals"}; the key order sent does not matter.
        "show_if": {"equals": "office", "question": "role"},
    }
    created = client.post(f"{base}/sections/{section.pk}/questions", follow, content_type=JSON, **headers)
    assert created.status_code == 201
    role, why = created.json()["sections"][0]["questions"]
    assert role["options"][1] == {"key": "office", "nb": "Kontor", "en": "Office"}
    assert (role["required"], role["is_segment"], role["text"]) == (
        True,
        True,
        {"nb": "Rolle?", "en": "Role?"},
    )
    assert why["show_if"] == {"question": "role", "equals": "office"}
    assert why["help"] == {"nb": "Kort.", "en": "Briefly."}

    patched = client.patch(f"{base}/questions/{why['id']}", {"text_en": "Why?"}, content_type=JSON, **headers)
    assert patched.status_code == 200
    moved = client.post(
        f"{base}/questions/{role['id']}/move", {"direction": "down"}, content_type=JSON, **headers
    )
    assert moved.status_code == 200

    shown = client.get(base, **headers).json()["sections"][0]["questions"]
    assert [question["key"] for question in shown] == ["why", "role"]
    assert shown[0]["text"] == {"nb": "Hvorfor?", "en": "Why?"}
    assert shown[0]["show_if"] == {"question": "role", "equals": "office"}  # kept by the PATCH

    assert client.delete(f"{base}/questions/{why['id']}", **headers).status_code == 200
    after = client.get(base, **headers).json()
    assert [question["key"] for question in after["sections"][0]["questions"]] == ["role"]
    assert after["questions"] == 1 and after["problems"] == []


def test_a_question_keeps_every_field_of_the_builders_form(client, world, bearer) -> None:
    _survey, version, section = _draft(world)
    headers, base = bearer(world.users["staff"]), _base(world, version)
    with scope(world.cluster):
        codes = [area.code for area in current_areas(world.cluster)][:2]
    url = f"{base}/sections/{section.pk}/questions"
    questions = [
        {"key": "staff", "type": "number", "text_nb": "Ansatte?", "min_value": 0, "max_value": 5000},
        {"key": "gaps", "type": "gap_matrix", "text_nb": "Behov?", "areas": codes},
        {
            "key": "tools",
            "type": "multiple",
            "text_nb": "Verktøy?",
            "allow_other": True,
            "options": [{"key": "cad", "nb": "CAD"}, {"key": "erp", "nb": "ERP", "en": "ERP"}],
        },
    ]
    for question in questions:
        assert client.post(url, question, content_type=JSON, **headers).status_code == 201

    staff, gaps, tools = client.get(base, **headers).json()["sections"][0]["questions"]
    assert (staff["min_value"], staff["max_value"]) == (0, 5000)
    assert gaps["areas"] == codes
    assert tools["allow_other"] and [option["key"] for option in tools["options"]] == ["cad", "erp"]

    cleared = client.patch(
        f"{base}/questions/{staff['id']}", {"min_value": None}, content_type=JSON, **headers
    )
    assert cleared.status_code == 200
    staff = cleared.json()["sections"][0]["questions"][0]
    assert (staff["min_value"], staff["max_value"]) == (None, 5000)


def test_a_new_type_leaves_out_what_no_longer_belongs_to_it_as_the_page_does(client, world, bearer) -> None:
    _survey, version, section = _draft(world)
    headers, base = bearer(world.users["staff"]), _base(world, version)
    role = _role_question(client, base, section, headers).json()["sections"][0]["questions"][0]

    changed = client.patch(f"{base}/questions/{role['id']}", {"type": "text"}, content_type=JSON, **headers)

    assert changed.status_code == 200
    with scope(world.cluster):
        question = Question.objects.get(pk=role["id"])
    assert (question.type, question.options, question.is_segment) == ("text", [], False)
    assert question.text_nb == "Rolle?" and question.required


def test_each_change_is_audited_as_the_builders_pages_audit_it(client, world, bearer) -> None:
    _survey, version, section = _draft(world)
    user = world.users["staff"]
    headers, base = bearer(user), _base(world, version)
    question_id = _role_question(client, base, section, headers).json()["sections"][0]["questions"][0]["id"]
    [*_calls, last] = _every_call(client, base, section.pk, question_id, headers)
    assert last.status_code == 200

    with scopes_disabled():
        rows = list(AuditLog.objects.filter(action__startswith="surveys.").order_by("pk"))
    assert [row.action for row in rows] == [
        "surveys.survey.created",  # by survey_create, before the API
        "surveys.question.created",
        "surveys.section.created",
        "surveys.section.updated",
        "surveys.section.moved",
        "surveys.question.created",
        "surveys.question.updated",
        "surveys.question.moved",
        "surveys.question.deleted",
        "surveys.section.deleted",
    ]
    for row in rows[1:]:
        assert row.actor == user and row.cluster_id == world.cluster.pk
        assert row.data == {"survey": version.survey_id, "version": version.number}
    assert (rows[-1].object_type, rows[-1].object_id) == ("surveys.section", str(section.pk))


def test_a_published_version_never_changes(client, world, bearer) -> None:
    survey = survey_create_from_template(cluster=world.cluster, actor=None, template_key="pulse")
    with scope(world.cluster):
        version = survey.versions.get()
        question = version.questions.order_by("pk").first()
    assert question is not None
    before = _state(version)

    for response in _every_call(
        client, _base(world, version), question.section_id, question.pk, bearer(world.users["manager"])
    ):
        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert error["loc"] == ["path", "number"] and "is published and cannot be changed" in error["msg"]
    assert _state(version) == before


def test_another_clusters_survey_is_not_found_and_stays_as_it_was(client, world, other_world, bearer) -> None:
    _survey, theirs, their_section = _draft(other_world)
    with scope(other_world.cluster):
        their_question = Question.objects.create(
            cluster=other_world.cluster,
            version=theirs,
            section=their_section,
            key="q",
            type="text",
            text_nb="?",
        )
    headers = bearer(world.users["manager"])
    before = _state(theirs)

    # Their ids under this cluster, and their cluster itself: the same 404 as a missing object.
    for base in (_base(world, theirs), _base(other_world, theirs)):
        for response in _every_call(client, base, their_section.pk, their_question.pk, headers):
            assert response.status_code == 404 and response.json() == NOT_FOUND
    assert _state(theirs) == before


def test_a_section_or_question_of_another_version_is_not_found_through_this_one(
    client, world, bearer
) -> None:
    _survey, version, _section = _draft(world)
    _other, elsewhere, their_section = _draft(world)
    with scope(world.cluster):
        their_question = Question.objects.create(
            cluster=world.cluster, version=elsewhere, section=their_section, key="q", type="text", text_nb="?"
        )
    before = _state(elsewhere)

    responses = _every_call(
        client, _base(world, version), their_section.pk, their_question.pk, bearer(world.users["staff"])
    )

    assert [response.status_code for response in responses[1:]] == [404] * 7  # [0] adds to its own version
    assert _state(elsewhere)[:2] == before[:2]


@pytest.mark.parametrize("role", ["advisor", "board", "contact"])
def test_a_role_below_the_builders_is_refused(client, world, bearer, role: str) -> None:
    _survey, version, section = _draft(world)
    with scope(world.cluster):
        question = Question.objects.create(
            cluster=world.cluster, version=version, section=section, key="q", type="text", text_nb="?"
        )
    before = _state(version)

    for response in _every_call(
        client, _base(world, version), section.pk, question.pk, bearer(world.users[role])
    ):
        assert response.status_code == 403
    assert _state(version) == before


def _refusal(response: Any) -> tuple[int, list[tuple[list[Any], str]]]:
    return response.status_code, [(item["loc"], item["msg"]) for item in response.json()["detail"]]


def test_a_bad_section_is_refused_at_its_field_with_the_forms_message(client, world, bearer) -> None:
    _survey, version, section = _draft(world)
    headers, base = bearer(world.users["staff"]), _base(world, version)
    before = _state(version)

    blank = client.post(f"{base}/sections", {"title_nb": "  "}, content_type=JSON, **headers)
    long = client.patch(
        f"{base}/sections/{section.pk}", {"title_en": "x" * 201}, content_type=JSON, **headers
    )
    sideways = client.post(
        f"{base}/sections/{section.pk}/move", {"direction": "left"}, content_type=JSON, **headers
    )

    assert _refusal(blank) == (422, [(["body", "payload", "title_nb"], "This field is required.")])
    assert _refusal(long) == (
        422,
        [(["body", "payload", "title_en"], "Ensure this value has at most 200 characters (it has 201).")],
    )
    assert sideways.status_code == 422 and sideways.json()["detail"][0]["loc"] == [
        "body",
        "payload",
        "direction",
    ]
    assert _state(version) == before


@pytest.mark.parametrize(
    ("sent", "field", "message"),
    [
        ({"key": "Bad Key"}, "key", "must start with a letter"),
        ({"key": "role"}, "key", "already exists"),
        ({"text_nb": ""}, "text_nb", "This field is required."),
        ({"options": [{"key": "only", "nb": "Eneste"}]}, "options", "at least two options"),
        ({"options": [{"key": "a", "nb": "A"}, {"key": "a", "nb": "B"}]}, "options", "is used twice"),
        (
            {"type": "number", "min_value": 9, "max_value": 1},
            "min_value",
            "lowest value is above the highest",
        ),
        (
            {"options": [{"key": "a", "nb": " "}, {"key": "b", "nb": "B"}]},
            "options",
            "needs a Norwegian text",
        ),
        ({"show_if": {"question": "later", "equals": "x"}}, "show_if", "Select a valid choice."),
        ({"show_if": {"question": "role", "equals": "nobody"}}, "show_if", "Select a valid choice."),
        ({"type": "gap_matrix", "areas": ["no-such-area"]}, "areas", "Select a valid choice."),
        ({"type": "essay"}, "type", "Input should be"),
    ],
)
def test_a_bad_question_is_refused_at_its_field_with_the_forms_message(
    client, world, bearer, sent: dict[str, Any], field: str, message: str
) -> None:
    _survey, version, section = _draft(world)
    headers, base = bearer(world.users["staff"]), _base(world, version)
    _role_question(client, base, section, headers)
    before = _state(version)
    question = {"key": "next", "type": "single", "text_nb": "Neste?", **sent}
    if question["type"] == "single" and "options" not in sent:
        question["options"] = [{"key": "yes", "nb": "Ja"}, {"key": "no", "nb": "Nei"}]

    response = client.post(f"{base}/sections/{section.pk}/questions", question, content_type=JSON, **headers)

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "payload", field] and message in error["msg"], error
    assert _state(version) == before


def test_a_bad_change_to_a_question_is_refused_at_its_field_and_changes_nothing(
    client, world, bearer
) -> None:
    _survey, version, section = _draft(world)
    headers, base = bearer(world.users["staff"]), _base(world, version)
    role = _role_question(client, base, section, headers).json()["sections"][0]["questions"][0]
    before = _state(version)

    response = client.patch(
        f"{base}/questions/{role['id']}",
        {"key": "role key", "text_en": "Changed"},
        content_type=JSON,
        **headers,
    )

    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [["body", "payload", "key"]]
    assert _state(version) == before
    assert json.dumps(before[0]).count("Changed") == 0
