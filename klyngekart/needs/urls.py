from django.urls import path

from klyngekart.needs import views

app_name = "strategy"
urlpatterns = [
    path("", views.index, name="index"),
    path("lock/", views.lock, name="lock"),
    path("unlock/", views.unlock, name="unlock"),
    path("<int:pk>/", views.company, name="company"),
    path("<int:pk>/<int:year>/", views.detail, name="detail"),
    path("<int:pk>/<int:year>/edit/", views.edit, name="edit"),
]
