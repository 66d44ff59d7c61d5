from django.urls import path

from klyngekart.measures import views

app_name = "measures"

urlpatterns = [
    path("", views.index, name="list"),
    path("new/", views.create, name="create"),
    path("impact/", views.impact, name="impact"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/status/", views.set_status, name="status"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/interest/", views.interest, name="interest"),
    path("<int:pk>/interest/withdraw/", views.withdraw, name="withdraw"),
]
