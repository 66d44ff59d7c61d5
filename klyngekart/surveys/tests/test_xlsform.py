"""XLSForm import and export, on the real workbooks of pyxform's own test suite."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from klyngekart.core.tenancy import scope
from klyngekart.surveys.answering.pages import plan_pages
from klyngekart.surveys.definitions.services import ordered_questions, question_create, survey_publish
from klyngekart.surveys.definitions.templates import survey_create_from_template
from klyngekart.surveys.definitions.xlsform import parse_xlsform, survey_import_xlsform
from klyngekart.surveys.definitions.xlsform_export import export_xlsform
from klyngekart.taxonomy.models import CompetenceArea

pytestmark = pytest.mark.django_db

# Copied from pyxform (BSD, licence beside them), so the suite needs nothing outside the clone.
TESTDATA = Path(__file__).parent / "data" / "xlsform"
FILES = sorted(TESTDATA.glob("*.xlsx"))


def _questions(parsed):  # type: ignore[no-untyped-def]
    return {q["key"]: q for s in parsed.spec["sections"] for q in s["questions"]}


def test_the_test_files_are_there() -> None:
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_real_workbook_imports_or_says_why(world, path: Path) -> None:
    parsed = parse_xlsform(path.read_bytes(), path.name)
    assert not parsed.errors, parsed.errors
    result = survey_import_xlsform(
        cluster=world.cluster, actor=world.users["manager"], data=path.read_bytes(), filename=path.name
    )
    with scope(world.cluster):
        keys = [q.key for q in ordered_questions(result.version)]
    assert keys and result.version.status == "draft"
    # Nothing dropped in silence: every survey row with a name is either imported or warned about.
    from pyxform.xls2json_backends import xlsx_to_dict

    book = xlsx_to_dict(str(path))
    sheet = next(rows for name, rows in book.items() if name.lower() == "survey")
    warned_rows = {w.row for w in result.warnings}
    for index, raw in enumerate(sheet):
        cells = {k.lower(): v for k, v in raw.items() if isinstance(k, str)}
        kind = str(cells.get("type") or "").lower()
        if not cells.get("name") or kind.startswith(("begin", "end")):
            continue
        name = str(cells["name"])
        assert name.lower() in keys or any(name in k for k in keys) or index + 2 in warned_rows, name


def test_groups_become_sections() -> None:
    parsed = parse_xlsform((TESTDATA / "group.xlsx").read_bytes(), "group.xlsx")
    sections = parsed.spec["sections"]
    assert [s["title"]["nb"] for s in sections] == ["Del 1", "Father"]
    assert [q["key"] for q in sections[1]["questions"]] == ["age"]
    assert any("phone" in w.message for w in parsed.warnings)


def test_or_other_allows_other_and_unsupported_filters_are_warned() -> None:
    parsed = parse_xlsform((TESTDATA / "or_other.xlsx").read_bytes(), "or_other.xlsx")
    questions = _questions(parsed)
    assert questions["fav_color"]["allow_other"] is True and questions["fav_color"]["type"] == "single"
    assert questions["fav_pastel"]["allow_other"] is False
    assert any(w.row == 3 and "choice_filter" in w.message for w in parsed.warnings)
    specify = parse_xlsform((TESTDATA / "specify_other.xlsx").read_bytes(), "specify_other.xlsx")
    assert _questions(specify)["sex"]["allow_other"] is True


def test_unsupported_types_are_warned_with_their_row(english) -> None:  # type: ignore[no-untyped-def]
    parsed = parse_xlsform((TESTDATA / "xlsform_spec_test.xlsx").read_bytes(), "spec.xlsx")
    messages = {w.row: w.message for w in parsed.warnings}
    assert "geopoint" in messages[34] and "calculate" in messages[40]
    assert any("Repeats" in w.message for w in parsed.warnings)
    assert any("constraint" in w.message for w in parsed.warnings)
    assert "geopoint_test" not in _questions(parsed)


def test_a_bad_file_is_an_error_not_a_crash(world) -> None:
    parsed = parse_xlsform(b"not a workbook", "x.xlsx")
    assert parsed.errors and not parsed.warnings
    with pytest.raises(ValidationError):
        survey_import_xlsform(cluster=world.cluster, actor=None, data=b"nope", filename="x.xlsx")


def test_round_trip_keeps_keys_types_options_and_both_languages(world) -> None:
    actor = world.users["manager"]
    survey = survey_create_from_template(cluster=world.cluster, actor=actor, template_key="employee_mapping")
    # Show-if, number bounds and NPS are part of the round trip too.
    from klyngekart.surveys.definitions.services import survey_new_version

    draft = survey_new_version(survey=survey, actor=actor)
    with scope(world.cluster):
        section = draft.sections.order_by("position").reverse()[0]
    question_create(
        section=section,
        actor=actor,
        data={
            "key": "size",
            "type": "number",
            "text_nb": "Antall",
            "text_en": "Count",
            "min_value": 0,
            "max_value": 900,
        },
    )
    question_create(section=section, actor=actor, data={"key": "nps", "type": "nps", "text_nb": "Anbefale?"})
    question_create(
        section=section,
        actor=actor,
        data={
            "key": "why",
            "type": "text",
            "text_nb": "Hvorfor?",
            "text_en": "Why?",
            "show_if": {"question": "role", "in": ["production", "office"][:1] + ["admin"]},
        },
    )
    question_create(
        section=section,
        actor=actor,
        data={"key": "low", "type": "text", "text_nb": "Lav?", "show_if": {"question": "nps", "equals": 3}},
    )
    survey_publish(version=draft, actor=actor)

    with scope(world.cluster):
        data = export_xlsform(draft)
        original = ordered_questions(draft)
    sheets = load_workbook(io.BytesIO(data)).sheetnames
    assert sheets == ["survey", "choices", "settings"]
    parsed = parse_xlsform(data, "export.xlsx")
    assert not parsed.errors and not parsed.warnings, parsed.warnings
    result = survey_import_xlsform(cluster=world.cluster, actor=actor, data=data, filename="export.xlsx")
    with scope(world.cluster):
        copied = ordered_questions(result.version)
        assert [s.title_nb for s in result.version.sections.all()] == [
            s.title_nb for s in draft.sections.all()
        ]
        assert [s.intro_nb for s in result.version.sections.all()] == [
            s.intro_nb for s in draft.sections.all()
        ]
    fields = ["key", "type", "text_nb", "text_en", "help_nb", "help_en", "options", "required", "allow_other"]
    fields += ["is_segment", "show_if", "min_value", "max_value", "areas"]
    assert [[getattr(q, f) for f in fields] for q in copied] == [
        [getattr(q, f) for f in fields] for q in original
    ]
    assert result.survey.title_nb == survey.title_nb and result.survey.title_en == survey.title_en
    assert result.version.intro_nb == draft.intro_nb
    # The answering pages cut the copy as they cut the original: the matrix one area group per part.
    areas = [
        CompetenceArea(code=code, group=group, position=n)
        for n, (code, group) in enumerate([("ai", "digital"), ("data", "digital"), ("energy", "green")])
    ]
    with scope(world.cluster):
        plans = [
            [
                (page.section, page.keys, page.group, page.area_codes)
                for page in plan_pages(list(version.sections.order_by("position", "id")), questions, areas)
            ]
            for version, questions in ((draft, original), (result.version, copied))
        ]
    assert plans[0] == plans[1]
    assert [page[2] for page in plans[0] if page[2]] == ["digital", "green"]
