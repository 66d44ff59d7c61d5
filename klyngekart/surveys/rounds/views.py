"""Round pages: the list, creating a round, its progress, opening and closing, and each company's
part (open link, QR code, invitation list), and the answers held for review. Thin: the services and
selectors in rounds.py, open_links.py and holds.py work.

A company contact reaches only rounds its company takes part in, and only its own company's row,
link and QR code. Nobody sees who answered: progress is counts, and the invited addresses are
shown only to the company's own contact, without any status. An open link is off until the team or
the company's contact turns it on, after a warning of what it allows (surveys/rounds/open_links.py)."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from klyngekart.accounts.access import ClusterAccess, cluster_view
from klyngekart.core.forms import add_service_errors
from klyngekart.core.privacy import k_threshold
from klyngekart.surveys.models import RoundStatus
from klyngekart.surveys.results.release import release_state
from klyngekart.surveys.rounds import holds, open_links
from klyngekart.surveys.rounds import selectors as round_reads
from klyngekart.surveys.rounds import services as rounds
from klyngekart.surveys.rounds.addresses import Entry
from klyngekart.surveys.rounds.forms import (
    ExtendForm,
    HeldDecisionForm,
    InvitationListForm,
    OpenLinkForm,
    RoundForm,
)


def _access(request: HttpRequest) -> ClusterAccess:
    return request.access  # type: ignore[attr-defined,no-any-return]


@cluster_view("rounds.view_own")
def round_list(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    k = k_threshold(access.cluster)
    listed = [
        # completed_total is round_list's annotation: the sum over the companies the viewer may see.
        (round_, round_reads.shown_count(getattr(round_, "completed_total", 0) or 0, k))
        for round_ in round_reads.round_list(access=access)
    ]
    return render(request, "surveys/rounds/list.html", {"rounds": listed, "k": k})


@cluster_view("rounds.change")
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = rounds.round_create(cluster=access.cluster, actor=request.user, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The round is created as a draft. Open it when you are ready."))
            return redirect("rounds:detail", access.cluster.slug, round_.pk)
    return render(request, "surveys/rounds/create.html", {"form": form})


@cluster_view("rounds.view_own")
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    round_ = rounds.access_round(access, pk, "rounds.view_own")
    progress = round_reads.round_progress(round_=round_, access=access)
    can_invite = access.can("rounds.invite_own")
    rows = [
        (
            row,
            rounds.open_link_url(row.part, request=request)
            if can_invite and row.part.open_link_enabled
            else "",
        )
        for row in progress.rows
    ]
    return render(
        request,
        "surveys/rounds/detail.html",
        {
            "round": round_,
            "progress": progress,
            "rows": rows,
            "can_invite": can_invite,
            "release_state": release_state(round_),
            "remindable": rounds.reminders_possible(round_, today=timezone.localdate())
            if access.can("rounds.change")
            else 0,
            # Only the team reviews held answers; a company's own people are not told of them.
            "held": holds.held_total(round_) if access.can("rounds.change") else 0,
        },
    )


@cluster_view("rounds.change")
@require_POST
def round_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Remind, now, everyone invited who has not answered (at most once a day per person)."""
    access = _access(request)
    round_ = rounds.access_round(access, pk, "rounds.change")
    try:
        sent = rounds.round_remind(round_=round_, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if sent:
            messages.success(
                request,
                ngettext(
                    "A reminder is on its way to %(count)s person who has not answered.",
                    "Reminders are on their way to %(count)s people who have not answered.",
                    sent,
                )
                % {"count": sent},
            )
        else:
            messages.info(
                request, _("No one needed a reminder: everyone invited has answered or was reminded today.")
            )
    return redirect("rounds:detail", access.cluster.slug, round_.pk)


def _transition(request: HttpRequest, pk: int, *, opening: bool) -> HttpResponse:
    access = _access(request)
    round_ = rounds.access_round(access, pk, "rounds.change")
    error = None
    if request.method == "POST":
        try:
            if opening:
                rounds.round_open(round_=round_, actor=request.user)
                messages.success(request, _("The round is open. Invitations are on their way."))
            else:
                rounds.round_close(round_=round_, actor=request.user)
                messages.success(request, _("The round is closed. No more answers are taken."))
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            return redirect("rounds:detail", access.cluster.slug, round_.pk)
    return render(
        request,
        "surveys/rounds/confirm.html",
        {
            "round": round_,
            "opening": opening,
            "error": error,
            "pending": round_reads.pending_invitations(round_),
            "held": 0 if opening else holds.held_total(round_),
        },
    )


@cluster_view("rounds.change")
@require_http_methods(["GET", "POST"])
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, opening=True)


@cluster_view("rounds.change")
@require_http_methods(["GET", "POST"])
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, opening=False)


@cluster_view("rounds.change")
@require_http_methods(["GET", "POST"])
def round_extend(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an open round's closing date later (results are released at close, so later only)."""
    access = _access(request)
    round_ = rounds.access_round(access, pk, "rounds.change")
    form = ExtendForm(request.POST or None, initial={"closes_on": round_.closes_on})
    if request.method == "POST" and form.is_valid():
        try:
            rounds.round_extend(round_=round_, actor=request.user, closes_on=form.cleaned_data["closes_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The round now closes on %(date)s.") % {"date": date_format(round_.closes_on)}
            )
            return redirect("rounds:detail", access.cluster.slug, round_.pk)
    return render(request, "surveys/rounds/extend.html", {"round": round_, "form": form})


@cluster_view("rounds.view_own")
def round_company(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    access = _access(request)
    round_ = rounds.access_round(access, pk, "rounds.view_own")
    part = rounds.access_round_company(access, round_, part_pk, "rounds.view_own")
    can_invite = access.can("rounds.invite_own")
    return render(
        request,
        "surveys/rounds/company.html",
        {
            "round": round_,
            "part": part,
            "row": round_reads.progress_row(part, k_threshold(round_.cluster)),
            "k": k_threshold(round_.cluster),
            "can_invite": can_invite,
            "link": rounds.open_link_url(part, request=request)
            if can_invite and part.open_link_enabled
            else "",
            # Only the company's own people see whom they invited; the cluster sees counts.
            "invitations": round_reads.invitation_rows(part) if access.is_company_role else None,
        },
    )


@cluster_view("rounds.invite_own")
@require_http_methods(["GET", "POST"])
def round_invite(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    access = _access(request)
    round_ = rounds.access_round(access, pk, "rounds.invite_own")
    part = rounds.access_round_company(access, round_, part_pk, "rounds.invite_own")
    form = InvitationListForm(request.POST or None, request.FILES or None)
    report = None
    problems: list[Entry] = []
    valid = 0
    if request.method == "POST" and form.is_valid():
        parsed = form.parsed
        skipped = len(parsed.problems) if form.skip_invalid else 0
        if parsed.problems and not form.skip_invalid:
            # Nothing is sent until every entry is an address, or the user says to skip the rest.
            problems, valid = parsed.problems, len(parsed.addresses)
        else:
            try:
                report = rounds.invitations_add(
                    round_company=part,
                    actor=request.user,
                    emails=[entry.address for entry in parsed.addresses],
                    sources=[(entry.line, entry.text) for entry in parsed.addresses],
                    language=form.cleaned_data["language"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if report.ok:
                    duplicates = report.duplicates + parsed.duplicates
                    text = _("%(added)s invited; %(duplicates)s already on the list were skipped.") % {
                        "added": report.added,
                        "duplicates": duplicates,
                    }
                    if skipped:
                        text += " " + ngettext(
                            "%(count)s entry that was not an address was left out.",
                            "%(count)s entries that were not addresses were left out.",
                            skipped,
                        ) % {"count": skipped}
                    messages.success(request, text)
                    return redirect("rounds:company", access.cluster.slug, round_.pk, part.pk)
    return render(
        request,
        "surveys/rounds/invite.html",
        {
            "round": round_,
            "part": part,
            "form": form,
            "report": report,
            "problems": problems,
            "valid": valid,
            "closed": round_.status == RoundStatus.CLOSED,
        },
    )


def _invitation_action(
    request: HttpRequest, pk: int, part_pk: int, invitation_pk: int, *, withdraw: bool
) -> HttpResponse:
    """Confirm, then withdraw or resend one personal invitation (the company's own people only)."""
    access = _access(request)
    round_ = rounds.access_round(access, pk, "rounds.invite_own")
    part = rounds.access_round_company(access, round_, part_pk, "rounds.invite_own")
    invitation = round_reads.access_invitation(access, part, invitation_pk, "rounds.invite_own")
    error = None
    if request.method == "POST":
        try:
            if withdraw:
                rounds.invitation_withdraw(invitation=invitation, actor=request.user)
                messages.success(
                    request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
                )
            else:
                rounds.invitation_resend(invitation=invitation, actor=request.user)
                messages.success(
                    request, _("The invitation is sent again to %(email)s.") % {"email": invitation.email}
                )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            return redirect("rounds:company", access.cluster.slug, round_.pk, part.pk)
    return render(
        request,
        "surveys/rounds/invitation_confirm.html",
        {"round": round_, "part": part, "invitation": invitation, "withdraw": withdraw, "error": error},
        status=422 if error else 200,
    )


@cluster_view("rounds.invite_own")
@require_http_methods(["GET", "POST"])
def invitation_withdraw(request: HttpRequest, pk: int, part_pk: int, invitation_pk: int) -> HttpResponse:
    return _invitation_action(request, pk, part_pk, invitation_pk, withdraw=True)


@cluster_view("rounds.invite_own")
@require_http_methods(["GET", "POST"])
def invitation_resend(request: HttpRequest, pk: int, part_pk: int, invitation_pk: int) -> HttpResponse:
    return _invitation_action(request, pk, part_pk, invitation_pk, withdraw=False)


@cluster_view("rounds.invite_own")
def round_qr(request: HttpRequest, pk: int, part_pk: int, fmt: str) -> HttpResponse:
    """The company's open link as a QR code, for a poster or the intranet."""
    access = _access(request)
    round_ = rounds.access_round(access, pk, "rounds.invite_own")
    part = rounds.access_round_company(access, round_, part_pk, "rounds.invite_own")
    if not part.open_link_enabled:
        messages.info(request, _("The open link is off. Turn it on before sharing its QR code."))
        return redirect("rounds:company", access.cluster.slug, round_.pk, part.pk)
    code = segno.make(rounds.open_link_url(part, request=request), error="m")
    buffer = io.BytesIO()
    if fmt == "svg":
        code.save(buffer, kind="svg", scale=8, border=4, title=round_.title)
        content_type = "image/svg+xml"
    else:
        code.save(buffer, kind="png", scale=12, border=4)
        content_type = "image/png"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    name = slugify(f"{round_.title} {part.membership.name}") or "qr"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@cluster_view("rounds.invite_own")
def round_poster(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    """An A4 poster of the company's open link to print: the company and round as the cluster
    names them, a large QR code, the address in text and how to answer (in Norwegian, and in
    English too when the survey can be answered in English)."""
    access = _access(request)
    round_ = rounds.access_round(access, pk, "rounds.invite_own")
    part = rounds.access_round_company(access, round_, part_pk, "rounds.invite_own")
    if not part.open_link_enabled:
        messages.info(request, _("The open link is off. Turn it on before printing its poster."))
        return redirect("rounds:company", access.cluster.slug, round_.pk, part.pk)
    link = rounds.open_link_url(part, request=request)
    qr = segno.make(link, error="m").svg_inline(scale=1, border=2, omitsize=True, title=link)
    survey = round_.survey_version.survey
    return render(
        request,
        "surveys/rounds/poster.html",
        {
            "round": round_,
            "part": part,
            "link": link,
            "qr": mark_safe(qr),  # noqa: S308  (segno's own SVG markup; the only text in it is escaped)
            "english": bool(survey.title_en),
            "survey": survey,
        },
    )


@cluster_view("rounds.invite_own")
@require_http_methods(["GET", "POST"])
def round_open_link(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    """Turn a company's open link on (after reading why it is off by default) or off."""
    access = _access(request)
    round_ = rounds.access_round(access, pk, "rounds.invite_own")
    part = rounds.access_round_company(access, round_, part_pk, "rounds.invite_own")
    form = OpenLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enabled = form.cleaned_data["enabled"]
        try:
            open_links.open_link_set(round_company=part, actor=request.user, enabled=enabled)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The open link is on. Share it only with the company's employees.")
                if enabled
                else _("The open link is off. Only personal invitations can answer."),
            )
            return redirect("rounds:company", access.cluster.slug, round_.pk, part.pk)
    return render(
        request,
        "surveys/rounds/open_link.html",
        {"round": round_, "part": part, "form": form, "warning": open_links.OPEN_LINK_WARNING},
    )


@cluster_view("rounds.change")
@require_http_methods(["GET", "POST"])
def round_held(request: HttpRequest, pk: int) -> HttpResponse:
    """The answers held for review, by company, reason and day, to approve or reject."""
    access = _access(request)
    round_ = rounds.access_round(access, pk, "rounds.change")
    rows = holds.held_list(round_=round_)
    form = HeldDecisionForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["action"] == HeldDecisionForm.APPROVE
        decide = holds.held_approve if approve else holds.held_reject
        try:
            outcome = decide(round_=round_, actor=request.user, ids=form.cleaned_data["ids"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                (
                    _("%(count)s held answers now count.")
                    if approve
                    else _("%(count)s held answers were deleted.")
                )
                % {"count": outcome.responses},
            )
            return redirect("rounds:held", access.cluster.slug, round_.pk)
    return render(
        request,
        "surveys/rounds/held.html",
        {"round": round_, "rows": rows, "form": form, "total": sum(row.count for row in rows)},
    )
