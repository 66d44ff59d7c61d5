"""XLSForm in: surveys made in KoboToolbox, ODK or Excel become drafts here (export: xlsform_export).

The workbook is read with pyxform's own readers (xlsx and xls, every header spelling pyxform
accepts). The common question types map onto ours; anything we cannot keep (calculations,
repeats, constraints, media, other languages...) becomes a warning naming its row, never a
silent loss. Our own types that XLSForm lacks (agreement scale, NPS, gap matrix) and the
segment flag travel in ``klyngekart_*`` columns, which other tools ignore, so an export imports
back to the same survey.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from klyngekart.core.models import Cluster
from klyngekart.core.spreadsheets import ArchiveRefused, check_xlsx_archive
from klyngekart.core.tenancy import scope
from klyngekart.surveys.definitions.logic import OTHER
from klyngekart.surveys.definitions.services import (
    KEY_RE,
    OPTION_KEY_RE,
    survey_create_from_spec,
)
from klyngekart.surveys.models import QuestionType, Survey, SurveyVersion

LANGUAGE_NAMES = {
    "en": "en",
    "eng": "en",
    "english": "en",
    "engelsk": "en",
    "nb": "nb",
    "no": "nb",
    "nob": "nb",
    "norsk": "nb",
    "bokmål": "nb",
    "bokmal": "nb",
    "norwegian": "nb",
    "norwegian bokmål": "nb",
    "norsk bokmål": "nb",
}
HANDLED_COLUMNS = {"type", "name", "label", "hint", "required", "relevant", "constraint"}
OUR_COLUMNS = {"klyngekart_type", "klyngekart_areas", "klyngekart_segment"}
UNSUPPORTED_TYPES = {
    "calculate": "calculations",
    "geopoint": "locations",
    "geotrace": "locations",
    "geoshape": "locations",
    "image": "photos",
    "audio": "sound recordings",
    "video": "video recordings",
    "file": "file uploads",
    "barcode": "barcodes",
    "date": "dates",
    "time": "times",
    "datetime": "dates and times",
    "acknowledge": "acknowledgements",
    "phone number": "phone numbers",
    "hidden": "hidden fields",
}
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "simserial",
    "phonenumber",
    "subscriberid",
    "username",
    "email",
    "audit",
    "start-geopoint",
}
MAX_FILE_BYTES = 5 * 1024 * 1024
# A 736 KB workbook made a survey of 50,000 questions in 150 s, with an 8.2 MB builder page. A
# competence mapping has tens of questions; these limits leave room for the largest real forms.
MAX_SHEET_ROWS = 5000
MAX_QUESTIONS = 300
MAX_OPTIONS = 400  # in one choice list: every municipality in Norway fits
MAX_TOTAL_OPTIONS = 5000  # over all questions, as a list is copied into each question that uses it
_SELECT_RE = re.compile(
    r"^(select_one|select_multiple|rank|select one from|select multiple from|select one|select multiple)\s+"
    r"(\S+)(\s+(or_other|or specify other))?$"
)
_EQUALS_RE = re.compile(r"^\$\{([^}]+)\}\s*=\s*(?:'([^']*)'|\"([^\"]*)\"|(-?\d+))$")
_SELECTED_RE = re.compile(r"^selected\(\s*\$\{([^}]+)\}\s*,\s*(?:'([^']*)'|\"([^\"]*)\")\s*\)$")
_RANGE_RE = re.compile(r"^\.\s*(>=|<=)\s*(-?\d+)$")
_TRUE = {"yes", "true", "1", "true()"}
_FALSE = {"no", "false", "0", "false()", ""}


@dataclass
class Problem:
    row: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "message": self.message}


@dataclass
class Parsed:
    spec: dict[str, Any]
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)


# --- reading ---------------------------------------------------------------------------------


def _read_workbook(data: bytes, filename: str) -> dict[str, Any]:
    from pyxform.xls2json_backends import xls_to_dict, xlsx_to_dict

    reader = xls_to_dict if filename.lower().endswith(".xls") else xlsx_to_dict
    return reader(io.BytesIO(data))


def _sheet(book: dict[str, Any], name: str) -> list[dict[str, Any]]:
    for sheet_name, rows in book.items():
        if sheet_name.lower() == name and isinstance(rows, list):
            return rows
    return []


def _split_header(header: str) -> tuple[str, str | None]:
    """'label::Norsk (nb)' -> ('label', 'nb'); 'LABEL::EN' -> ('label', 'en'); 'label' -> ('label', None).
    An unknown language comes back as its own name, prefixed with '?'."""
    parts = [part.strip() for part in re.split(r":+", header.strip(), maxsplit=1)]
    base = parts[0].lower().replace(" ", "_") if parts[0].lower() != "list name" else "list_name"
    if len(parts) == 1 or not parts[1]:
        return base, None
    language = parts[1].lower()
    code = re.search(r"\(([a-z]{2,3}(?:-[a-z]+)?)\)", language)
    if code:
        language = code.group(1).split("-")[0]
    return base, LANGUAGE_NAMES.get(language, "?" + parts[1])


class _Row:
    """One sheet row with headers normalised: texts by language, other cells by name."""

    def __init__(self, raw: dict[str, Any], number: int) -> None:
        self.number = number
        self.texts: dict[str, dict[str, str]] = {}
        self.cells: dict[str, str] = {}
        self.other_languages: list[str] = []
        self.other_columns: list[str] = []
        for header, value in raw.items():
            if value in (None, "") or not isinstance(header, str):
                continue
            base, language = _split_header(header)
            text = str(value).strip()
            if base in ("label", "hint") and language is None:
                self.texts.setdefault(base, {})[""] = text
            elif base in ("label", "hint") and language and not language.startswith("?"):
                self.texts.setdefault(base, {})[language] = text
            elif base in ("label", "hint"):
                self.other_languages.append(header)
            elif language is None:
                self.cells[base] = text
            else:
                self.other_columns.append(header)

    def get(self, name: str) -> str:
        return self.cells.get(name, "")

    def text(self, stem: str) -> dict[str, str]:
        """{"nb", "en"}: a label without a language counts as Norwegian, or as English when a
        Norwegian one is given too."""
        given = self.texts.get(stem, {})
        nb = given.get("nb") or given.get("") or given.get("en") or ""
        en = given.get("en") or (given.get("") if given.get("nb") else "") or ""
        return {"nb": nb, "en": en}


def _key(name: str, row: int, parsed: Parsed, *, what: str) -> str:
    key = name.strip()
    if KEY_RE.match(key) and "__" not in key and key != OTHER:
        return key
    fixed = re.sub(r"_{2,}", "_", slugify(key.replace(".", "-")).replace("-", "_")) or "q"
    if not fixed[0].isalpha():
        fixed = "q_" + fixed
    fixed = fixed[:60]
    if fixed == OTHER:
        fixed = "other_choice"
    parsed.warnings.append(
        Problem(
            row,
            _("The %(what)s name “%(old)s” became “%(new)s”.") % {"what": what, "old": name, "new": fixed},
        )
    )
    return fixed


def _option_key(name: str, row: int, parsed: Parsed) -> str:
    key = name.strip()
    if OPTION_KEY_RE.match(key) and "__" not in key and key != OTHER:
        return key
    fixed = re.sub(r"_{2,}", "_", slugify(key.replace(".", "-")))[:60] or "choice"
    if fixed == OTHER:
        fixed = "other_choice"
    parsed.warnings.append(
        Problem(row, _("Choices sheet: the name “%(old)s” became “%(new)s”.") % {"old": name, "new": fixed})
    )
    return fixed


def _truthy(value: str, row: int, column: str, parsed: Parsed) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered not in _FALSE:
        parsed.warnings.append(
            Problem(
                row,
                _("“%(column)s” has the expression “%(value)s”, which is not supported; it was read as “no”.")
                % {"column": column, "value": value},
            )
        )
    return False


def _choices(book: dict[str, Any], parsed: Parsed) -> dict[str, list[dict[str, str]]]:
    lists: dict[str, list[dict[str, str]]] = {}
    seen_languages: set[str] = set()
    for index, raw in enumerate(_sheet(book, "choices")):
        number = index + 2
        row = _Row(raw, number)
        list_name = row.get("list_name")
        if not list_name:
            continue
        name = row.get("name")
        if not name:
            parsed.warnings.append(Problem(number, _("Choices sheet: a choice without a name was left out.")))
            continue
        texts = row.text("label")
        if not texts["nb"]:
            texts["nb"] = name
            parsed.warnings.append(
                Problem(
                    number,
                    _("Choices sheet: “%(name)s” has no text label; its name is used as the text.")
                    % {"name": name},
                )
            )
        for header in row.other_languages:
            if header not in seen_languages:
                seen_languages.add(header)
                parsed.warnings.append(
                    Problem(
                        number,
                        _(
                            "Choices sheet: the column “%(column)s” is in a language we do not keep "
                            "(only nb and en)."
                        )
                        % {"column": header},
                    )
                )
        extra = sorted(set(row.cells) - {"list_name", "name"}) + row.other_columns
        for column in extra:
            parsed.warnings.append(
                Problem(
                    number,
                    _("Choices sheet: the column “%(column)s” is not supported and was left out.")
                    % {"column": column},
                )
            )
        lists.setdefault(list_name, []).append({"key": _option_key(name, number, parsed), **texts})
    for list_name, options in lists.items():
        if len(options) > MAX_OPTIONS:
            parsed.errors.append(
                Problem(
                    1,
                    _(
                        "Choices sheet: the list “%(list)s” has %(count)s choices; at most %(max)s can "
                        "be imported."
                    )
                    % {"list": list_name, "count": len(options), "max": MAX_OPTIONS},
                )
            )
    return lists


def _condition(expression: str, earlier: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """A simple `relevant` as show-if: one earlier question equal to / containing one or more
    values, joined by `or`. Anything else is None (the caller warns)."""
    source: str | None = None
    values: list[str] = []
    for part in re.split(r"\s+or\s+", expression.strip()):
        part = part.strip()
        if part.startswith("(") and part.endswith(")"):
            part = part[1:-1].strip()
        match = _EQUALS_RE.match(part) or _SELECTED_RE.match(part)
        if not match:
            return None
        key = match.group(1).strip()
        if source not in (None, key) or key not in earlier:
            return None
        source = key
        values.append(next(group for group in match.groups()[1:] if group is not None))
    if source is None:
        return None
    wanted: list[Any] = values
    if earlier[source]["type"] in (QuestionType.LIKERT, QuestionType.NPS):
        # The answers to these are whole numbers; show-if compares like with like.
        if not all(v.lstrip("-").isdigit() for v in values):
            return None
        wanted = [int(v) for v in values]
    return (
        {"question": source, "equals": wanted[0]} if len(wanted) == 1 else {"question": source, "in": wanted}
    )


def _range(expression: str) -> tuple[int | None, int | None] | None:
    low: int | None = None
    high: int | None = None
    for part in re.split(r"\s+and\s+", expression.strip()):
        match = _RANGE_RE.match(part.strip())
        if not match:
            return None
        if match.group(1) == ">=":
            low = int(match.group(2))
        else:
            high = int(match.group(2))
    return low, high


class _Builder:
    def __init__(self, book: dict[str, Any], filename: str) -> None:
        self.book = book
        self.parsed = Parsed(spec={})
        self.lists: dict[str, list[dict[str, str]]] = {}
        self.sections: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None
        self.depth = 0
        self.earlier: dict[str, dict[str, Any]] = {}
        self.intro: dict[str, str] = {"nb": "", "en": ""}
        self.filename = filename
        self.seen_languages: set[str] = set()
        self.untranslated = False

    def warn(self, row: int, message: str) -> None:
        self.parsed.warnings.append(Problem(row, message))

    def section(self, title: dict[str, str] | None = None) -> dict[str, Any]:
        number = len(self.sections) + 1
        section = {
            "title": title or {"nb": f"Del {number}", "en": f"Part {number}"},
            "intro": {"nb": "", "en": ""},
            "questions": [],
            "numbered": title is None,
        }
        self.sections.append(section)
        self.current = section
        return section

    def run(self) -> Parsed:
        survey_rows = _sheet(self.book, "survey")
        if not survey_rows:
            self.parsed.errors.append(Problem(1, _("The workbook has no “survey” sheet with questions.")))
            return self.parsed
        self.lists = _choices(self.book, self.parsed)
        for index, raw in enumerate(survey_rows):
            self.row(_Row(raw, index + 2))
        self.sections = [s for s in self.sections if s["questions"] or s["intro"]["nb"]]
        for number, section in enumerate(self.sections, start=1):
            if section.pop("numbered", False):
                section["title"] = {"nb": f"Del {number}", "en": f"Part {number}"}
        if self.untranslated:
            self.warn(
                1,
                _(
                    "Some texts have no Norwegian (nb) label, so the other text is used as Norwegian: "
                    "translate them in the builder."
                ),
            )
        if not any(s["questions"] for s in self.sections):
            self.parsed.errors.append(Problem(1, _("No question in the workbook could be imported.")))
        self.check_size()
        self.parsed.spec = {"title": self.title(), "intro": self.intro, "sections": self.sections}
        return self.parsed

    def check_size(self) -> None:
        questions = [q for section in self.sections for q in section["questions"]]
        if len(questions) > MAX_QUESTIONS:
            self.parsed.errors.append(
                Problem(
                    1,
                    _("The survey has %(count)s questions; at most %(max)s can be imported.")
                    % {"count": len(questions), "max": MAX_QUESTIONS},
                )
            )
        options = sum(len(q.get("options", [])) for q in questions)
        if options > MAX_TOTAL_OPTIONS:
            self.parsed.errors.append(
                Problem(
                    1,
                    _("The questions have %(count)s choices in all; at most %(max)s can be imported.")
                    % {"count": options, "max": MAX_TOTAL_OPTIONS},
                )
            )

    def title(self) -> dict[str, str]:
        settings = _sheet(self.book, "settings")
        title = title_en = ""
        if settings:
            row = _Row(settings[0], 2)
            title = row.get("form_title") or row.text("label")["nb"]
            title_en = row.get("klyngekart_title_en")
        stem = re.sub(r"\.(xlsx|xls)$", "", self.filename, flags=re.IGNORECASE)
        title = (title or stem.replace("_", " ").strip() or _("Imported survey"))[:200]
        return {"nb": title, "en": title_en[:200]}

    def row(self, row: _Row) -> None:  # noqa: C901  (one branch per kind of row reads best)
        kind = re.sub(r"\s+", " ", row.get("type").strip().lower())
        if not kind:
            if row.get("name") or row.texts:
                self.warn(row.number, _("A row without a type was left out."))
            return
        ours = row.get("klyngekart_type")
        for header in row.other_languages:
            if header not in self.seen_languages:
                self.seen_languages.add(header)
                self.warn(
                    row.number,
                    _("The column “%(column)s” is in a language we do not keep (only nb and en).")
                    % {"column": header},
                )
        if kind in ("begin group", "begin_group", "begin repeat", "begin_repeat"):
            self.begin_group(row, repeat="repeat" in kind)
            return
        if kind in ("end group", "end_group", "end repeat", "end_repeat"):
            self.depth = max(0, self.depth - 1)
            self.current = None
            return
        if kind == "note" and ours != QuestionType.GAP_MATRIX:
            self.note(row)
            return
        question = self.question(row, kind, ours)
        if question is None:
            return
        self.unsupported_columns(row, question)
        section = self.current or self.section()
        section["questions"].append(question)
        self.earlier[question["key"]] = question

    def begin_group(self, row: _Row, *, repeat: bool) -> None:
        self.depth += 1
        label = row.text("label")
        if not label["nb"]:
            name = row.get("name") or str(len(self.sections) + 1)
            label = {"nb": name.replace("_", " "), "en": ""}
        if repeat:
            self.warn(
                row.number,
                _("Repeats are not supported: the questions of “%(name)s” are asked once.")
                % {"name": row.get("name")},
            )
        if self.depth > 1:
            self.warn(row.number, _("Groups inside groups are flattened into separate sections."))
        if row.get("relevant"):
            self.warn(
                row.number,
                _("The group's condition “%(expr)s” is not supported; its questions are always shown.")
                % {"expr": row.get("relevant")},
            )
        self.section(label)

    def note(self, row: _Row) -> None:
        label = row.text("label")
        at_start = (
            self.current is not None and not self.current["questions"] and not self.current["intro"]["nb"]
        )
        if not label["nb"] or "${" in label["nb"] or row.get("relevant"):
            self.warn(row.number, _("The note “%(name)s” was left out.") % {"name": row.get("name")})
        elif at_start and self.current is not None:
            self.current["intro"] = label
        elif self.current is None and not self.sections and not self.intro["nb"]:
            self.intro = label
        else:
            self.warn(
                row.number,
                _("The note “%(name)s” is not at the start of a group, so it was left out.")
                % {"name": row.get("name")},
            )

    def question(self, row: _Row, kind: str, ours: str) -> dict[str, Any] | None:
        name = row.get("name")
        if not name:
            self.warn(row.number, _("A “%(type)s” row without a name was left out.") % {"type": kind})
            return None
        key = _key(name, row.number, self.parsed, what=_("question"))
        if key in self.earlier:
            self.parsed.errors.append(
                Problem(row.number, _("The name “%(key)s” is used twice.") % {"key": key})
            )
            return None
        question: dict[str, Any] = {
            "key": key,
            "help": row.text("hint"),
            "required": _truthy(row.get("required"), row.number, "required", self.parsed),
        }
        select = _SELECT_RE.match(kind)
        if ours in (QuestionType.LIKERT, QuestionType.NPS, QuestionType.GAP_MATRIX):
            question["type"] = ours
            if ours == QuestionType.GAP_MATRIX:
                question["areas"] = row.get("klyngekart_areas").split()
        elif select:
            verb, list_name, other = select.group(1), select.group(2), select.group(3)
            options = self.lists.get(list_name)
            if not options:
                self.parsed.errors.append(
                    Problem(row.number, _("The choice list “%(list)s” is missing.") % {"list": list_name})
                )
                return None
            question["type"] = (
                QuestionType.RANKING
                if verb == "rank"
                else QuestionType.MULTIPLE
                if "multiple" in verb
                else QuestionType.SINGLE
            )
            question["options"] = [dict(option) for option in options]
            question["allow_other"] = bool(other)
            question["is_segment"] = question["type"] == QuestionType.SINGLE and _truthy(
                row.get("klyngekart_segment"), row.number, "klyngekart_segment", self.parsed
            )
        elif kind in ("integer", "decimal", "range"):
            question["type"] = QuestionType.NUMBER
            if kind != "integer":
                self.warn(
                    row.number,
                    _("“%(key)s” is a %(type)s question; it is imported as whole numbers.")
                    % {"key": key, "type": kind},
                )
        elif kind in ("text", "string"):
            question["type"] = QuestionType.TEXT
        elif kind in METADATA_TYPES or kind.startswith("uri:"):
            self.warn(
                row.number,
                _(
                    "“%(key)s” is device metadata (type “%(type)s”), which an anonymous survey does "
                    "not collect; it was left out."
                )
                % {"key": key, "type": kind},
            )
            return None
        else:
            base = kind.split(" ")[0]
            what = UNSUPPORTED_TYPES.get(kind) or UNSUPPORTED_TYPES.get(base) or kind
            self.warn(
                row.number,
                _("“%(key)s” asks for %(what)s (type “%(type)s”), which is not supported; it was left out.")
                % {"key": key, "what": what, "type": kind},
            )
            return None
        text = row.text("label")
        if not text["nb"]:
            text = {"nb": name.replace("_", " "), "en": ""}
            self.warn(row.number, _("“%(key)s” has no label; its name is used as the text.") % {"key": key})
        question["text"] = text
        if text["nb"] and not row.texts.get("label", {}).get("nb"):
            self.untranslated = True
        self.relevant(row, question)
        self.constraint(row, question)
        return question

    def relevant(self, row: _Row, question: dict[str, Any]) -> None:
        expression = row.get("relevant")
        if not expression:
            return
        condition = _condition(expression, self.earlier)
        if condition is None:
            self.warn(
                row.number,
                _("The condition “%(expr)s” on “%(key)s” is not supported; the question is always shown.")
                % {"expr": expression, "key": question["key"]},
            )
        else:
            question["show_if"] = condition

    def constraint(self, row: _Row, question: dict[str, Any]) -> None:
        expression = row.get("constraint")
        if not expression:
            return
        bounds = _range(expression) if question["type"] in (QuestionType.NUMBER, QuestionType.NPS) else None
        if bounds is None:
            self.warn(
                row.number,
                _("The constraint “%(expr)s” on “%(key)s” is not supported and was left out.")
                % {"expr": expression, "key": question["key"]},
            )
        elif question["type"] == QuestionType.NUMBER:
            question["min_value"], question["max_value"] = bounds

    def unsupported_columns(self, row: _Row, question: dict[str, Any]) -> None:
        for column in sorted(set(row.cells) - HANDLED_COLUMNS - OUR_COLUMNS) + row.other_columns:
            self.warn(
                row.number,
                _("The column “%(column)s” on “%(key)s” is not supported and was left out.")
                % {"column": column, "key": question["key"]},
            )


def parse_xlsform(data: bytes, filename: str) -> Parsed:
    """The workbook as a survey spec (see definitions.survey_create_from_spec), with warnings
    and errors by row. Never raises for a bad workbook: that is an error in the result."""
    if len(data) > MAX_FILE_BYTES:
        return Parsed(spec={}, errors=[Problem(1, _("The file is larger than 5 MB."))])
    try:
        # Before pyxform reads it: openpyxl loads a workbook's shared strings whole.
        check_xlsx_archive(data)
    except ArchiveRefused as refused:
        return Parsed(spec={}, errors=[Problem(1, str(refused))])
    try:
        book = _read_workbook(data, filename)
    except Exception:  # noqa: BLE001  (pyxform and its readers raise many kinds for a bad file)
        return Parsed(spec={}, errors=[Problem(1, _("The file could not be read as an XLSForm workbook."))])
    problems = _oversized_sheets(book) or _damaged_rows(book)
    if problems:
        return Parsed(spec={}, errors=problems)
    return _Builder(book, filename).run()


def _oversized_sheets(book: dict[str, Any]) -> list[Problem]:
    return [
        Problem(
            1,
            _("The “%(sheet)s” sheet has %(count)s rows; at most %(max)s can be imported.")
            % {"sheet": sheet_name, "count": len(rows), "max": MAX_SHEET_ROWS},
        )
        for sheet_name, rows in book.items()
        if isinstance(rows, list) and len(rows) > MAX_SHEET_ROWS
    ]


def _damaged_rows(book: dict[str, Any]) -> list[Problem]:
    """Rows with text that cannot be stored: xlrd decodes an .xls file's UTF-16 strings itself,
    and a lone surrogate from a damaged file would otherwise fail only when it is saved (a 500)."""
    problems = []
    for sheet_name, rows in book.items():
        if not isinstance(rows, list):
            continue
        for index, raw in enumerate(rows):
            cells = [*raw.keys(), *raw.values()] if isinstance(raw, dict) else []
            if any(isinstance(cell, str) and not _storable(cell) for cell in cells):
                message = _("This row has characters that are not valid text (a damaged file?).")
                if str(sheet_name).lower() != "survey":
                    message = _("%(sheet)s sheet: %(message)s") % {"sheet": sheet_name, "message": message}
                problems.append(Problem(index + 2, message))
    return problems


def _storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class ImportResult:
    survey: Survey
    version: SurveyVersion
    warnings: list[Problem]


def survey_import_xlsform(*, cluster: Cluster, actor: Any, data: bytes, filename: str) -> ImportResult:
    """A new survey with a draft v1 from an XLSForm workbook, for the builder to review and
    publish. Raises ValidationError with {"errors": [{"row", "message"}]} when it cannot."""
    parsed = parse_xlsform(data, filename)
    if parsed.errors:
        raise ValidationError({"file": [f"{p.row}: {p.message}" for p in parsed.errors]}, code="invalid")
    with scope(cluster), transaction.atomic():
        survey = survey_create_from_spec(
            cluster=cluster,
            actor=actor,
            spec=parsed.spec,
            action="surveys.survey.imported",
            audit_data={"file": filename[:100], "warnings": len(parsed.warnings)},
        )
        version = survey.versions.get()
    return ImportResult(survey=survey, version=version, warnings=parsed.warnings)
