"""Writes of the service portfolio and the member survey built from it.

A member survey asks, per active service, two agreement questions on the 1–5 scale: whether the
service is important to the company (``svc_imp_<id>``) and whether the company is satisfied with
it (``svc_sat_<id>``). The keys carry the service's id, so its figures line up between rounds."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.memberservices.models import MemberService
from klyngekart.surveys.definitions.services import survey_create_from_spec
from klyngekart.surveys.definitions.templates import survey_templates
from klyngekart.surveys.models import Audience, Round, SurveyKind
from klyngekart.surveys.rounds.services import round_create

FIELDS = ("name_nb", "name_en", "description_nb", "description_en", "category", "active", "order")
IMPORTANCE = "svc_imp_"
SATISFACTION = "svc_sat_"
NPS_KEY = "nps"


def _apply(service: MemberService, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in FIELDS:
        if name in data and getattr(service, name) != data[name]:
            value = data[name]
            setattr(service, name, value.strip() if isinstance(value, str) else value)
            changed.append(name)
    return changed


def service_create(*, cluster: Cluster, actor: Any, data: Mapping[str, Any]) -> MemberService:
    service = MemberService(cluster=cluster)
    _apply(service, data)
    service.full_clean()
    with transaction.atomic():
        service.save()
        audit_log(cluster=cluster, actor=actor, action="memberservices.service.created", target=service)
    return service


def service_update(*, service: MemberService, actor: Any, data: Mapping[str, Any]) -> MemberService:
    changed = _apply(service, data)
    if not changed:
        return service
    service.full_clean()
    with transaction.atomic():
        service.save()
        audit_log(
            cluster=service.cluster,
            actor=actor,
            action="memberservices.service.updated",
            target=service,
            data={"fields": changed},
        )
    return service


def service_question_keys(service_id: int) -> tuple[str, str]:
    return f"{IMPORTANCE}{service_id}", f"{SATISFACTION}{service_id}"


def service_id_of(question_key: str) -> int | None:
    for prefix in (IMPORTANCE, SATISFACTION):
        if question_key.startswith(prefix) and question_key[len(prefix) :].isdigit():
            return int(question_key[len(prefix) :])
    return None


def member_survey_spec(services: list[MemberService]) -> dict[str, Any]:
    """The annual member survey template with its first section (fixed satisfaction statements)
    replaced by two statements per service, in both languages."""
    spec = copy.deepcopy(survey_templates()["annual_member"].spec)
    questions = []
    for service in services:
        importance, satisfaction = service_question_keys(service.pk)
        name_nb = service.name_nb
        name_en = service.name_en or service.name_nb
        help_text = {"nb": service.description_nb, "en": service.description_en or service.description_nb}
        questions.append(
            {
                "key": importance,
                "type": "likert",
                "text": {
                    "nb": f"«{name_nb}» er viktig for bedriften vår.",
                    "en": f"“{name_en}” is important to our company.",
                },
                "help": help_text,
            }
        )
        questions.append(
            {
                "key": satisfaction,
                "type": "likert",
                "text": {
                    "nb": f"Vi er fornøyd med «{name_nb}».",
                    "en": f"We are satisfied with “{name_en}”.",
                },
            }
        )
    spec["sections"][0] = {
        "title": {"nb": "Klyngens tjenester", "en": "The cluster's services"},
        "intro": {
            "nb": "Hvor enig er du i disse utsagnene om tjenestene klyngen tilbyr?",
            "en": "How much do you agree with these statements about the services the cluster offers?",
        },
        "questions": questions,
    }
    return spec


def member_survey_create(
    *,
    cluster: Cluster,
    actor: Any,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    reminder_days: list[int],
) -> Round:
    """A published member survey asking about the cluster's active services now, and a draft
    round of it for the contacts of every active member company. The team adds invitations and
    opens it on the round's page, as for any round."""
    with scope(cluster):
        services = list(
            MemberService.objects.filter(cluster=cluster, active=True).order_by("order", "name_nb", "id")
        )
    if not services:
        raise ValidationError(_("Add at least one active service before starting a member survey."))
    with transaction.atomic():
        spec = member_survey_spec(services)
        survey = survey_create_from_spec(
            cluster=cluster,
            actor=actor,
            spec=spec,
            kind=SurveyKind.ANNUAL_MEMBER,
            publish=True,
            audit_data={"services": [s.pk for s in services]},
        )
        with scope(cluster):
            version = survey.versions.get(number=1)
        round_ = round_create(
            cluster=cluster,
            actor=actor,
            survey_version=version,
            title=title,
            opens_on=opens_on,
            closes_on=closes_on,
            audience=Audience.CONTACTS,
            companies="all",
            reminder_days=reminder_days,
        )
    return round_


def default_dates(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    start = today or timezone.localdate()
    return start, start + datetime.timedelta(days=21)
