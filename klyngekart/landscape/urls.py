from django.urls import path

from klyngekart.landscape import views

app_name = "landscape"
urlpatterns = [
    path("", views.profile_list, name="list"),
    path("map/", views.profile_map, name="map"),
    path("export/", views.profile_export, name="export"),
    path("import/", views.platform_import, name="import"),
    path("<int:pk>/", views.profile_detail, name="detail"),
    path("<int:pk>/edit/", views.platform_edit, name="edit"),
]
