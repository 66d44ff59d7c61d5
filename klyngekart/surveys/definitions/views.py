"""The survey builder: list, create (blank, template, XLSForm), edit a draft, publish, new
version, preview as a respondent, XLSForm export. Thin: forms parse, services in
surveys.definitions check and write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from klyngekart.accounts.access import ClusterAccess, cluster_view
from klyngekart.surveys.definitions import services as svc
from klyngekart.surveys.definitions.forms import (
    ImportForm,
    QuestionForm,
    SectionForm,
    SurveyForm,
    VersionForm,
)
from klyngekart.surveys.definitions.templates import survey_create_from_template, survey_templates
from klyngekart.surveys.definitions.xlsform import MAX_FILE_BYTES, survey_import_xlsform
from klyngekart.surveys.definitions.xlsform_export import export_xlsform
from klyngekart.surveys.models import Question, Section, Survey, SurveyVersion


def _access(request: HttpRequest) -> ClusterAccess:
    return request.access  # type: ignore[attr-defined,no-any-return]


# One door per object: the tenant manager limits every query to the cluster in scope, so
# another cluster's id is the same 404 as a missing one.
def _survey(pk: int) -> Survey:
    survey = Survey.objects.filter(pk=pk).first()
    if survey is None:
        raise Http404("No such survey")
    return survey


def _version(pk: int) -> SurveyVersion:
    version = SurveyVersion.objects.filter(pk=pk).select_related("survey").first()
    if version is None:
        raise Http404("No such survey version")
    return version


def _section(pk: int) -> Section:
    section = Section.objects.filter(pk=pk).select_related("version__survey").first()
    if section is None:
        raise Http404("No such section")
    return section


def _question(pk: int) -> Question:
    question = Question.objects.filter(pk=pk).select_related("version__survey", "section").first()
    if question is None:
        raise Http404("No such question")
    return question


def _to_edit(request: HttpRequest, version: SurveyVersion, anchor: str = "") -> HttpResponse:
    response = redirect("surveys:edit", _access(request).cluster.slug, version.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _refuse_published(request: HttpRequest, version: SurveyVersion) -> HttpResponse | None:
    if version.is_published:
        messages.error(
            request, _("This version is published and cannot be changed. Make a new version first.")
        )
        return redirect("surveys:detail", _access(request).cluster.slug, version.survey_id)
    return None


@cluster_view("surveys.view")
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = svc.survey_list(_access(request).cluster)
    return render(request, "surveys/builder/list.html", {"surveys": surveys})


@cluster_view("surveys.change")
@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = svc.survey_create(cluster=access.cluster, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The survey is created. Add sections and questions, then publish it."))
        return redirect("surveys:edit", access.cluster.slug, svc.latest_version(survey).pk)  # type: ignore[union-attr]
    templates = list(survey_templates().values())
    return render(request, "surveys/builder/create.html", {"form": form, "templates": templates})


@cluster_view("surveys.change")
@require_POST
def survey_create_from_template_view(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    try:
        survey = survey_create_from_template(
            cluster=access.cluster, actor=request.user, template_key=request.POST.get("template", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("surveys:create", access.cluster.slug)
    messages.success(request, _("The survey is created from the template and published, ready for a round."))
    return redirect("surveys:detail", access.cluster.slug, survey.pk)


@cluster_view("surveys.change")
@require_http_methods(["GET", "POST"])
def survey_import(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = survey_import_xlsform(
                cluster=access.cluster,
                actor=request.user,
                data=upload.read(MAX_FILE_BYTES + 1),
                filename=upload.name or "survey.xlsx",
            )
        except ValidationError as error:
            form.add_error("file", list(error.messages))
        else:
            context.update({"result": result, "form": ImportForm()})
    return render(request, "surveys/builder/import.html", context)


@cluster_view("surveys.view")
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(pk)
    versions = list(survey.versions.order_by("-number"))
    number = request.GET.get("v")
    shown = next((v for v in versions if str(v.number) == number), versions[0] if versions else None)
    context: dict[str, Any] = {"survey": survey, "versions": versions, "shown": shown}
    if shown is not None:
        context["sections"] = _sections_with_questions(shown)
        context["problems"] = svc.version_problems(shown) if not shown.is_published else []
    return render(request, "surveys/builder/detail.html", context)


def _sections_with_questions(version: SurveyVersion) -> list[dict[str, Any]]:
    questions = svc.ordered_questions(version)
    return [
        {"section": section, "questions": [q for q in questions if q.section_id == section.pk]}
        for section in svc.ordered_sections(version)
    ]


@cluster_view("surveys.change")
@require_POST
def survey_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(pk)
    try:
        version = svc.survey_new_version(survey=survey, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("surveys:detail", _access(request).cluster.slug, survey.pk)
    messages.success(
        request, _("Version %(n)s is a draft copy. Change it and publish it.") % {"n": version.number}
    )
    return _to_edit(request, version)


@cluster_view("surveys.change")
@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(pk)
    if refused := _refuse_published(request, version):
        return refused
    survey = version.survey
    survey_form = SurveyForm(
        request.POST or None,
        prefix="survey",
        initial={"title_nb": survey.title_nb, "title_en": survey.title_en, "kind": survey.kind},
    )
    version_form = VersionForm(
        request.POST or None,
        prefix="version",
        initial={"intro_nb": version.intro_nb, "intro_en": version.intro_en},
    )
    if request.method == "POST" and survey_form.is_valid() and version_form.is_valid():
        svc.survey_update(survey=survey, actor=request.user, data=survey_form.cleaned_data)
        svc.version_update(version=version, actor=request.user, data=version_form.cleaned_data)
        messages.success(request, _("The changes are saved."))
        return _to_edit(request, version)
    context = {
        "survey": survey,
        "version": version,
        "survey_form": survey_form,
        "version_form": version_form,
        "section_form": SectionForm(),
        "sections": _sections_with_questions(version),
        "problems": svc.version_problems(version),
    }
    return render(request, "surveys/builder/edit.html", context)


@cluster_view("surveys.change")
@require_POST
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(pk)
    try:
        svc.survey_publish(version=version, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        if version.is_published:
            return redirect("surveys:detail", _access(request).cluster.slug, version.survey_id)
        return _to_edit(request, version)
    messages.success(
        request, _("Version %(n)s is published and can be used in rounds.") % {"n": version.number}
    )
    return redirect("surveys:detail", _access(request).cluster.slug, version.survey_id)


@cluster_view("surveys.view")
def version_preview(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(pk)
    language = "en" if request.GET.get("lang") == "en" else "nb"
    areas = svc.current_areas(_access(request).cluster)
    context = {
        "survey": version.survey,
        "version": version,
        "language": language,
        "areas": areas,
        "sections": _sections_with_questions(version),
        "survey_title": version.survey.title_en
        if language == "en" and version.survey.title_en
        else version.survey.title_nb,
        "intro": version.intro(language),
    }
    return render(request, "surveys/builder/preview.html", context)


@cluster_view("surveys.view")
def version_export(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(pk)
    data = export_xlsform(version)
    name = f"{slugify(version.survey.title_nb) or 'survey'}-v{version.number}.xlsx"
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- sections --------------------------------------------------------------------------------


@cluster_view("surveys.change")
@require_POST
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(pk)
    if refused := _refuse_published(request, version):
        return refused
    form = SectionForm(request.POST)
    if form.is_valid():
        section = svc.section_create(version=version, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("The section is added."))
        return _to_edit(request, version, f"section-{section.pk}")
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {error}")
    return _to_edit(request, version)


@cluster_view("surveys.change")
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(pk)
    if refused := _refuse_published(request, section.version):
        return refused
    initial = {name: getattr(section, name) for name in svc.SECTION_FIELDS}
    form = SectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        svc.section_update(section=section, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("The section is saved."))
        return _to_edit(request, section.version, f"section-{section.pk}")
    return render(request, "surveys/builder/section_form.html", {"form": form, "section": section})


@cluster_view("surveys.change")
@require_POST
def section_move(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(pk)
    if refused := _refuse_published(request, section.version):
        return refused
    svc.section_move(
        section=section, actor=request.user, direction=-1 if request.POST.get("to") == "up" else 1
    )
    return _to_edit(request, section.version, f"section-{section.pk}")


@cluster_view("surveys.change")
@require_http_methods(["GET", "POST"])
def section_delete(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(pk)
    version = section.version
    if refused := _refuse_published(request, version):
        return refused
    if request.method == "POST":
        svc.section_delete(section=section, actor=request.user)
        messages.success(request, _("The section and its questions are removed."))
        return _to_edit(request, version)
    count = section.questions.count()
    return render(request, "surveys/builder/section_delete.html", {"section": section, "count": count})


# --- questions -------------------------------------------------------------------------------


@cluster_view("surveys.change")
@require_http_methods(["GET", "POST"])
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(pk)
    version = section.version
    if refused := _refuse_published(request, version):
        return refused
    areas = svc.current_areas(_access(request).cluster)
    earlier = svc.show_if_sources(version, None, section)
    form = QuestionForm(request.POST or None, earlier=earlier, areas=areas)
    if request.method == "POST" and form.is_valid():
        try:
            question = svc.question_create(section=section, actor=request.user, data=form.data_for_service())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The question is added."))
            return _to_edit(request, version, f"question-{question.pk}")
    return render(request, "surveys/builder/question_form.html", {"form": form, "section": section})


@cluster_view("surveys.change")
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(pk)
    version = question.version
    if refused := _refuse_published(request, version):
        return refused
    areas = svc.current_areas(_access(request).cluster)
    earlier = svc.show_if_sources(version, question, question.section)
    form = QuestionForm(request.POST or None, earlier=earlier, areas=areas, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            svc.question_update(question=question, actor=request.user, data=form.data_for_service())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The question is saved."))
            return _to_edit(request, version, f"question-{question.pk}")
    context = {"form": form, "section": question.section, "question": question}
    return render(request, "surveys/builder/question_form.html", context)


@cluster_view("surveys.change")
@require_POST
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(pk)
    if refused := _refuse_published(request, question.version):
        return refused
    svc.question_move(
        question=question, actor=request.user, direction=-1 if request.POST.get("to") == "up" else 1
    )
    return _to_edit(request, question.version, f"question-{question.pk}")


@cluster_view("surveys.change")
@require_POST
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(pk)
    version = question.version
    if refused := _refuse_published(request, version):
        return refused
    svc.question_delete(question=question, actor=request.user)
    messages.success(request, _("The question “%(key)s” is removed.") % {"key": question.key})
    return _to_edit(request, version)
