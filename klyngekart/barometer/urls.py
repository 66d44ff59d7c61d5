from django.urls import path

from klyngekart.barometer import views

app_name = "barometer"

urlpatterns = [
    path("", views.barometer_page, name="page"),
    path("barometer.csv", views.barometer_csv, name="csv"),
    path("public/", views.barometer_public, name="public"),
]
