from django.urls import path

from klyngekart.memberservices import views

app_name = "memberservices"

urlpatterns = [
    path("", views.index, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("survey/new/", views.survey_new, name="survey_new"),
    path("pulse/", views.pulse, name="pulse"),
    path("survey/<int:round_id>/", views.survey_results, name="results"),
]
