"""Shared setup for the answering tests: a survey with every question type, an open round in it
for one member company with its open link turned on (it is off by default), and personal
invitations."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from klyngekart.core.tenancy import scopes_disabled
from klyngekart.surveys.answering.drafts import invitation_token_hash
from klyngekart.surveys.models import Question, Round, RoundCompany
from klyngekart.surveys.models.rounds import RespondentInvitation
from klyngekart.surveys.tests.factories import (
    QuestionFactory,
    RoundCompanyFactory,
    SectionFactory,
    gap_survey,
)

OPTIONS = [
    {"key": "courses", "nb": "Kurs", "en": "Courses"},
    {"key": "mentoring", "nb": "Mentorordning", "en": "Mentoring"},
    {"key": "digital", "nb": "Digital læring", "en": "Digital learning"},
    {"key": "trips", "nb": "Studieturer", "en": "Study trips"},
]
AREA_CODES = ("digital-ai", "green-energy", "lean")


@dataclass
class Mapping:
    round: Round
    company: RoundCompany
    questions: dict[str, Question]

    @property
    def token(self) -> str:
        return self.company.link_token


def build_mapping(membership: Any) -> Mapping:
    """Sections: 1 role (segment), 2 gap matrix + challenges, 3 the other types with a show-if."""
    cluster = membership.cluster
    made = gap_survey(cluster, area_codes=AREA_CODES)
    version = made["version"]
    third = SectionFactory(version=version, cluster=cluster, position=2)
    questions = dict(made["questions"])
    questions.update(
        culture=QuestionFactory(section=third, key="culture", type="likert", required=True),
        recommend=QuestionFactory(section=third, key="recommend", type="nps"),
        hours=QuestionFactory(section=third, key="hours", type="number", min_value=0, max_value=200),
        forms=QuestionFactory(section=third, key="forms", type="multiple", options=OPTIONS, allow_other=True),
        top=QuestionFactory(section=third, key="top", type="ranking", options=OPTIONS),
        why_mentoring=QuestionFactory(
            section=third,
            key="why_mentoring",
            type="text",
            show_if={"question": "forms", "equals": "mentoring"},
        ),
    )
    made_company: RoundCompany = RoundCompanyFactory(  # type: ignore[assignment]
        round=made["round"], cluster=cluster, membership=membership, open_link_enabled=True
    )
    with scopes_disabled():
        company = RoundCompany.objects.select_related("round", "company", "cluster").get(pk=made_company.pk)
    return Mapping(round=company.round, company=company, questions=questions)


def invite(company: RoundCompany, *, email: str = "", language: str = "nb") -> str:
    """A personal invitation; returns its token (only the hash is stored, as in production)."""
    token = secrets.token_urlsafe(16)
    with scopes_disabled():
        RespondentInvitation.objects.create(
            cluster=company.cluster,
            round_company=company,
            email=email or f"{token[:6].lower()}@example.no",
            token_hash=invitation_token_hash(token),
            language=language,
        )
    return token


def full_answers(role: str = "production", **extra: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "role": role,
        "gaps": {code: {"importance": 5, "level": 2} for code in AREA_CODES},
        "culture": 4,
    }
    answers.update(extra)
    return answers
