from django.urls import path

from klyngekart.surveys.definitions import views as views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("new/template/", views.survey_create_from_template_view, name="create_from_template"),
    path("import/", views.survey_import, name="import"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/new-version/", views.survey_new_version, name="new_version"),
    path("versions/<int:pk>/edit/", views.version_edit, name="edit"),
    path("versions/<int:pk>/publish/", views.version_publish, name="publish"),
    path("versions/<int:pk>/preview/", views.version_preview, name="preview"),
    path("versions/<int:pk>/xlsform/", views.version_export, name="export"),
    path("versions/<int:pk>/sections/new/", views.section_add, name="section_add"),
    path("sections/<int:pk>/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/move/", views.section_move, name="section_move"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section_delete"),
    path("sections/<int:pk>/questions/new/", views.question_add, name="question_add"),
    path("questions/<int:pk>/", views.question_edit, name="question_edit"),
    path("questions/<int:pk>/move/", views.question_move, name="question_move"),
    path("questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
]
