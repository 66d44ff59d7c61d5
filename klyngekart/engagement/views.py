"""The engagement page (the kept scores, filtered and sorted), the weights, and the mail to the
members at risk with its preview. For the cluster team and advisors; the weights are the manager's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from klyngekart.accounts.access import ClusterAccess, cluster_view
from klyngekart.core.forms import add_service_errors
from klyngekart.engagement import scoring, selectors, services
from klyngekart.engagement.forms import AtRiskMailForm, ListForm, SettingsForm
from klyngekart.engagement.mail import render_at_risk_mail
from klyngekart.engagement.models import EngagementSettings

PAGE_SIZE = 50


def _access(request: HttpRequest) -> ClusterAccess:
    return request.access  # type: ignore[attr-defined,no-any-return]


def _weights(weights: EngagementSettings) -> list[dict[str, object]]:
    total = sum(scoring.weight_of(weights, part) for part in scoring.PARTS) or 1
    return [
        {
            "part": part,
            "weight": scoring.weight_of(weights, part),
            "share": round(100 * scoring.weight_of(weights, part) / total),
            "target": getattr(weights, f"target_{part}", None),
        }
        for part in scoring.PARTS
    ]


@cluster_view("engagement.view")
def index(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    form = ListForm(request.GET or None)
    choice = form.values()
    summary = selectors.summary(access.cluster)
    scores = selectors.score_list(access.cluster, cutoff=summary.cutoff, **choice)
    page_obj = Paginator(scores, PAGE_SIZE).get_page(request.GET.get("page"))
    weights = selectors.settings_of(access.cluster)
    return render(
        request,
        "engagement/index.html",
        {
            "form": form,
            "choice": choice,
            "summary": summary,
            "page_obj": page_obj,
            "page_range": page_obj.paginator.get_elided_page_range(
                page_obj.number, on_each_side=1, on_ends=1
            ),
            "ellipsis": Paginator.ELLIPSIS,
            "weights": _weights(weights),
            "settings": weights,
            "champion_min": scoring.CHAMPION_MIN,
        },
    )


@cluster_view("engagement.settings")
@require_http_methods(["GET", "POST"])
def settings_edit(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    current = selectors.settings_of(access.cluster)
    form = SettingsForm(
        request.POST or None,
        instance=EngagementSettings(cluster=access.cluster),
        initial=model_to_dict(current),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.engagement_settings_update(
                cluster=access.cluster, actor=request.user, data=form.data_for_service()
            )
        except ValidationError as error:
            add_service_errors(form, error)  # type: ignore[arg-type]
        else:
            messages.success(request, _("The weights are saved. The scores are being worked out again."))
            return redirect("engagement:index", access.cluster.slug)
    return render(request, "engagement/settings.html", {"form": form})


@cluster_view("engagement.mail")
@require_http_methods(["GET", "POST"])
def mail(request: HttpRequest) -> HttpResponse:
    """Write, preview, send: the first POST shows the mail as each language's recipients get it and
    everyone it goes to; only the second (``send``) queues it."""
    access = _access(request)
    form = AtRiskMailForm(request.POST or None)
    recipients = selectors.at_risk_recipients(access.cluster)
    previews = []
    if request.method == "POST" and form.is_valid():
        if "send" in request.POST:
            try:
                sent = services.at_risk_mail_send(
                    cluster=access.cluster,
                    actor=request.user,
                    subject=form.cleaned_data["subject"],
                    message=form.cleaned_data["message"],
                )
            except ValidationError as error:
                add_service_errors(form, error)  # type: ignore[arg-type]
            else:
                count = len(sent.recipients)
                messages.success(
                    request,
                    ngettext(
                        "The mail is on its way to %(count)s address.",
                        "The mail is on its way to %(count)s addresses.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect("engagement:index", access.cluster.slug)
        languages = sorted({r.language for r in recipients})
        first = {r.language: r.company for r in reversed(recipients)}
        previews = [
            {
                "language": language,
                **render_at_risk_mail(
                    cluster=access.cluster,
                    subject=form.cleaned_data["subject"],
                    message=form.cleaned_data["message"],
                    company=first[language],
                    language=language,
                ),
            }
            for language in languages
        ]
    return render(
        request,
        "engagement/mail.html",
        {
            "form": form,
            "recipients": recipients,
            "companies": len({r.membership_id for r in recipients}),
            "previews": previews,
        },
    )
