from django.urls import path

from klyngekart.home import platform_views, privacy_views

app_name = "platform"
urlpatterns = [
    path("clusters/", platform_views.cluster_list, name="clusters"),
    path("clusters/new/", platform_views.cluster_create, name="cluster_create"),
    path("people/", privacy_views.people, name="people"),
]
