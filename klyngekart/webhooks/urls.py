from django.urls import path

from klyngekart.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.index, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/test/", views.test, name="test"),
    path("<int:pk>/rotate/", views.rotate, name="rotate"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
