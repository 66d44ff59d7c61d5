from django.urls import path

from klyngekart.barometer import views

app_name = "cluster_barometer"

urlpatterns = [
    path("", views.cluster_participation, name="settings"),
]
