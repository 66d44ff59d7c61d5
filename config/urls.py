from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from klyngekart.accounts.views_start import start
from klyngekart.activities.views import cluster_feed
from klyngekart.api.api import api
from klyngekart.home import privacy_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", start, name="start"),
    path("", include("klyngekart.core.urls")),
    path("accounts/", include("klyngekart.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("calendar/", include("klyngekart.activities.feed_urls")),
    path("c/<slug:cluster_slug>/", include("klyngekart.home.urls")),
    path("c/<slug:cluster_slug>/members/", include("klyngekart.members.urls")),
    path("c/<slug:cluster_slug>/people/", include("klyngekart.members.people_urls")),
    path("c/<slug:cluster_slug>/taxonomy/", include("klyngekart.taxonomy.urls")),
    path("c/<slug:cluster_slug>/surveys/", include("klyngekart.surveys.definitions.urls")),
    path("c/<slug:cluster_slug>/rounds/", include("klyngekart.surveys.rounds.urls")),
    path("c/<slug:cluster_slug>/results/", include("klyngekart.surveys.results.urls")),
    path("c/<slug:cluster_slug>/strategy/", include("klyngekart.needs.urls")),
    path("c/<slug:cluster_slug>/needs/", include("klyngekart.needs.urls_analysis")),
    path("c/<slug:cluster_slug>/measures/", include("klyngekart.measures.urls")),
    path("c/<slug:cluster_slug>/services/", include("klyngekart.memberservices.urls")),
    path("c/<slug:cluster_slug>/activities/", include("klyngekart.activities.urls")),
    # The cluster's calendar (activities for all members and open ones) as an .ics file.
    path("c/<slug:cluster_slug>/calendar.ics", cluster_feed, name="cluster_calendar"),
    path("c/<slug:cluster_slug>/benchmark/", include("klyngekart.benchmark.urls")),
    path("c/<slug:cluster_slug>/collaborations/", include("klyngekart.collaborations.urls")),
    path("c/<slug:cluster_slug>/webhooks/", include("klyngekart.webhooks.urls")),
    path("c/<slug:cluster_slug>/engagement/", include("klyngekart.engagement.urls")),
    path("c/<slug:cluster_slug>/reports/", include("klyngekart.reports.urls")),
    path("c/<slug:cluster_slug>/landscape/", include("klyngekart.landscape.cluster_urls")),
    path("c/<slug:cluster_slug>/barometer/", include("klyngekart.barometer.urls_cluster")),
    path("c/<slug:cluster_slug>/partners/", include("klyngekart.partners.urls")),
    path("s/<str:token>/", include("klyngekart.surveys.answering.urls")),
    path("platform/", include("klyngekart.home.platform_urls")),
    path("me/data/", privacy_views.my_data, name="my_data"),
    path("landscape/", include("klyngekart.landscape.urls")),
    path("barometer/", include("klyngekart.barometer.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
