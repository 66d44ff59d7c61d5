"""The manager's page of webhooks: add, change, test, rotate the secret, remove, and each
webhook's delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from klyngekart.accounts.access import ClusterAccess, cluster_view
from klyngekart.core.forms import add_service_errors
from klyngekart.webhooks import selectors, services
from klyngekart.webhooks.forms import WebhookForm
from klyngekart.webhooks.models import Webhook


def _access(request: HttpRequest) -> ClusterAccess:
    return request.access  # type: ignore[attr-defined,no-any-return]


@cluster_view("webhooks.manage")
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "webhooks/list.html", {"webhooks": list(selectors.webhook_list())})


@cluster_view("webhooks.manage")
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    form = WebhookForm(request.POST or None, instance=Webhook(cluster=access.cluster))
    if request.method == "POST" and form.is_valid():
        try:
            webhook = services.webhook_create(
                cluster=access.cluster, actor=request.user, data=form.data_for_service()
            )
        except ValidationError as error:
            add_service_errors(form, error)  # type: ignore[arg-type]
        else:
            messages.success(request, _("The webhook is added. Send a test to check the receiver."))
            return redirect("webhooks:detail", access.cluster.slug, webhook.pk)
    return render(request, "webhooks/form.html", {"form": form, "webhook": None})


@cluster_view("webhooks.manage")
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    webhook = selectors.access_webhook(access, pk)
    form = WebhookForm(request.POST or None, instance=webhook)
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_update(webhook=webhook, actor=request.user, data=form.data_for_service())
        except ValidationError as error:
            add_service_errors(form, error)  # type: ignore[arg-type]
        else:
            messages.success(request, _("The webhook is saved."))
            return redirect("webhooks:detail", access.cluster.slug, webhook.pk)
    return render(
        request,
        "webhooks/form.html",
        {"form": form, "webhook": webhook, "deliveries": selectors.deliveries_of(webhook)},
    )


@cluster_view("webhooks.manage")
@require_POST
def test(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    webhook = selectors.access_webhook(access, pk)
    services.webhook_test(webhook=webhook, actor=request.user)
    messages.success(request, _("A test is on its way; its outcome shows in the log below."))
    return redirect("webhooks:detail", access.cluster.slug, webhook.pk)


@cluster_view("webhooks.manage")
@require_POST
def rotate(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    webhook = selectors.access_webhook(access, pk)
    services.webhook_rotate_secret(webhook=webhook, actor=request.user)
    messages.success(request, _("The webhook has a new secret. Give it to the receiving system."))
    return redirect("webhooks:detail", access.cluster.slug, webhook.pk)


@cluster_view("webhooks.manage")
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    webhook = selectors.access_webhook(access, pk)
    services.webhook_delete(webhook=webhook, actor=request.user)
    messages.success(request, _("The webhook is removed."))
    return redirect("webhooks:list", access.cluster.slug)
