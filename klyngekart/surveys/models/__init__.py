from klyngekart.surveys.models.definitions import (
    Question,
    QuestionType,
    Section,
    Survey,
    SurveyKind,
    SurveyVersion,
    VersionStatus,
)
from klyngekart.surveys.models.responses import (
    Answer,
    AreaAggregate,
    GapAnswer,
    QuestionAggregate,
    Response,
    ResponseDraft,
    SegmentCount,
)
from klyngekart.surveys.models.rounds import (
    Audience,
    RespondentInvitation,
    Round,
    RoundCompany,
    RoundStatus,
)

__all__ = [
    "Answer",
    "AreaAggregate",
    "Audience",
    "GapAnswer",
    "Question",
    "QuestionAggregate",
    "QuestionType",
    "RespondentInvitation",
    "Response",
    "ResponseDraft",
    "Round",
    "RoundCompany",
    "RoundStatus",
    "Section",
    "SegmentCount",
    "Survey",
    "SurveyKind",
    "SurveyVersion",
    "VersionStatus",
]
