from django.urls import path

from klyngekart.landscape import views

app_name = "landscape_cluster"
urlpatterns = [
    path("import/", views.cluster_import, name="import"),
    path("<int:pk>/edit/", views.cluster_edit, name="edit"),
]
