from django.urls import path

from klyngekart.members import views, views_io

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_create, name="create"),
    path("my-company/", views.my_company, name="my_company"),
    path("import/", views_io.member_import, name="import"),
    path("import/confirm/", views_io.member_import_confirm, name="import_confirm"),
    path("import/template.csv", views_io.member_import_template, name="import_template"),
    path("export/", views_io.member_export, name="export"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/status/", views.member_end, name="end"),
    path("<int:pk>/register/", views.member_register_refresh, name="register_refresh"),
    path("<int:pk>/contacts/add/", views.contact_form, name="contact_add"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", views.contact_form, name="contact_edit"),
    path("<int:pk>/contacts/<int:contact_pk>/delete/", views.contact_delete, name="contact_delete"),
]
