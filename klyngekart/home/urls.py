from django.urls import path

from klyngekart.home import views

app_name = "cluster"
urlpatterns = [
    path("", views.home, name="home"),
]
