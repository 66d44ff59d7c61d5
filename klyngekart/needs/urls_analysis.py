from django.urls import path

from klyngekart.needs import views_analysis

app_name = "needs"
urlpatterns = [
    path("", views_analysis.index, name="index"),
]
