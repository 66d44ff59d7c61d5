"""Rounds whose audience is fixed by what the round is about, not chosen by whoever invites.

An activity's feedback round asks the people who attended it (activities/feedback.py invites them
from the check-in list when it opens the round). Anyone else invited, or an open link, would be an
answer from someone who was not there, and could pad a company's feedback: so neither the company
contacts nor the team add invitations or turn on open links in such a round."""

from __future__ import annotations

from django.utils.translation import gettext as _

from klyngekart.surveys.models import Round, SurveyKind

FIXED_AUDIENCE_KINDS = frozenset({SurveyKind.ACTIVITY_FEEDBACK})


def audience_is_fixed(round_: Round) -> bool:
    return round_.survey_version.survey.kind in FIXED_AUDIENCE_KINDS


def fixed_audience_message() -> str:
    return _("This round asks the people who attended its activity; no one else can be invited to it.")
