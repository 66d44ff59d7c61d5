"""API: mapping rounds. Create, open and close (the cluster team); the companies' open links and
progress (a company contact sees only its own companies); turning an open link on or off; the
answers held for review (the cluster team). The same services, access functions and selectors as
the pages, so the same rules: progress is counts, never who answered, and held answers are counts
per company, reason and day."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from klyngekart.accounts.access import ClusterAccess
from klyngekart.api.clusters import PageQuery, cluster_scope, paged
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError
from klyngekart.core.privacy import k_threshold
from klyngekart.members.models import Membership
from klyngekart.members.validators import normalise_org_number
from klyngekart.surveys.models import Audience, HoldReason, Round, RoundStatus, SurveyVersion
from klyngekart.surveys.rounds import holds, open_links
from klyngekart.surveys.rounds import selectors as round_reads
from klyngekart.surveys.rounds import services as rounds
from klyngekart.surveys.rounds.addresses import MAX_INVITATIONS, Entry, parse_addresses, too_many

router = Router(tags=["rounds"])


class RoundIn(Schema):
    survey: int = Field(description="The id of a published survey version.")
    title: str = Field(min_length=1, max_length=200)
    opens_on: datetime.date
    closes_on: datetime.date
    audience: Audience = Audience.EMPLOYEES
    companies: list[str] | Literal["all"] = Field(
        "all", description='Org numbers of active members, or "all" for every active member.'
    )
    reminder_days: list[int] = Field(default_factory=list, description="Days after opening, e.g. [3, 7].")


class RoundPatch(Schema):
    closes_on: datetime.date = Field(description="A later closing date; only while the round is open.")


class RoundOut(Schema):
    id: int
    title: str
    survey: int
    status: str
    audience: str
    opens_on: datetime.date
    closes_on: datetime.date
    reminder_days: list[int]
    taxonomy_version: int
    companies: list[str]


class LinkOut(Schema):
    org_number: str
    token: str
    url: str


class OpenLinkIn(Schema):
    open_link: bool = Field(description="true turns the company's open link on, false off.")


class CompanyPartOut(Schema):
    org_number: str
    open_link: bool
    url: str | None = Field(description="The open link, while it is on.")
    warning: str | None = Field(
        description="Why an open link is off by default: given whenever it is on, to whoever turned it on."
    )


class InvitationOut(Schema):
    id: int
    email: str
    withdrawn: bool = Field(description="Withdrawn: its link no longer works and nothing is mailed to it.")


class InvitationsIn(Schema):
    addresses: str = Field(
        description=(
            "The addresses as people paste them from Outlook, Excel or a list: one or more per line, "
            "separated by commas, semicolons or tabs, with or without names "
            "(`Ola Nordmann <ola@bedrift.no>; kari@bedrift.no`)."
        )
    )
    language: str = Field("nb", description="The language of the invitation mail: `nb` or `en`.")


class InvitedOut(Schema):
    line: int = Field(description="The entry's line in `addresses`, counting from 1.")
    text: str = Field(description="The entry as written.")
    email: str


class SkippedOut(InvitedOut):
    reason: Literal["repeated", "already_invited"] = Field(
        description="`repeated`: an earlier entry of the list gives the same address; "
        "`already_invited`: the company has invited it to this round before."
    )
    message: str


class InvitationsAddedOut(Schema):
    invited: list[InvitedOut] = Field(description="Invited now; mailed at once in an open round.")
    skipped: list[SkippedOut] = Field(description="Not invited again, and why.")


class RemindOut(Schema):
    reminded: int = Field(
        description="How many were reminded: invited, not answered, not reminded today (0 is no error)."
    )


class HeldOut(Schema):
    id: uuid.UUID = Field(description="The id of the held batch, for approve and reject.")
    org_number: str
    company: str
    reason: HoldReason = Field(
        description="`repeat`: the same browser answered the link again; `burst`: more answers from "
        "one address within minutes than the installation allows."
    )
    held_on: datetime.date = Field(description="The day: no finer time is kept of an answer.")
    count: int


class HeldIdsIn(Schema):
    ids: list[uuid.UUID] = Field(description="Ids of held batches of this round (from `GET .../held`).")


class HeldDecisionOut(Schema):
    batches: int
    responses: int


class ProgressOut(Schema):
    org_number: str
    name: str
    invited: int
    started: int | None = Field(description="null when from 1 to k - 1 (`under_k`).")
    completed: int | None = Field(description="null when from 1 to k - 1 (`under_k`).")
    under_k: bool = Field(description="Started or completed is a count from 1 to k - 1, not shown.")
    response_rate: float | None = Field(
        description=(
            "Completed over invited (or over employees when nobody was invited personally), 0-1; "
            "null while fewer than k have completed."
        )
    )


class RoundFilters(PageQuery):
    status: RoundStatus | None = None
    survey: int | None = Field(None, description="A survey id: its rounds, whichever version they use.")
    year: int | None = Field(None, ge=2000, le=2100, description="The year the round opens.")


class RoundItemOut(Schema):
    id: int
    title: str
    survey: int = Field(description="The id of the survey version the round uses.")
    survey_id: int
    survey_title: str
    status: RoundStatus
    audience: str
    opens_on: datetime.date
    closes_on: datetime.date
    companies: int = Field(description="Companies in the round (a company role: its own).")
    invited: int
    completed: int | None = Field(description="null when from 1 to k - 1.")


class RoundPage(Schema):
    items: list[RoundItemOut]
    count: int
    page: int
    page_size: int


def _round_out(round_: Round, access: ClusterAccess | None = None) -> dict[str, Any]:
    parts = round_.companies.select_related("company").order_by("membership__name")
    if access is not None and access.is_company_role:
        # A company's people see their own company in a round, never which others take part.
        parts = parts.filter(company_id__in=access.company_ids)
    return {
        "id": round_.pk,
        "title": round_.title,
        "survey": round_.survey_version_id,
        "status": round_.status,
        "audience": round_.audience,
        "opens_on": round_.opens_on,
        "closes_on": round_.closes_on,
        "reminder_days": round_.reminder_days,
        "taxonomy_version": round_.taxonomy_version.number,
        "companies": [part.company.identifier for part in parts],
    }


def _payload_loc(key: str) -> list[str | int]:
    renamed = {"survey_version": "survey"}
    return ["body", "payload"] if key == NON_FIELD_ERRORS else ["body", "payload", renamed.get(key, key)]


def _memberships(org_numbers: list[str]) -> list[Membership]:
    """The memberships for the org numbers; an unknown one is a 422 that points at it."""
    found = []
    for index, org_number in enumerate(org_numbers):
        digits = normalise_org_number(org_number)
        membership = Membership.objects.filter(company__org_number=digits).first() if digits else None
        if membership is None:
            error = ValidationError(
                f"No member with org number {org_number!r} in this cluster.", code="unknown"
            )
            raise ApiValidationError(error, lambda _key, i=index: ["body", "payload", "companies", i])  # type: ignore[misc]
        found.append(membership)
    return found


@router.get(
    "/clusters/{slug}/rounds",
    response={200: RoundPage, **ERROR_RESPONSES},
    summary="The cluster's rounds",
    description=(
        "Newest first, as the rounds page lists them, with progress totals: counts, never who, and "
        "`completed` is null from 1 to k - 1. A company contact gets only the rounds its companies "
        "take part in, with only its own companies' counts."
    ),
)
def round_list(request: HttpRequest, slug: str, filters: Query[RoundFilters]) -> dict[str, Any]:
    with cluster_scope(request, slug, "rounds.view_own") as access:
        k = k_threshold(access.cluster)
        rounds = round_reads.round_list(
            access=access,
            status=filters.status.value if filters.status else "",
            survey_id=filters.survey,
            year=filters.year,
        )

        def item(round_: Any) -> dict[str, Any]:
            version = round_.survey_version
            return {
                "id": round_.pk,
                "title": round_.title,
                "survey": version.pk,
                "survey_id": version.survey_id,
                "survey_title": version.survey.title,
                "status": round_.status,
                "audience": round_.audience,
                "opens_on": round_.opens_on,
                "closes_on": round_.closes_on,
                "companies": round_.company_count,
                "invited": round_.invited_total or 0,
                "completed": round_reads.shown_count(round_.completed_total or 0, k),
            }

        return paged(rounds, filters, item)


@router.get(
    "/clusters/{slug}/rounds/{id}",
    response={200: RoundOut, **ERROR_RESPONSES},
    summary="A round",
    description=(
        "A company contact reads the rounds its companies take part in, and sees only them in `companies`."
    ),
)
def round_get(request: HttpRequest, slug: str, id: int) -> dict[str, Any]:
    with cluster_scope(request, slug, "rounds.view_own") as access:
        return _round_out(rounds.access_round(access, id, "rounds.view_own"), access)


@router.post(
    "/clusters/{slug}/rounds",
    response={201: RoundOut, **ERROR_RESPONSES},
    summary="Create a mapping round (as a draft)",
    description=(
        "The round pins the cluster's current taxonomy version. It takes no answers until it is "
        "opened with `POST .../rounds/{id}/open`."
    ),
)
def round_create(request: HttpRequest, slug: str, payload: RoundIn) -> Status[dict[str, Any]]:
    with cluster_scope(request, slug, "rounds.change") as access:
        version = SurveyVersion.objects.filter(pk=payload.survey).first()
        if version is None:
            raise ApiValidationError(
                ValidationError("Unknown survey version.", code="unknown"),
                lambda _key: ["body", "payload", "survey"],
            )
        companies: list[Membership] | str = (
            "all" if payload.companies == "all" else _memberships(list(payload.companies))
        )
        try:
            round_ = rounds.round_create(
                cluster=access.cluster,
                actor=request.auth,  # type: ignore[attr-defined]
                survey_version=version,
                title=payload.title,
                opens_on=payload.opens_on,
                closes_on=payload.closes_on,
                audience=payload.audience.value,
                companies=companies,
                reminder_days=payload.reminder_days,
            )
        except ValidationError as error:
            raise ApiValidationError(error, _payload_loc) from error
        return Status(201, _round_out(round_))


def _transition(request: HttpRequest, slug: str, id: int, *, opening: bool) -> dict[str, Any]:
    with cluster_scope(request, slug, "rounds.change") as access:
        round_ = rounds.access_round(access, id, "rounds.change")
        actor = request.auth  # type: ignore[attr-defined]
        try:
            if opening:
                rounds.round_open(round_=round_, actor=actor)
            else:
                rounds.round_close(round_=round_, actor=actor)
        except ValidationError as error:
            raise ApiValidationError(error, lambda _key: ["path", "id"]) from error
        return _round_out(round_)


@router.post(
    "/clusters/{slug}/rounds/{id}/open",
    response={200: RoundOut, **ERROR_RESPONSES},
    summary="Open a round",
    description=(
        "Invitations added while it was a draft are mailed now. Opening an open round changes nothing."
    ),
)
def round_open(request: HttpRequest, slug: str, id: int) -> dict[str, Any]:
    return _transition(request, slug, id, opening=True)


@router.post(
    "/clusters/{slug}/rounds/{id}/close",
    response={200: RoundOut, **ERROR_RESPONSES},
    summary="Close a round",
    description=(
        "No more answers are taken. Closing a closed round changes nothing; a draft cannot be closed."
    ),
)
def round_close(request: HttpRequest, slug: str, id: int) -> dict[str, Any]:
    return _transition(request, slug, id, opening=False)


@router.patch(
    "/clusters/{slug}/rounds/{id}",
    response={200: RoundOut, **ERROR_RESPONSES},
    summary="Extend an open round",
    description=(
        "Moves the closing date later while the round is open. Results are released when the round "
        "closes, so a closed round never reopens; to end a round early, close it."
    ),
)
def round_update(request: HttpRequest, slug: str, id: int, payload: RoundPatch) -> dict[str, Any]:
    with cluster_scope(request, slug, "rounds.change") as access:
        round_ = rounds.access_round(access, id, "rounds.change")
        try:
            rounds.round_extend(round_=round_, actor=request.auth, closes_on=payload.closes_on)  # type: ignore[attr-defined]
        except ValidationError as error:
            raise ApiValidationError(error, _payload_loc) from error
        return _round_out(round_)


@router.get(
    "/clusters/{slug}/rounds/{id}/links",
    response={200: list[LinkOut], **ERROR_RESPONSES},
    summary="The open answering links that are on",
    description=(
        "Open links are off unless turned on per company (`PATCH .../companies/{org_number}`); only "
        "those that are on are listed. A company contact gets only its own companies' links."
    ),
)
def round_links(request: HttpRequest, slug: str, id: int) -> list[dict[str, Any]]:
    with cluster_scope(request, slug, "rounds.invite_own") as access:
        round_ = rounds.access_round(access, id, "rounds.invite_own")
        progress = round_reads.round_progress(round_=round_, access=access)
        return [
            {
                "org_number": row.part.company.identifier,
                "token": row.part.link_token,
                "url": rounds.open_link_url(row.part, request=request),
            }
            for row in progress.rows
            if row.part.open_link_enabled
        ]


@router.patch(
    "/clusters/{slug}/rounds/{id}/companies/{org_number}",
    response={200: CompanyPartOut, **ERROR_RESPONSES},
    summary="Turn a company's open link on or off",
    description=(
        "Personal invitations are the default. Whoever holds an open link can answer through it, and "
        "so pad a small company up to the anonymity threshold: the reply carries that warning while "
        "the link is on. The cluster team may change any company's link, a company contact its own "
        "company's. Audited. A closed round's link cannot be turned on (422)."
    ),
)
def round_company_update(
    request: HttpRequest, slug: str, id: int, org_number: str, payload: OpenLinkIn
) -> dict[str, Any]:
    with cluster_scope(request, slug, "rounds.invite_own") as access:
        round_ = rounds.access_round(access, id, "rounds.invite_own")
        part = rounds.access_round_company(
            access, round_, None, "rounds.invite_own", org_number=normalise_org_number(org_number)
        )
        try:
            open_links.open_link_set(
                round_company=part,
                actor=request.auth,  # type: ignore[attr-defined]
                enabled=payload.open_link,
            )
        except ValidationError as error:
            raise ApiValidationError(error, lambda _key: ["body", "payload", "open_link"]) from error
        on = part.open_link_enabled
        return {
            "org_number": part.company.identifier,
            "open_link": on,
            "url": rounds.open_link_url(part, request=request) if on else None,
            "warning": str(open_links.OPEN_LINK_WARNING) if on else None,
        }


def _own_part(access: Any, id: int, org_number: str) -> Any:
    round_ = rounds.access_round(access, id, "rounds.invite_own")
    return rounds.access_round_company(
        access, round_, None, "rounds.invite_own", org_number=normalise_org_number(org_number)
    )


def _invitation_out(row: Any) -> dict[str, Any]:
    return {"id": row.pk, "email": row.email, "withdrawn": row.withdrawn}


@router.get(
    "/clusters/{slug}/rounds/{id}/companies/{org_number}/invitations",
    response={200: list[InvitationOut], **ERROR_RESPONSES},
    summary="A company's personal invitations",
    description=(
        "The addresses the company invited, sorted, each with its id and whether it is withdrawn; "
        "never whether anyone answered. As on the page, only the company's own contact sees them: "
        "for anyone else the list is empty."
    ),
)
def invitation_list(request: HttpRequest, slug: str, id: int, org_number: str) -> list[dict[str, Any]]:
    with cluster_scope(request, slug, "rounds.invite_own") as access:
        part = _own_part(access, id, org_number)
        if not access.is_company_role:
            return []
        return [_invitation_out(row) for row in round_reads.invitation_rows(part)]


def _refused_entries(entries: list[tuple[int, str, str]], code: str) -> ApiValidationError:
    """A 422 naming each refused entry, (line, text, what is wrong), at its line in `addresses`."""
    by_line: dict[str, list[ValidationError]] = {}
    for line, text, problem in entries:
        message = _("Line %(line)s, “%(text)s”: %(problem)s") % {
            "line": line,
            "text": text,
            "problem": problem,
        }
        by_line.setdefault(str(line), []).append(ValidationError(message, code=code))
    return ApiValidationError(
        ValidationError(by_line), lambda key: ["body", "payload", "addresses", int(key)]
    )


def _entry(entry: Entry) -> dict[str, Any]:
    return {"line": entry.line, "text": entry.text, "email": entry.address}


@router.post(
    "/clusters/{slug}/rounds/{id}/companies/{org_number}/invitations",
    response={201: InvitationsAddedOut, **ERROR_RESPONSES},
    summary="Invite a company's employees personally",
    description=(
        "Takes the addresses as pasted from Outlook or Excel, read as the invitation page reads "
        "them. All or nothing: an entry that is not an address, or an address another company "
        "has invited to the round, is a 422 naming each such entry at its line, and nobody is "
        "invited. An address repeated in the list, or invited by the company before, is skipped "
        "and said so, never invited twice; sending the same list again invites no one. In an open "
        "round the mails go out at once, in a draft when the round opens; a closed round takes no "
        f"more (422). At most {MAX_INVITATIONS} at a time. The cluster team may invite for any "
        "company, a company contact for its own; audited (counts, no addresses)."
    ),
)
def invitation_add(
    request: HttpRequest, slug: str, id: int, org_number: str, payload: InvitationsIn
) -> Status[dict[str, Any]]:
    with cluster_scope(request, slug, "rounds.invite_own") as access:
        part = _own_part(access, id, org_number)
        lines = payload.addresses.splitlines()
        parsed = parse_addresses(lines)
        if too_many(lines, parsed):
            message = _("At most %(max)s addresses at a time.") % {"max": MAX_INVITATIONS}
            raise ApiValidationError(
                ValidationError(message, code="too_many"), lambda _key: ["body", "payload", "addresses"]
            )
        if parsed.problems:
            raise _refused_entries([(e.line, e.text, e.problem) for e in parsed.problems], "invalid")
        if not parsed.addresses:
            raise ApiValidationError(
                ValidationError(_("Give at least one address."), code="empty"),
                lambda _key: ["body", "payload", "addresses"],
            )
        try:
            report = rounds.invitations_add(
                round_company=part,
                actor=request.auth,  # type: ignore[attr-defined]
                emails=[entry.address for entry in parsed.addresses],
                sources=[(entry.line, entry.text) for entry in parsed.addresses],
                language=payload.language,
            )
        except ValidationError as error:
            raise ApiValidationError(error, _payload_loc) from error
        if not report.ok:
            raise _refused_entries(
                [(b.line, b.text, b.message) for b in report.bad_lines], "invited_elsewhere"
            )
        by_address = {entry.address: entry for entry in parsed.addresses}
        repeated = _("An earlier entry of the list gives the same address.")
        already = _("The company has already invited this address to the round.")
        skipped = [
            *({**_entry(entry), "reason": "repeated", "message": repeated} for entry in parsed.repeats),
            *(
                {**_entry(by_address[email]), "reason": "already_invited", "message": already}
                for email in report.existing
            ),
        ]
        return Status(
            201,
            {
                "invited": [_entry(by_address[email]) for email in report.invited],
                "skipped": sorted(skipped, key=lambda item: item["line"]),
            },
        )


def _invitation_action(
    request: HttpRequest, slug: str, id: int, org_number: str, invitation_id: int, *, withdraw: bool
) -> dict[str, Any]:
    with cluster_scope(request, slug, "rounds.invite_own") as access:
        part = _own_part(access, id, org_number)
        invitation = round_reads.access_invitation(access, part, invitation_id, "rounds.invite_own")
        actor = request.auth  # type: ignore[attr-defined]
        try:
            if withdraw:
                rounds.invitation_withdraw(invitation=invitation, actor=actor)
            else:
                rounds.invitation_resend(invitation=invitation, actor=actor)
        except ValidationError as error:
            raise ApiValidationError(error, lambda _key: ["path", "invitation_id"]) from error
        return {"id": invitation.pk, "email": invitation.email, "withdrawn": invitation.withdrawn}


@router.post(
    "/clusters/{slug}/rounds/{id}/companies/{org_number}/invitations/{invitation_id}/withdraw",
    response={200: InvitationOut, **ERROR_RESPONSES},
    summary="Withdraw a personal invitation",
    description=(
        "Its link stops working (the answering pages and API say it was withdrawn, 410) and nothing "
        "is mailed to it again. Answers already given stay; no counter changes, so the reply is the "
        "same whether or not anyone answered. The company's own contact only; audited. Withdrawing "
        "again changes nothing; a closed round's invitations cannot be withdrawn (422)."
    ),
)
def invitation_withdraw(
    request: HttpRequest, slug: str, id: int, org_number: str, invitation_id: int
) -> dict[str, Any]:
    return _invitation_action(request, slug, id, org_number, invitation_id, withdraw=True)


@router.post(
    "/clusters/{slug}/rounds/{id}/companies/{org_number}/invitations/{invitation_id}/resend",
    response={200: InvitationOut, **ERROR_RESPONSES},
    summary="Send a personal invitation again",
    description=(
        "Mails it again now, recorded as a reminder. Someone who has not started gets a new link (the "
        "old one stops working); anyone else is told to use the link they have. The mail goes out "
        "either way, so nothing tells whether anyone answered. The company's own contact only; "
        "audited. 422 when the round is not open or the invitation is withdrawn."
    ),
)
def invitation_resend(
    request: HttpRequest, slug: str, id: int, org_number: str, invitation_id: int
) -> dict[str, Any]:
    return _invitation_action(request, slug, id, org_number, invitation_id, withdraw=False)


@router.post(
    "/clusters/{slug}/rounds/{id}/remind",
    response={200: RemindOut, **ERROR_RESPONSES},
    summary="Remind everyone who has not answered, now",
    description=(
        "As the round page's button: everyone invited personally who has not completed, whose "
        "invitation was mailed before today, is not withdrawn and was not reminded today. Each "
        "gets a new link, unless they have started (they keep theirs). No one is reminded twice "
        "on the same day, so sending again the same day reminds no one. Only while the round is "
        "open (422 otherwise, nothing sent). The cluster team only; audited."
    ),
)
def round_remind(request: HttpRequest, slug: str, id: int) -> dict[str, int]:
    with cluster_scope(request, slug, "rounds.change") as access:
        round_ = rounds.access_round(access, id, "rounds.change")
        try:
            reminded = rounds.round_remind(round_=round_, actor=request.auth)  # type: ignore[attr-defined]
        except ValidationError as error:
            raise ApiValidationError(error, lambda _key: ["path", "id"]) from error
        return {"reminded": reminded}


@router.get(
    "/clusters/{slug}/rounds/{id}/held",
    response={200: list[HeldOut], **ERROR_RESPONSES},
    summary="Answers held for review",
    description=(
        "Answers through open links that look like one person answering many times, by company (link), "
        "reason and day, with how many. They count for nothing until approved. The cluster team only."
    ),
)
def round_held(request: HttpRequest, slug: str, id: int) -> list[dict[str, Any]]:
    with cluster_scope(request, slug, "rounds.change") as access:
        round_ = rounds.access_round(access, id, "rounds.change")
        return [
            {
                "id": row.id,
                "org_number": row.org_number,
                "company": row.company_name,
                "reason": row.reason,
                "held_on": row.held_on,
                "count": row.count,
            }
            for row in holds.held_list(round_=round_)
        ]


def _held_decision(
    request: HttpRequest, slug: str, id: int, payload: HeldIdsIn, *, approve: bool
) -> dict[str, int]:
    with cluster_scope(request, slug, "rounds.change") as access:
        round_ = rounds.access_round(access, id, "rounds.change")
        decide = holds.held_approve if approve else holds.held_reject
        try:
            outcome = decide(round_=round_, actor=request.auth, ids=payload.ids)  # type: ignore[attr-defined]
        except ValidationError as error:
            raise ApiValidationError(error, lambda _key: ["body", "payload", "ids"]) from error
        return {"batches": outcome.batches, "responses": outcome.responses}


@router.post(
    "/clusters/{slug}/rounds/{id}/held/approve",
    response={200: HeldDecisionOut, **ERROR_RESPONSES},
    summary="Approve held answers: they count",
    description=(
        "Takes ids of held batches (`GET .../held`); all or none are approved (422 for an id that "
        "is not a held batch of this round, or when the round is not open). Audited."
    ),
)
def round_held_approve(request: HttpRequest, slug: str, id: int, payload: HeldIdsIn) -> dict[str, int]:
    return _held_decision(request, slug, id, payload, approve=True)


@router.post(
    "/clusters/{slug}/rounds/{id}/held/reject",
    response={200: HeldDecisionOut, **ERROR_RESPONSES},
    summary="Reject held answers: they are deleted",
    description=(
        "Takes ids of held batches (`GET .../held`); all or none are rejected (422 for an id that "
        "is not a held batch of this round, or when the round is not open). Audited."
    ),
)
def round_held_reject(request: HttpRequest, slug: str, id: int, payload: HeldIdsIn) -> dict[str, int]:
    return _held_decision(request, slug, id, payload, approve=False)


@router.get(
    "/clusters/{slug}/rounds/{id}/progress",
    response={200: list[ProgressOut], **ERROR_RESPONSES},
    summary="Progress per company: counts, never who",
    description="A company contact gets only its own companies.",
)
def round_progress(request: HttpRequest, slug: str, id: int) -> list[dict[str, Any]]:
    with cluster_scope(request, slug, "rounds.view_own") as access:
        round_ = rounds.access_round(access, id, "rounds.view_own")
        progress = round_reads.round_progress(round_=round_, access=access)
        return [
            {
                "org_number": row.part.company.identifier,
                "name": row.company.name,
                "invited": row.invited,
                "started": row.started,
                "completed": row.completed,
                "under_k": row.started is None or row.completed is None,
                "response_rate": float(row.response_rate) if row.response_rate is not None else None,
            }
            for row in progress.rows
        ]
