"""Services and selectors for survey definitions: surveys, versions, sections and questions.

Only a draft version changes. Publishing checks the whole version once (keys, options, show-if
order, gap-matrix areas) and freezes it: answers and rounds refer to it by question key, so a
published version is never edited; ``survey_new_version`` copies it into a new draft instead.
Templates and the XLSForm import build whole versions from one spec shape
(``version_from_spec``), and the export reads it back with ``version_to_spec``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.surveys.definitions.logic import OTHER
from klyngekart.surveys.models import (
    Question,
    QuestionType,
    Section,
    Survey,
    SurveyKind,
    SurveyVersion,
    VersionStatus,
)
from klyngekart.taxonomy.models import CompetenceArea
from klyngekart.taxonomy.selectors import visible_areas
from klyngekart.taxonomy.services import taxonomy_current

SECTION_FIELDS = ("title_nb", "title_en", "intro_nb", "intro_en")
QUESTION_FIELDS = (
    "key",
    "type",
    "text_nb",
    "text_en",
    "help_nb",
    "help_en",
    "required",
    "options",
    "allow_other",
    "min_value",
    "max_value",
    "show_if",
    "areas",
    "is_segment",
)
CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.RANKING})
# Show-if may look at answers that are one of a known set of values.
CONDITION_TYPES = frozenset({*CHOICE_TYPES, QuestionType.LIKERT, QuestionType.NPS})
KEY_RE = re.compile(r"^[a-z][a-z0-9_-]{0,59}$")
# Option keys may be numbers ("1".."5" is common in XLSForm choice lists).
OPTION_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")


# --- selectors -------------------------------------------------------------------------------


def survey_list(cluster: Cluster) -> list[Survey]:
    """The cluster's surveys, newest first, each with ``version_list`` (newest first)."""
    with scope(cluster):
        surveys = list(
            Survey.objects.prefetch_related(
                models.Prefetch("versions", queryset=SurveyVersion.objects.order_by("-number"))
            ).order_by("-created_at", "-id")
        )
        for survey in surveys:
            survey.version_list = list(survey.versions.all())  # type: ignore[attr-defined]
    return surveys


def latest_version(survey: Survey) -> SurveyVersion | None:
    return survey.versions.order_by("-number").first()


def ordered_sections(version: SurveyVersion) -> list[Section]:
    return list(version.sections.order_by("position", "id"))


def ordered_questions(version: SurveyVersion) -> list[Question]:
    """In the order a respondent meets them: by section, then position."""
    return list(
        version.questions.select_related("section").order_by(
            "section__position", "section__id", "position", "id"
        )
    )


def show_if_sources(version: SurveyVersion, before: Question | None, section: Section) -> list[Question]:
    """Questions a show-if may test: those before ``before``, or everything up to the end of
    ``section`` for a new question there."""
    ordered = ordered_questions(version)
    if before is not None:
        return ordered[: next(i for i, q in enumerate(ordered) if q.pk == before.pk)]
    position = (section.position, section.pk)
    return [q for q in ordered if (q.section.position, q.section_id) <= position]


def current_areas(cluster: Cluster) -> list[CompetenceArea]:
    """The visible areas of the cluster's current taxonomy version, in order (the default
    taxonomy is loaded on first use)."""
    with scope(cluster):
        return list(visible_areas(version=taxonomy_current(cluster=cluster)))


# --- checks ----------------------------------------------------------------------------------


def _require_draft(version: SurveyVersion) -> None:
    """Inside the caller's transaction: locks the version row and reads its status afresh, so
    an edit cannot slip in while (or after) someone else publishes."""
    status = SurveyVersion.objects.select_for_update().values_list("status", flat=True).get(pk=version.pk)
    version.status = status
    check_draft(version)


def check_draft(version: SurveyVersion) -> None:
    """Refuses a version that is no longer a draft, as read: a caller's answer before it looks
    at the data sent. The services check again under the row lock (``_require_draft``)."""
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            _("Version %(n)s is published and cannot be changed. Make a new version to change the survey.")
            % {"n": version.number},
            code="published",
        )


def question_problems(data: Mapping[str, Any]) -> list[str]:
    """What is wrong with one question on its own (the order-dependent checks are at publish)."""
    return [problem for _field, problem in question_field_problems(data)]


def question_field_problems(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``question_problems`` as (field, sentence), the field being the one to correct."""
    problems: list[tuple[str, str]] = []

    def problem(field: str, message: str) -> None:
        problems.append((field, message))

    key = str(data.get("key") or "")
    kind = data.get("type")
    if not KEY_RE.match(key) or "__" in key or key == OTHER:
        problem(
            "key",
            _(
                "The key “%(key)s” must start with a letter and use only a–z, digits, - and single _ "
                "(at most 60 characters)."
            )
            % {"key": key},
        )
    if kind not in QuestionType.values:
        problem("type", _("Unknown question type “%(type)s”.") % {"type": kind})
    if not str(data.get("text_nb") or "").strip():
        problem("text_nb", _("The question needs a Norwegian text."))
    options = data.get("options") or []
    if kind in CHOICE_TYPES:
        if not isinstance(options, list) or len(options) < 2:
            problem("options", _("A choice question needs at least two options."))
        else:
            seen: set[str] = set()
            for option in options:
                okey = str(option.get("key") or "") if isinstance(option, dict) else ""
                if not OPTION_KEY_RE.match(okey) or "__" in okey or okey == OTHER:
                    problem(
                        "options",
                        _(
                            "The option key “%(key)s” must use only a–z, digits, - and single _ "
                            "(at most 60 characters)."
                        )
                        % {"key": okey},
                    )
                elif okey in seen:
                    problem("options", _("The option key “%(key)s” is used twice.") % {"key": okey})
                seen.add(okey)
                if isinstance(option, dict) and not str(option.get("nb") or "").strip():
                    problem("options", _("The option “%(key)s” needs a Norwegian text.") % {"key": okey})
    elif options:
        problem("options", _("Only choice and ranking questions have options."))
    if data.get("allow_other") and kind not in CHOICE_TYPES:
        problem("allow_other", _("Only choice and ranking questions can allow “other”."))
    if data.get("is_segment") and kind != QuestionType.SINGLE:
        problem("is_segment", _("Only a single-choice question can split the results."))
    low, high = data.get("min_value"), data.get("max_value")
    if (low is not None or high is not None) and kind != QuestionType.NUMBER:
        problem("min_value", _("Only number questions have a lowest and highest value."))
    if low is not None and high is not None and low > high:
        problem("min_value", _("The lowest value is above the highest."))
    areas = data.get("areas") or []
    if areas and kind != QuestionType.GAP_MATRIX:
        problem("areas", _("Only a gap matrix lists competence areas."))
    if not isinstance(areas, list) or len(set(areas)) != len(areas):
        problem("areas", _("List each competence area once."))
    show_if = data.get("show_if") or {}
    if show_if and not _condition_shape_ok(show_if):
        problem("show_if", _("A show-if condition names an earlier question and a value."))
    return problems


def _condition_shape_ok(show_if: Any) -> bool:
    if not isinstance(show_if, dict) or not isinstance(show_if.get("question"), str):
        return False
    if set(show_if) == {"question", "equals"}:
        return True
    return set(show_if) == {"question", "in"} and isinstance(show_if["in"], list) and bool(show_if["in"])


def _condition_values(source: Question) -> set[str]:
    if source.type in CHOICE_TYPES:
        return {str(o["key"]) for o in source.options} | ({OTHER} if source.allow_other else set())
    if source.type == QuestionType.LIKERT:
        return {str(n) for n in range(1, 6)}
    return {str(n) for n in range(0, 11)}


def version_problems(version: SurveyVersion) -> list[str]:
    """Everything that stops ``version`` from being published, as sentences."""
    problems: list[str] = []
    questions = ordered_questions(version)
    if not questions:
        problems.append(_("Add at least one question before publishing."))
    earlier: dict[str, Question] = {}
    area_codes: set[str] | None = None
    for question in questions:
        label = _("Question “%(key)s”") % {"key": question.key}
        data = {name: getattr(question, name) for name in QUESTION_FIELDS}
        problems += [f"{label}: {problem}" for problem in question_problems(data)]
        if question.key in earlier:
            problems.append(f"{label}: " + _("the key is used twice."))
        condition = question.show_if or {}
        if condition.get("question"):
            source = earlier.get(condition["question"])
            wanted = [condition["equals"]] if "equals" in condition else list(condition.get("in") or [])
            if source is None:
                problems.append(
                    f"{label}: "
                    + _("show-if must refer to an earlier question, not “%(source)s”.")
                    % {"source": condition["question"]}
                )
            elif source.type not in CONDITION_TYPES:
                problems.append(
                    f"{label}: " + _("show-if can only look at a choice, agreement or NPS question.")
                )
            elif any(str(value) not in _condition_values(source) for value in wanted):
                problems.append(
                    f"{label}: "
                    + _("show-if compares with a value “%(source)s” cannot have.") % {"source": source.key}
                )
        if question.type == QuestionType.GAP_MATRIX and question.areas:
            if area_codes is None:
                area_codes = {area.code for area in current_areas(version.cluster)}
            unknown = [code for code in question.areas if code not in area_codes]
            if unknown:
                problems.append(
                    f"{label}: "
                    + _("these areas are not in the cluster's competence taxonomy: %(codes)s.")
                    % {"codes": ", ".join(unknown)}
                )
        earlier[question.key] = question
    return problems


# --- surveys and versions --------------------------------------------------------------------


def survey_create(
    *,
    cluster: Cluster,
    actor: Any,
    title_nb: str,
    title_en: str = "",
    kind: str = SurveyKind.CUSTOM,
    first_section: bool = True,
) -> Survey:
    """A new survey with an empty draft v1 (and a first section to put questions in)."""
    with scope(cluster), transaction.atomic():
        survey = Survey(
            cluster=cluster, kind=kind, title_nb=title_nb, title_en=title_en, created_by=_user(actor)
        )
        survey.full_clean()
        survey.save()
        version = SurveyVersion(cluster=cluster, survey=survey, number=1)
        version.full_clean()
        version.save()
        if first_section:
            section = Section(
                cluster=cluster, version=version, position=0, title_nb="Del 1", title_en="Part 1"
            )
            section.full_clean()
            section.save()
        audit_log(
            cluster=cluster, actor=actor, action="surveys.survey.created", target=survey, data={"kind": kind}
        )
    return survey


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def survey_update(*, survey: Survey, actor: Any, data: Mapping[str, Any]) -> Survey:
    """Titles and kind belong to the survey, not a version, so they may change at any time."""
    with scope(survey.cluster), transaction.atomic():
        changed = _assign(survey, data, ("title_nb", "title_en", "kind"))
        if changed:
            survey.full_clean()
            survey.save(update_fields=[*changed, "updated_at"])
            audit_log(
                cluster=survey.cluster,
                actor=actor,
                action="surveys.survey.updated",
                target=survey,
                data={"changed": changed},
            )
    return survey


def version_update(*, version: SurveyVersion, actor: Any, data: Mapping[str, Any]) -> SurveyVersion:
    with scope(version.cluster), transaction.atomic():
        _require_draft(version)
        changed = _assign(version, data, ("intro_nb", "intro_en"))
        if changed:
            version.full_clean()
            version.save(update_fields=[*changed, "updated_at"])
            audit_log(
                cluster=version.cluster,
                actor=actor,
                action="surveys.version.updated",
                target=version,
                data={"changed": changed},
            )
    return version


def survey_publish(*, version: SurveyVersion, actor: Any) -> SurveyVersion:
    """Check the whole draft and freeze it. Raises ValidationError listing every problem."""
    with scope(version.cluster), transaction.atomic():
        version = SurveyVersion.objects.select_for_update().get(pk=version.pk)
        _require_draft(version)
        problems = version_problems(version)
        if problems:
            raise ValidationError(problems, code="invalid")
        version.status = VersionStatus.PUBLISHED
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_at", "updated_at"])
        audit_log(
            cluster=version.cluster,
            actor=actor,
            action="surveys.version.published",
            target=version,
            data={"survey": version.survey_id, "number": version.number},
        )
    return version


def survey_new_version(*, survey: Survey, actor: Any) -> SurveyVersion:
    """A new draft copied from the newest version. One draft at a time: edit that one instead."""
    with scope(survey.cluster), transaction.atomic():
        Survey.objects.select_for_update().get(pk=survey.pk)
        source = latest_version(survey)
        if source is not None and source.status == VersionStatus.DRAFT:
            raise ValidationError(
                _("Version %(n)s is still a draft: change that one.") % {"n": source.number},
                code="draft_exists",
            )
        spec = version_to_spec(source) if source is not None else {"sections": []}
        version = _build_version(survey, spec, number=(source.number + 1) if source else 1)
        audit_log(
            cluster=survey.cluster,
            actor=actor,
            action="surveys.version.created",
            target=version,
            data={"survey": survey.pk, "number": version.number, "from": source.number if source else None},
        )
    return version


# --- sections --------------------------------------------------------------------------------


def section_create(*, version: SurveyVersion, actor: Any, data: Mapping[str, Any]) -> Section:
    with scope(version.cluster), transaction.atomic():
        _require_draft(version)
        last = version.sections.aggregate(last=models.Max("position"))["last"]
        section = Section(cluster=version.cluster, version=version, position=0 if last is None else last + 1)
        _assign(section, data, SECTION_FIELDS)
        section.full_clean()
        section.save()
        _audit_change(version, actor, "surveys.section.created", section)
    return section


def section_update(*, section: Section, actor: Any, data: Mapping[str, Any]) -> Section:
    with scope(section.cluster), transaction.atomic():
        _require_draft(section.version)
        changed = _assign(section, data, SECTION_FIELDS)
        if changed:
            section.full_clean()
            section.save(update_fields=[*changed, "updated_at"])
            _audit_change(section.version, actor, "surveys.section.updated", section)
    return section


def section_delete(*, section: Section, actor: Any) -> None:
    """Removes the section and its questions."""
    with scope(section.cluster), transaction.atomic():
        version = section.version
        _require_draft(version)
        _audit_change(version, actor, "surveys.section.deleted", section)
        section.delete()
        _renumber(list(version.sections.order_by("position", "id")))


def section_move(*, section: Section, actor: Any, direction: int) -> Section:
    """One step up (-1) or down (+1)."""
    with scope(section.cluster), transaction.atomic():
        _require_draft(section.version)
        siblings = list(section.version.sections.order_by("position", "id"))
        if _swap(siblings, section, direction):
            _audit_change(section.version, actor, "surveys.section.moved", section)
    return section


# --- questions -------------------------------------------------------------------------------


def _clean_question_data(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {name: data[name] for name in QUESTION_FIELDS if name in data}
    for name in ("options", "areas"):
        if name in cleaned and cleaned[name] is None:
            cleaned[name] = []
    if "show_if" in cleaned and not cleaned["show_if"]:
        cleaned["show_if"] = {}
    return cleaned


def _validate_question(question: Question) -> None:
    """Raises the problems by field (a page shows each beside its input, the API at its place)."""
    problems: dict[str, list[ValidationError]] = {}
    for field, problem in question_field_problems(
        {name: getattr(question, name) for name in QUESTION_FIELDS}
    ):
        problems.setdefault(field, []).append(ValidationError(problem, code="invalid"))
    if problems:
        raise ValidationError(problems)
    try:
        question.full_clean()
    except ValidationError as error:
        # The one-key-per-version constraint is about the key, though Django files it under none.
        general = error.error_dict.pop(NON_FIELD_ERRORS, [])
        error.error_dict.setdefault("key", []).extend(e for e in general if e.code == "unique_together")
        if rest := [e for e in general if e.code != "unique_together"]:
            error.error_dict[NON_FIELD_ERRORS] = rest
        if not error.error_dict["key"]:
            del error.error_dict["key"]
        raise


def question_create(*, section: Section, actor: Any, data: Mapping[str, Any]) -> Question:
    with scope(section.cluster), transaction.atomic():
        _require_draft(section.version)
        last = section.questions.aggregate(last=models.Max("position"))["last"]
        question = Question(
            cluster=section.cluster,
            version=section.version,
            section=section,
            position=0 if last is None else last + 1,
        )
        _assign(question, _clean_question_data(data), QUESTION_FIELDS)
        _validate_question(question)
        question.save()
        _audit_change(section.version, actor, "surveys.question.created", question)
    return question


def question_update(
    *, question: Question, actor: Any, data: Mapping[str, Any], section: Section | None = None
) -> Question:
    """Change a draft question; ``section`` moves it to the end of another section of the draft."""
    with scope(question.cluster), transaction.atomic():
        _require_draft(question.version)
        changed = _assign(question, _clean_question_data(data), QUESTION_FIELDS)
        if section is not None and section.pk != question.section_id:
            if section.version_id != question.version_id:
                raise ValidationError(_("A question can only move within its own version."))
            last = section.questions.aggregate(last=models.Max("position"))["last"]
            question.section = section
            question.position = 0 if last is None else last + 1
            changed["section"] = [None, section.pk]
            changed["position"] = [None, question.position]
        if changed:
            _validate_question(question)
            # Only what changed is written, so a caller holding an older copy cannot undo a
            # move made meanwhile.
            question.save(update_fields=[*changed, "updated_at"])
            _audit_change(question.version, actor, "surveys.question.updated", question)
    return question


def question_delete(*, question: Question, actor: Any) -> None:
    with scope(question.cluster), transaction.atomic():
        version, section = question.version, question.section
        _require_draft(version)
        _audit_change(version, actor, "surveys.question.deleted", question)
        question.delete()
        _renumber(list(section.questions.order_by("position", "id")))


def question_move(*, question: Question, actor: Any, direction: int) -> Question:
    with scope(question.cluster), transaction.atomic():
        _require_draft(question.version)
        siblings = list(question.section.questions.order_by("position", "id"))
        if _swap(siblings, question, direction):
            _audit_change(question.version, actor, "surveys.question.moved", question)
    return question


# --- whole versions from a spec (templates, XLSForm) -----------------------------------------


def version_to_spec(version: SurveyVersion) -> dict[str, Any]:
    """The version as plain data: {"intro", "sections": [{"title", "intro", "questions": [...]}]}."""
    by_section: dict[int, list[Question]] = {}
    for question in ordered_questions(version):
        by_section.setdefault(question.section_id, []).append(question)
    return {
        "intro": {"nb": version.intro_nb, "en": version.intro_en},
        "sections": [
            {
                "title": {"nb": section.title_nb, "en": section.title_en},
                "intro": {"nb": section.intro_nb, "en": section.intro_en},
                "questions": [
                    {name: getattr(q, name) for name in QUESTION_FIELDS}
                    for q in by_section.get(section.pk, [])
                ],
            }
            for section in ordered_sections(version)
        ],
    }


def _text(value: Any, language: str) -> str:
    if isinstance(value, dict):
        return str(value.get(language) or "")
    return str(value or "") if language == "nb" else ""


def _question_from_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Accepts model field names, or "text"/"help" as {"nb", "en"} (the templates' shape)."""
    data = {name: spec[name] for name in QUESTION_FIELDS if name in spec}
    for stem in ("text", "help"):
        if stem in spec:
            data[f"{stem}_nb"] = _text(spec[stem], "nb")
            data[f"{stem}_en"] = _text(spec[stem], "en")
    data.setdefault("help_nb", "")
    data.setdefault("help_en", "")
    data.setdefault("text_en", "")
    return _clean_question_data(data)


def _build_version(survey: Survey, spec: Mapping[str, Any], *, number: int) -> SurveyVersion:
    cluster = survey.cluster
    version = SurveyVersion(
        cluster=cluster,
        survey=survey,
        number=number,
        intro_nb=_text(spec.get("intro"), "nb"),
        intro_en=_text(spec.get("intro"), "en"),
    )
    version.full_clean()
    version.save()
    for s_pos, section_spec in enumerate(spec.get("sections") or []):
        section = Section(
            cluster=cluster,
            version=version,
            position=s_pos,
            title_nb=_text(section_spec.get("title"), "nb") or f"Del {s_pos + 1}",
            title_en=_text(section_spec.get("title"), "en"),
            intro_nb=_text(section_spec.get("intro"), "nb"),
            intro_en=_text(section_spec.get("intro"), "en"),
        )
        section.full_clean()
        section.save()
        for q_pos, question_spec in enumerate(section_spec.get("questions") or []):
            question = Question(cluster=cluster, version=version, section=section, position=q_pos)
            data = _question_from_spec(question_spec)
            _assign(question, data, QUESTION_FIELDS)
            problems = question_problems({name: getattr(question, name) for name in QUESTION_FIELDS})
            if problems:
                raise ValidationError([f"{question.key}: {p}" for p in problems], code="invalid")
            question.full_clean()
            question.save()
    return version


def survey_create_from_spec(
    *,
    cluster: Cluster,
    actor: Any,
    spec: Mapping[str, Any],
    kind: str = SurveyKind.CUSTOM,
    publish: bool = False,
    action: str = "surveys.survey.created",
    audit_data: Mapping[str, Any] | None = None,
) -> Survey:
    """A survey with v1 built from ``spec`` ({"title": {"nb","en"}, "intro", "sections"}),
    published when asked (after the same checks as survey_publish)."""
    with scope(cluster), transaction.atomic():
        survey = Survey(
            cluster=cluster,
            kind=kind,
            title_nb=_text(spec.get("title"), "nb")[:200],
            title_en=_text(spec.get("title"), "en")[:200],
            created_by=_user(actor),
        )
        survey.full_clean()
        survey.save()
        version = _build_version(survey, spec, number=1)
        audit_log(
            cluster=cluster,
            actor=actor,
            action=action,
            target=survey,
            data={"kind": kind, **(audit_data or {})},
        )
        if publish:
            survey_publish(version=version, actor=actor)
    return survey


# --- helpers ---------------------------------------------------------------------------------


def _assign(instance: models.Model, data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, list[Any]]:
    changed: dict[str, list[Any]] = {}
    for name in fields:
        if name not in data:
            continue
        new = data[name]
        field = instance._meta.get_field(name)
        if new is None and isinstance(field, models.CharField | models.TextField):
            new = ""
        old = getattr(instance, name)
        if old != new:
            changed[name] = [_short(old), _short(new)]
            setattr(instance, name, new)
    return changed


def _short(value: Any) -> Any:
    # The audit row says what changed; long texts and option lists are cut to stay readable.
    if isinstance(value, str) and len(value) > 120:
        return value[:117] + "…"
    if isinstance(value, list | dict):
        return str(value)[:200]
    return value


def _audit_change(version: SurveyVersion, actor: Any, action: str, target: models.Model) -> None:
    audit_log(
        cluster=version.cluster,
        actor=actor,
        action=action,
        target=target,
        data={"survey": version.survey_id, "version": version.number},
    )


def _renumber(items: list[Any]) -> None:
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


def _swap(items: list[Any], item: Any, direction: int) -> bool:
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index + (1 if direction > 0 else -1)
    if not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    _renumber(items)
    item.refresh_from_db(fields=["position"])
    return True
