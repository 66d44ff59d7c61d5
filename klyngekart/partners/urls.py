from django.urls import path

from klyngekart.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.index, name="index"),
    path("settings/", views.settings, name="settings"),
    path("company/", views.company, name="company"),
]
