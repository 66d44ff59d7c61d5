"""XLSForm in and out as untrusted spreadsheets: a zip bomb is refused before it is parsed, a
workbook is capped in rows and questions, and an export never writes a live formula."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from klyngekart.core.tenancy import scope
from klyngekart.core.tests.test_spreadsheets import bomb
from klyngekart.surveys.definitions import xlsform
from klyngekart.surveys.definitions.services import question_create, survey_create, survey_publish
from klyngekart.surveys.definitions.xlsform import parse_xlsform
from klyngekart.surveys.definitions.xlsform_export import export_xlsform
from klyngekart.surveys.models import Survey

pytestmark = pytest.mark.django_db


def workbook(survey_rows: list[list[Any]], choices: list[list[Any]] | None = None) -> bytes:
    book = Workbook()
    book.active.title = "survey"
    book.active.append(["type", "name", "label"])
    for row in survey_rows:
        book.active.append(row)
    sheet = book.create_sheet("choices")
    sheet.append(["list_name", "name", "label"])
    for row in choices or []:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_pyxform_reads_it(english, monkeypatch) -> None:
    def never(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr("pyxform.xls2json_backends.xlsx_to_dict", never)
    parsed = parse_xlsform(bomb(40 * 1024 * 1024), "skjema.xlsx")
    assert [problem.row for problem in parsed.errors] == [1]
    assert "packed unusually tightly" in parsed.errors[0].message


def test_too_many_questions_is_an_error_that_says_the_limit(world, english) -> None:
    rows = [["text", f"q{number}", f"Spørsmål {number}"] for number in range(xlsform.MAX_QUESTIONS + 1)]
    parsed = parse_xlsform(workbook(rows), "stor.xlsx")
    assert [problem.message for problem in parsed.errors] == [
        f"The survey has {xlsform.MAX_QUESTIONS + 1} questions; "
        f"at most {xlsform.MAX_QUESTIONS} can be imported."
    ]
    with pytest.raises(xlsform.ValidationError):
        xlsform.survey_import_xlsform(
            cluster=world.cluster, actor=None, data=workbook(rows), filename="stor.xlsx"
        )
    with scope(world.cluster):
        assert not Survey.objects.exists()
    # The limit itself imports.
    assert not parse_xlsform(workbook(rows[:-1]), "stor.xlsx").errors


def test_too_many_rows_is_an_error_before_any_row_is_read(english, monkeypatch) -> None:
    monkeypatch.setattr(xlsform, "MAX_SHEET_ROWS", 50)
    blank_rows = [["note", f"n{number}", "Tekst"] for number in range(51)]
    parsed = parse_xlsform(workbook(blank_rows), "lang.xlsx")
    assert [problem.message for problem in parsed.errors] == [
        "The “survey” sheet has 51 rows; at most 50 can be imported."
    ]


def test_too_many_choices_in_a_list_is_an_error(english) -> None:
    choices = [["farger", f"c{number}", f"Farge {number}"] for number in range(xlsform.MAX_OPTIONS + 1)]
    parsed = parse_xlsform(workbook([["select_one farger", "farge", "Farge?"]], choices), "valg.xlsx")
    assert [problem.message for problem in parsed.errors] == [
        f"Choices sheet: the list “farger” has {xlsform.MAX_OPTIONS + 1} choices; "
        f"at most {xlsform.MAX_OPTIONS} can be imported."
    ]


HOSTILE = ['=HYPERLINK("http://evil.example","Klikk")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_the_export_writes_labels_that_look_like_formulas_as_text(world) -> None:
    actor = world.users["manager"]
    survey = survey_create(cluster=world.cluster, actor=actor, title_nb="=Tittel")
    with scope(world.cluster):
        version = survey.versions.get()
        section = version.sections.get()
    for number, text in enumerate(HOSTILE):
        question_create(
            section=section,
            actor=actor,
            data={"key": f"q{number}", "type": "text", "text_nb": text, "text_en": text, "help_nb": text},
        )
    question_create(
        section=section,
        actor=actor,
        data={
            "key": "pick",
            "type": "single",
            "text_nb": "Velg",
            "options": [{"key": "a", "nb": "=1+1", "en": "@x"}, {"key": "b", "nb": "B", "en": "B"}],
        },
    )
    survey_publish(version=version, actor=actor)
    with scope(world.cluster):
        data = export_xlsform(version)

    book = load_workbook(io.BytesIO(data))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    # XML reads a stored carriage return back as a line feed.
    texts = {cell.value for cell in cells}
    assert {text.replace("\r", "\n") for text in HOSTILE} | {"=1+1", "@x", "=Tittel"} <= texts
    # And the export reads back to the very same texts.
    parsed = parse_xlsform(data, "export.xlsx")
    labels = [q["text"]["nb"] for s in parsed.spec["sections"] for q in s["questions"]]
    assert labels[: len(HOSTILE)] == [text.strip() for text in HOSTILE]
