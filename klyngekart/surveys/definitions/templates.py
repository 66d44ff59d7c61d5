"""Ready-made surveys a cluster starts from: texts in nb and en, shipped as data files.

Each file in data/survey_templates/ is one spec (see definitions.survey_create_from_spec) plus a kind,
a short description for the builder and the audience it is written for. Creating a survey from a
template publishes v1 at once, so a round can use it straight away; a cluster that wants to
adjust it makes a new version."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from klyngekart.core.models import Cluster
from klyngekart.surveys.definitions.services import survey_create_from_spec
from klyngekart.surveys.models import Survey

DATA = Path(__file__).resolve().parent.parent / "data" / "survey_templates"
ORDER = ("employee_mapping", "membership_strategy", "annual_member", "activity_feedback", "pulse")


@dataclass(frozen=True)
class SurveyTemplate:
    key: str
    spec: dict[str, Any]

    def _text(self, stem: str) -> str:
        lang = (get_language() or "nb")[:2]
        texts = self.spec.get(stem) or {}
        return str(texts.get("en" if lang == "en" else "nb") or texts.get("nb") or "")

    @property
    def title(self) -> str:
        return self._text("title")

    @property
    def description(self) -> str:
        return self._text("description")

    @property
    def kind(self) -> str:
        return str(self.spec["kind"])

    @property
    def audience(self) -> str:
        return str(self.spec.get("audience") or "employees")

    @property
    def question_count(self) -> int:
        return sum(len(section.get("questions") or []) for section in self.spec["sections"])


@cache
def survey_templates() -> dict[str, SurveyTemplate]:
    return {key: SurveyTemplate(key, json.loads((DATA / f"{key}.json").read_text("utf-8"))) for key in ORDER}


def survey_create_from_template(*, cluster: Cluster, actor: Any, template_key: str) -> Survey:
    """A new survey from a ready template, with v1 already published."""
    template = survey_templates().get(template_key)
    if template is None:
        raise ValidationError(_("There is no survey template “%(key)s”.") % {"key": template_key})
    return survey_create_from_spec(
        cluster=cluster,
        actor=actor,
        spec=template.spec,
        kind=template.kind,
        publish=True,
        audit_data={"template": template_key},
    )
