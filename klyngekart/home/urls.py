from django.urls import path

from klyngekart.home import settings_views, views

app_name = "cluster"
urlpatterns = [
    path("", views.home, name="home"),
    path("changes/", views.audit, name="audit"),
    path("settings/", settings_views.cluster_settings, name="settings"),
]
