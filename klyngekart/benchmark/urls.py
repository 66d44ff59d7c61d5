from django.urls import path

from klyngekart.benchmark import views

app_name = "benchmark"

urlpatterns = [
    path("", views.index, name="index"),
    path("edit/", views.edit, name="edit"),
]
