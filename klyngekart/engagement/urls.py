from django.urls import path

from klyngekart.engagement import views

app_name = "engagement"

urlpatterns = [
    path("", views.index, name="index"),
    path("settings/", views.settings_edit, name="settings"),
    path("mail/", views.mail, name="mail"),
]
