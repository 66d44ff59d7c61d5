"""Every file the project sends as a download (exports, reports, QR codes) carries Cache-Control:
no-store, private, so no browser or proxy cache keeps a member list or a report."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from klyngekart.core.middleware import PrivateDownloadsMiddleware
from klyngekart.core.tenancy import scope
from klyngekart.reports.models import ReportJob
from klyngekart.reports.tests.factories import ReportJobFactory
from klyngekart.surveys.definitions.templates import survey_create_from_template
from klyngekart.surveys.models import RoundCompany
from klyngekart.surveys.tests.rounds_helpers import draft_round, part_of

pytestmark = pytest.mark.django_db


def _private(response: HttpResponse) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_every_download_is_private_and_not_stored(world, login) -> None:
    slug = world.cluster.slug
    manager = login(world.users["manager"])
    survey = survey_create_from_template(
        cluster=world.cluster, actor=world.users["manager"], template_key="employee_mapping"
    )
    with scope(world.cluster):
        version = survey.versions.get()
    round_ = draft_round(world)
    part = part_of(round_, world)
    with scope(world.cluster):  # a QR code is for a link that is on (links are opt-in)
        RoundCompany.objects.filter(pk=part.pk).update(open_link_enabled=True)
    report: ReportJob = ReportJobFactory(cluster=world.cluster, requested_by=world.users["manager"])  # type: ignore[assignment]
    downloads = [
        reverse("members:export", args=[slug]) + "?format=csv",
        reverse("members:export", args=[slug]) + "?format=xlsx",
        reverse("members:import_template", args=[slug]),
        reverse("surveys:export", args=[slug, version.pk]),
        reverse("rounds:qr_png", args=[slug, round_.pk, part.pk]),
        reverse("rounds:qr_svg", args=[slug, round_.pk, part.pk]),
        reverse("reports:download", args=[slug, report.pk]),
    ]
    for url in downloads:
        response = manager.get(url)
        assert response.status_code == 200, url
        assert "attachment" in response["Content-Disposition"], url
        assert _private(response), (url, response.get("Cache-Control"))


def test_a_view_that_chose_its_own_cache_policy_keeps_it() -> None:
    def view(request):  # type: ignore[no-untyped-def]
        response = HttpResponse(b"x")
        response["Content-Disposition"] = 'inline; filename="x.pdf"'
        response["Cache-Control"] = "no-cache"
        return response

    response = PrivateDownloadsMiddleware(view)(RequestFactory().get("/"))
    assert {part.strip() for part in response["Cache-Control"].split(",")} == {
        "no-cache",
        "no-store",
        "private",
    }
    plain = PrivateDownloadsMiddleware(lambda request: HttpResponse(b"page"))(RequestFactory().get("/"))
    assert "Cache-Control" not in plain
