from django.urls import path

from klyngekart.taxonomy import views

app_name = "taxonomy"
urlpatterns = [
    path("", views.taxonomy_index, name="index"),
    path("areas/new/", views.area_add, name="area_add"),
    path("areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
    path("areas/<int:pk>/hide/", views.area_hide, name="area_hide"),
    path("areas/<int:pk>/show/", views.area_show, name="area_show"),
    path("areas/<int:pk>/move/", views.area_move, name="area_move"),
]
